"""Full-text structures that only one database vendor understands.

SQLite: an FTS5 table over ``name_keys`` and ``body`` of the index, kept in step by triggers.
PostgreSQL: stored generated ``tsvector`` columns with GIN indexes, ``name_tsv`` ('simple':
name keys are exact tokens) and ``body_tsv`` ('german': notes and comments, stemming), and a trigram
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
    # Stored generated columns: ranking reads the vector instead of re-parsing every row.
    "ALTER TABLE search_caseindexentry ADD COLUMN name_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name_keys)) STORED",
    "ALTER TABLE search_caseindexentry ADD COLUMN body_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('german'::regconfig, body)) STORED",
    "CREATE INDEX search_entry_name_tsv ON search_caseindexentry USING gin (name_tsv)",
    "CREATE INDEX search_entry_body_tsv ON search_caseindexentry USING gin (body_tsv)",
    "CREATE INDEX search_nameterm_trgm ON search_nameterm USING gin (key gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_nameterm_trgm",
    "ALTER TABLE search_caseindexentry DROP COLUMN IF EXISTS body_tsv",
    "ALTER TABLE search_caseindexentry DROP COLUMN IF EXISTS name_tsv",
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
