"""The database backend: SQLite FTS5 or PostgreSQL full text, plus name keys and trigrams.

Names: the query's keys (:func:`search.names.query_keys`), widened by near spellings from the
name vocabulary (one typo: rapidfuzz over the vocabulary, and on PostgreSQL also pg_trgm
trigram similarity), are looked up in the full-text index over ``name_keys``; the best
candidates are re-ranked in Python by :func:`search.names.score`.

Free text: all words must occur in the case's document (notes, comments, names, type);
PostgreSQL uses the German configuration (stemming), SQLite FTS5 with diacritics removed.
Every query string handed to the database is built from quoted terms, never from raw input.

On PostgreSQL a search costs few round trips: the user's scope (one statement), the
vocabulary probe (newest key id and trigram neighbours, one statement), every candidate with
its ranking columns and the exact number of text matches (one statement, see
:meth:`DatabaseCaseSearchBackend._pg_gather`), the page's rows, and the search log entry.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import DamerauLevenshtein

from .. import indexing, names
from ..models import CaseIndexEntry, NameTerm
from .base import (
    CANDIDATE_LIMIT,
    ROW_FIELDS,
    BaseCaseSearchBackend,
    Candidates,
    identifier_condition,
    serial_candidates_wanted,
    serial_condition,
)
from .vocabulary import TYPO_SIMILARITY, near_keys, typo_words

__all__ = ["DatabaseCaseSearchBackend", "SearchBackend"]

MAX_KEYS = 250
_TABLE = CaseIndexEntry._meta.db_table


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ts_quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


class DatabaseCaseSearchBackend(BaseCaseSearchBackend):
    name = "database"

    # -- writes ------------------------------------------------------------------------------

    def index_cases(self, case_ids) -> int:
        return indexing.index_cases(case_ids)

    def remove_cases(self, case_ids) -> None:
        indexing.remove_cases(case_ids)

    def rebuild(self, progress=None) -> int:
        return indexing.rebuild(progress)

    # -- reads -------------------------------------------------------------------------------

    def name_keys(self, parsed: names.ParsedQuery) -> tuple[list[str], list[str], list[str]]:
        """Keys in three tiers: spellings and phonetic keys, near spellings, skeletons."""
        precise, coarse = names.query_key_levels(parsed)
        words = typo_words(parsed)
        if connection.vendor == "postgresql":
            max_id, near = _trigram_near(words)
            near |= near_keys(words, max_id)
        else:
            near = near_keys(words)
        return (
            sorted(precise)[:MAX_KEYS],
            sorted(near - precise)[:MAX_KEYS],
            sorted(coarse - near)[:MAX_KEYS],
        )

    def text_condition(self, text_words):
        if not text_words:
            return None
        if connection.vendor == "postgresql":
            return _pg_text_match(" ".join(text_words))
        return RawSQL(  # noqa: S611 (fixed SQL, values as parameters)
            f"{_TABLE}.case_id IN (SELECT rowid FROM search_case_fts "  # noqa: S608 (fixed SQL)
            "WHERE search_case_fts MATCH %s)",
            [_fts_text_match(text_words)],
            output_field=BooleanField(),
        )

    def gather(self, parsed, text_words, qs, scope, filters) -> Candidates:
        if connection.vendor != "postgresql":
            return super().gather(parsed, text_words, qs, scope, filters)
        return self._pg_gather(parsed, text_words, qs, scope, filters)

    def _pg_gather(self, parsed, text_words, visible, scope, filters) -> Candidates:
        """Identifiers, name tiers, birth dates and text matches in one statement.

        ``c``: each kind of name, identifier, partial file number and date candidate is a
        separately limited select (so a common coarse key cannot crowd out a true match) over
        the rows of the user's scope (plain values, answered from indexes). ``v``: one pass over
        the visible rows (casework's condition and the filters) that are candidates or match
        the text;
        ``r`` counts the text matches (exact: every visible match) and keeps the best
        ranked of them. The rows come back with their kinds and are ranked in Python.
        """
        # Limited selects: the GIN match is the selective part; scope values written so that
        # the planner does not add a bitmap of a whole department to every name lookup.
        qs = filters.apply(CaseIndexEntry.objects.all())
        scope_sql = _pg_scope(scope)
        if scope_sql is not None:
            qs = qs.filter(scope_sql)
        arms: list[tuple[str, list]] = []

        def add(queryset, kind: int, limit: int | None = CANDIDATE_LIMIT) -> None:
            queryset = queryset.order_by().values("case_id")
            if limit is not None:
                queryset = queryset[:limit]
            sql, params = queryset.query.sql_with_params()
            arms.append((f"SELECT a.case_id, {kind} AS kind FROM ({sql}) a", list(params)))  # noqa: S608 (compiled by Django)

        exact = identifier_condition(parsed)
        if exact is not None:
            add(qs.filter(exact), 0, None)
        if serial_candidates_wanted(parsed):
            add(qs.filter(serial_condition(parsed.file_serials)), 3)
        if parsed.tokens:
            for tsquery, limit in self._pg_name_queries(parsed):
                add(qs.filter(_pg_name_match(tsquery)), 1, limit)
        if parsed.dates:
            add(qs.filter(birth_date__in=parsed.dates), 2)
        candidates = Candidates(
            identifiers=set(), serials=set(), dates=set(), rows=[], text_hits=set()
        )
        if not arms and not text_words:
            return candidates
        if not arms:
            arms.append(("SELECT NULL::bigint AS case_id, 0 AS kind WHERE FALSE", []))
        text = " ".join(text_words)
        in_c = RawSQL(  # noqa: S611 (fixed SQL)
            f"{_TABLE}.case_id = ANY(ARRAY(SELECT case_id FROM c))",  # noqa: S608 (fixed SQL)
            [],
            output_field=BooleanField(),
        )
        if text_words:
            rows_qs = visible.filter(Q(_pg_text_match(text)) | Q(in_c)).annotate(
                text_hit=_pg_text_match(text),
                text_rank=RawSQL(  # noqa: S611 (fixed SQL, values as parameters)
                    f"ts_rank({_TABLE}.body_tsv, plainto_tsquery('german'::regconfig, %s))",
                    [text],
                    output_field=FloatField(),
                ),
            )
        else:
            rows_qs = visible.filter(in_c).annotate(
                text_hit=RawSQL("FALSE", [], output_field=BooleanField()),  # noqa: S611
                text_rank=RawSQL("0.0::float8", [], output_field=FloatField()),  # noqa: S611
            )
        rows_sql, rows_params = (
            rows_qs.order_by().values(*ROW_FIELDS, "text_hit", "text_rank").query.sql_with_params()
        )
        columns = ", ".join(
            "EXTRACT(EPOCH FROM r.received_at)::float8" if c == "received_at" else f"r.{c}"
            for c in ROW_FIELDS
        )
        sql = (
            "WITH c AS (" + " UNION ALL ".join(f"({a})" for a, _ in arms) + "), "  # noqa: S608
            f"v AS ({rows_sql}), "
            "r AS (SELECT v.*, count(*) FILTER (WHERE v.text_hit) OVER () AS text_total, "
            "row_number() OVER (ORDER BY v.text_hit DESC, v.text_rank DESC, "
            "v.received_at DESC, v.case_id DESC) AS text_pos FROM v) "
            f"SELECT {columns}, r.text_hit, r.text_rank, r.text_total, c.kind FROM r "
            "LEFT JOIN c ON c.case_id = r.case_id "
            "WHERE c.case_id IS NOT NULL OR (r.text_hit AND r.text_pos <= %s)"
        )
        params = [p for _, arm_params in arms for p in arm_params] + list(rows_params)
        params.append(CANDIDATE_LIMIT)
        rows = pg_fetch(sql, params)
        seen: set[int] = set()
        text_ranks: dict[int, float] = {}
        width = len(ROW_FIELDS)
        candidates.text_total = 0 if text_words else None
        for row in rows:
            pk, hit, rank, total, kind = row[0], *row[width : width + 4]
            if text_words:
                candidates.text_total = total
            if hit:
                candidates.text_hits.add(pk)
            if kind == 0:
                candidates.identifiers.add(pk)
            elif kind == 1:
                candidates.by_name.append(pk)
            elif kind == 2:
                candidates.dates.add(pk)
            elif kind == 3:
                candidates.serials.add(pk)
            if hit:  # also when the case is a name, identifier or date candidate too
                text_ranks[pk] = rank or 0.0
            if pk not in seen:
                seen.add(pk)
                candidates.rows.append(row[:width])
        candidates.by_name = list(dict.fromkeys(candidates.by_name))
        candidates.by_text = _normalise(text_ranks)
        return candidates

    def _pg_name_queries(self, parsed: names.ParsedQuery) -> list[tuple[str, int]]:
        """tsquery strings with their limits: every query word, then the key tiers."""
        levels = self.name_keys(parsed)
        limits = (CANDIDATE_LIMIT, CANDIDATE_LIMIT // 2, CANDIDATE_LIMIT // 2)
        out = [
            (" | ".join(_ts_quote(k) for k in keys), limit)
            for keys, limit in zip(levels, limits, strict=True)
            if keys
        ]
        if len(parsed.tokens) > 1:
            groups = []
            for token in parsed.tokens:
                keys = names.token_keys(token)
                groups.append("(" + " | ".join(_ts_quote(k) for k in sorted(keys) if k) + ")")
            out.insert(0, (" & ".join(groups), CANDIDATE_LIMIT // 2))
        return out

    def find_candidates(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        queryset: QuerySet[CaseIndexEntry],
        *,
        scope=None,
        filters=None,
    ) -> Candidates:
        """SQLite FTS5 candidates; PostgreSQL gathers everything in one statement instead."""
        subquery, params = queryset.values("case_id").query.sql_with_params()
        candidates = Candidates()
        levels = self.name_keys(parsed) if parsed.tokens else ([], [], [])
        # Each tier has its own limit, so that common coarse keys cannot crowd out a true match.
        limits = (CANDIDATE_LIMIT, CANDIDATE_LIMIT // 2, CANDIDATE_LIMIT // 2)
        tiers = [(keys, limit) for keys, limit in zip(levels, limits, strict=True) if keys]
        if tiers:
            candidates.by_name = list(dict.fromkeys(self._fts_names(tiers, subquery, params)))
        if text_words:
            candidates.by_text = self._fts_text(text_words, subquery, params)
        return candidates

    def _fts_names(self, tiers, subquery, params) -> list[int]:
        out: list[int] = []
        for keys, limit in tiers:
            match = "name_keys : (" + " OR ".join(_fts_quote(k) for k in keys) + ")"
            sql = (
                "WITH m AS MATERIALIZED (SELECT rowid AS id, rank FROM search_case_fts "  # noqa: S608 (subquery compiled by Django, terms quoted)
                "WHERE search_case_fts MATCH %s) "
                f"SELECT id FROM m WHERE id IN ({subquery}) ORDER BY rank LIMIT %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [match, *params, limit])
                out.extend(row[0] for row in cursor.fetchall())
        return out

    def _fts_text(self, words, subquery, params) -> dict[int, float]:
        match = _fts_text_match(words)
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS id, rank FROM search_case_fts "  # noqa: S608 (subquery compiled by Django, terms quoted)
            "WHERE search_case_fts MATCH %s) "
            f"SELECT id, rank FROM m WHERE id IN ({subquery}) ORDER BY rank LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, CANDIDATE_LIMIT])
            rows = cursor.fetchall()
        return _normalise({pk: -rank for pk, rank in rows})


#: Planner settings for one search statement. JIT compiling costs far more than it saves for a
#: plan whose estimates are high only because of limits it will not reach; sequential and
#: parallel scans instead of the GIN and key indexes are never the faster choice here.
PLANNER_SETTINGS = {
    "jit": "off",
    "enable_seqscan": "off",
    "max_parallel_workers_per_gather": "0",
}


def pg_fetch(sql: str, params: list) -> list[tuple]:
    """Rows of one statement run with :data:`PLANNER_SETTINGS` (``SET LOCAL``).

    With client-side binding (psycopg's default in Django) the settings go in the same
    round trip: several statements in one query string run in one implicit transaction.
    Inside a transaction of the caller, a savepoint keeps the settings to this statement.
    """
    sets = "".join(f"SET LOCAL {name} = {value}; " for name, value in PLANNER_SETTINGS.items())
    options = connection.settings_dict.get("OPTIONS") or {}
    # A transaction of the caller (atomic block, or autocommit switched off) outlives this
    # statement: rolling back to a savepoint undoes the SET LOCALs there.
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    with connection.cursor() as cursor:
        if options.get("server_side_binding"):
            # One statement per round trip.
            if not in_transaction:
                with transaction.atomic():
                    for name, value in PLANNER_SETTINGS.items():
                        cursor.execute(f"SET LOCAL {name} = {value}")
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            cursor.execute("SAVEPOINT abh_search_plan")
            for name, value in PLANNER_SETTINGS.items():
                cursor.execute(f"SET LOCAL {name} = {value}")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute("ROLLBACK TO SAVEPOINT abh_search_plan")
            cursor.execute("RELEASE SAVEPOINT abh_search_plan")
            return rows
        prefix = "SAVEPOINT abh_search_plan; " if in_transaction else ""
        cursor.execute(prefix + sets + sql, params)
        while cursor.description is None and cursor.nextset():
            pass
        rows = cursor.fetchall()
        if in_transaction:
            cursor.execute(
                "ROLLBACK TO SAVEPOINT abh_search_plan; RELEASE SAVEPOINT abh_search_plan"
            )
    return rows


def _pg_scope(scope) -> RawSQL | None:
    """The scope as one condition that keeps the department and state indexes out."""
    if scope.everything:
        return None
    plus, concat = " + 0", " || ''"
    parts, params = [], []
    if scope.department_ids:
        parts.append(f"{_TABLE}.department_id{plus} = ANY(%s)")
        params.append(list(scope.department_ids))
    if scope.states:
        parts.append(f"{_TABLE}.state{concat} = ANY(%s)")
        params.append(list(scope.states))
    if scope.case_ids:
        parts.append(f"{_TABLE}.case_id = ANY(%s)")
        params.append(list(scope.case_ids))
    sql = "(" + " OR ".join(parts) + ")" if parts else "FALSE"
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (fixed SQL)


def _fts_text_match(words: list[str]) -> str:
    return "body : (" + " AND ".join(_fts_quote(w) + "*" for w in words) + ")"


def _pg_text_match(text: str) -> RawSQL:
    return RawSQL(  # noqa: S611 (fixed SQL, values as parameters)
        f"{_TABLE}.body_tsv @@ plainto_tsquery('german'::regconfig, %s)",
        [text],
        output_field=BooleanField(),
    )


def _pg_name_match(tsquery: str) -> RawSQL:
    return RawSQL(  # noqa: S611 (fixed SQL, values as parameters)
        f"{_TABLE}.name_tsv @@ to_tsquery('simple'::regconfig, %s)",
        [tsquery],
        output_field=BooleanField(),
    )


def _trigram_near(words: set[str]) -> tuple[int | None, set[str]]:
    """The newest vocabulary id and keys with a high trigram similarity (pg_trgm, GIN index).

    One round trip: the id tells whether the in-process vocabulary is still current.
    """
    long_words = sorted((w for w in words if len(w) >= 5), key=len, reverse=True)[:2]
    selects = [f"SELECT NULL::text, (SELECT max(id) FROM {NameTerm._meta.db_table})"]  # noqa: S608
    params: list[str] = []
    for word in long_words:
        selects.append(
            "(SELECT key, NULL::bigint FROM search_nameterm WHERE key %% %s "
            "ORDER BY similarity(key, %s) DESC LIMIT 10)"
        )
        params += [word, word]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    max_id = next((m for key, m in rows if key is None), None)
    out = {
        key
        for key, _m in rows
        if key is not None
        and any(
            DamerauLevenshtein.normalized_similarity(word, key) >= TYPO_SIMILARITY
            for word in long_words
        )
    }
    return max_id, out


def _normalise(ranks: dict[int, float]) -> dict[int, float]:
    if not ranks:
        return {}
    top = max(ranks.values()) or 1.0
    return {pk: max(0.0, float(r)) / top for pk, r in ranks.items()}


SearchBackend = DatabaseCaseSearchBackend
