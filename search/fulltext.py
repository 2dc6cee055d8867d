"""Full-text structures that only one database vendor understands.

SQLite: an FTS5 table over ``name_keys`` and ``body`` of the index, kept in step by triggers.
PostgreSQL: GIN indexes on ``to_tsvector('simple', name_keys)`` (name keys are exact tokens)
and ``to_tsvector('german', body)`` (notes and comments, German stemming), and a trigram
index on the name vocabulary (pg_trgm). Used by migration 0002 and by ``search_eval``.
"""

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_case_fts USING fts5(
        name_keys, body,
        content='search_caseindexentry', content_rowid='case_id',
        tokenize="unicode61 remove_diacritics 2"
    )""",
    """CREATE TRIGGER search_case_fts_ai AFTER INSERT ON search_caseindexentry BEGIN
        INSERT INTO search_case_fts(rowid, name_keys, body)
        VALUES (new.case_id, new.name_keys, new.body);
    END""",
    """CREATE TRIGGER search_case_fts_ad AFTER DELETE ON search_caseindexentry BEGIN
        INSERT INTO search_case_fts(search_case_fts, rowid, name_keys, body)
        VALUES ('delete', old.case_id, old.name_keys, old.body);
    END""",
    """CREATE TRIGGER search_case_fts_au AFTER UPDATE ON search_caseindexentry BEGIN
        INSERT INTO search_case_fts(search_case_fts, rowid, name_keys, body)
        VALUES ('delete', old.case_id, old.name_keys, old.body);
        INSERT INTO search_case_fts(rowid, name_keys, body)
        VALUES (new.case_id, new.name_keys, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_case_fts_au",
    "DROP TRIGGER IF EXISTS search_case_fts_ad",
    "DROP TRIGGER IF EXISTS search_case_fts_ai",
    "DROP TABLE IF EXISTS search_case_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX search_entry_keys_tsv ON search_caseindexentry "
    "USING gin (to_tsvector('simple'::regconfig, name_keys))",
    "CREATE INDEX search_entry_body_tsv ON search_caseindexentry "
    "USING gin (to_tsvector('german'::regconfig, body))",
    "CREATE INDEX search_nameterm_trgm ON search_nameterm USING gin (key gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_nameterm_trgm",
    "DROP INDEX IF EXISTS search_entry_body_tsv",
    "DROP INDEX IF EXISTS search_entry_keys_tsv",
]


FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}


def install(connection) -> None:
    """Create the structures on a connection (schema built without migrations)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for sql in FORWARD.get(connection.vendor, []):
            cursor.execute(sql)
