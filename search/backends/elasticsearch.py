"""The Elasticsearch backend (``elasticsearch`` >= 9 and ``elasticsearch.dsl``).

Elasticsearch finds the candidates: name sub-fields fed from :mod:`search.names` (folded
spellings, phonetic keys, consonant skeletons, plus a fuzzy match for typos) and the case
document with the German analyzer. Every Elasticsearch query carries the user's scope
(:mod:`search.visibility`: department ids, Service Point states, ids of individually granted
cases) and the search filters as a ``filter`` clause, so hits, totals and aggregations are
computed over visible cases only. The database index table stays the system of record: the
candidates are read back through the permission-filtered queryset, ranked there exactly as
for the database backend; text matches beyond the ranked top set are counted and faceted by
Elasticsearch (with the same filter, excluding the ranked ids).

Settings: ``{"BACKEND": "search.backends.elasticsearch", "URL": ..., "INDEX": "abh-cases"}``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Date, Document, Keyword, Long, Text, analyzer, token_filter
from elasticsearch.dsl import Q as EQ

from .. import indexing, names
from ..models import CaseIndexEntry
from ..visibility import Scope
from .base import (
    CANDIDATE_LIMIT,
    BaseCaseSearchBackend,
    Candidates,
    RestMatches,
    SearchFilters,
)

__all__ = ["CaseDocument", "ElasticsearchCaseSearchBackend", "SearchBackend"]

folding = analyzer(
    "name_folding",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", token_filter("name_shingle", "shingle")],
)


class CaseDocument(Document):
    """One case; ``names`` has sub-fields for the matching levels of :mod:`search.names`."""

    file_number = Keyword()
    passport_number = Keyword()
    names = Text(analyzer="standard", fields={"folded": Text(analyzer=folding)})
    name_folded = Keyword()
    name_phonetic = Keyword()
    name_skeleton = Keyword()
    body = Text(analyzer="german")
    department_id = Long()
    case_type_id = Long()
    assigned_to_id = Long()
    state = Keyword()
    nationality = Keyword()
    birth_date = Date()
    received_at = Date()
    title_expires_on = Date()


def _name_fields(entry: CaseIndexEntry) -> dict[str, list[str]]:
    person = names.person_name(
        entry.family_name, entry.given_names, entry.family_name_native, entry.given_names_native
    )
    folded, phonetic, skeleton = set(), set(), set()
    for unit in person.units:
        folded |= set(unit.token.folds)
        if unit.token.native:
            folded.add(unit.token.native)
        phonetic |= set(unit.token.keys)
        skeleton |= {s for s in unit.token.skeletons if len(s) >= 3}
    return {
        "name_folded": sorted(folded),
        "name_phonetic": sorted(phonetic),
        "name_skeleton": sorted(skeleton),
    }


def _document(entry: CaseIndexEntry) -> CaseDocument:
    return CaseDocument(
        meta={"id": entry.case_id},
        file_number=entry.file_number,
        passport_number=entry.passport_number,
        names=" ".join(
            p
            for p in (
                entry.family_name,
                entry.given_names,
                entry.family_name_native,
                entry.given_names_native,
            )
            if p
        ),
        body=entry.body,
        department_id=entry.department_id,
        case_type_id=entry.case_type_id,
        assigned_to_id=entry.assigned_to_id,
        state=entry.state,
        nationality=entry.nationality,
        birth_date=entry.birth_date,
        received_at=entry.received_at,
        title_expires_on=entry.title_expires_on,
        **_name_fields(entry),
    )


class ElasticsearchCaseSearchBackend(BaseCaseSearchBackend):
    name = "elasticsearch"

    def __init__(self, params=None):
        super().__init__(params)
        self.index = self.params.get("INDEX", "abh-cases")
        self.client = Elasticsearch(self.params["URL"], request_timeout=10)

    # -- writes ------------------------------------------------------------------------------

    def _ensure_index(self) -> None:
        if not self.client.indices.exists(index=self.index):
            CaseDocument.init(index=self.index, using=self.client)

    def _push(self, case_ids) -> None:
        self._ensure_index()
        entries = CaseIndexEntry.objects.filter(case_id__in=list(case_ids))
        actions = (
            {**_document(e).to_dict(include_meta=True), "_index": self.index}
            for e in entries.iterator(2000)
        )
        helpers.bulk(self.client, actions, refresh="wait_for")

    def index_cases(self, case_ids) -> int:
        ids = list(case_ids)
        count = indexing.index_cases(ids)
        existing = set(CaseIndexEntry.objects.filter(case_id__in=ids).values_list("pk", flat=True))
        self._push(existing)
        self._delete(set(ids) - existing)
        return count

    def _delete(self, case_ids) -> None:
        for pk in case_ids:
            with contextlib.suppress(NotFoundError):
                self.client.delete(index=self.index, id=pk, refresh="wait_for")

    def remove_cases(self, case_ids) -> None:
        ids = list(case_ids)
        indexing.remove_cases(ids)
        self._delete(ids)

    def rebuild(self, progress=None) -> int:
        count = indexing.rebuild(progress)
        self.client.indices.delete(index=self.index, ignore_unavailable=True)
        CaseDocument.init(index=self.index, using=self.client)
        ids = list(CaseIndexEntry.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            self._push(ids[start : start + 5000])
        return count

    # -- reads -------------------------------------------------------------------------------

    def _search(self, scope: Scope | None, filters: SearchFilters | None):
        """A search on the index, narrowed to the user's scope and the filters."""
        search = CaseDocument.search(using=self.client, index=self.index).source(False)
        for clause in filter_clauses(scope, filters):
            search = search.filter(clause)
        return search

    def name_search(self, parsed: names.ParsedQuery, scope=None, filters=None):
        precise, coarse = names.query_key_levels(parsed)
        should = [
            EQ("terms", name_folded=sorted(precise), boost=3),
            EQ("terms", name_phonetic=sorted(precise), boost=2),
            EQ("terms", name_skeleton=sorted(coarse), boost=1),
            EQ(
                "match",
                **{"names.folded": {"query": " ".join(t.raw for t in parsed.tokens)}},
                fuzziness="AUTO",
            ),
        ]
        return (
            self._search(scope, filters)
            .query(EQ("bool", should=should, minimum_should_match=1))
            .extra(size=CANDIDATE_LIMIT * 2)
        )

    def text_search(self, text_words: list[str], scope=None, filters=None):
        return (
            self._search(scope, filters)
            .query(_text_query(text_words))
            .extra(size=CANDIDATE_LIMIT, track_total_hits=True)
        )

    def find_candidates(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        queryset: QuerySet[CaseIndexEntry],
        *,
        scope: Scope | None = None,
        filters: SearchFilters | None = None,
    ) -> Candidates:
        candidates = Candidates()
        if parsed.tokens:
            response = self.name_search(parsed, scope, filters).execute()
            candidates.by_name = [int(hit.meta.id) for hit in response]
        if text_words:
            response = self.text_search(text_words, scope, filters).execute()
            hits = list(response)
            top = max((hit.meta.score for hit in hits), default=1.0) or 1.0
            candidates.by_text = {int(hit.meta.id): hit.meta.score / top for hit in hits}
            candidates.text_total = int(response.hits.total.value)
        return candidates

    def rest_search(self, text_words, exclude_ids, scope=None, filters=None):
        """Text matches outside the ranked ids, visible and filtered, newest first."""
        return (
            self._search(scope, filters)
            .query(_text_query(text_words))
            .exclude("ids", values=[str(pk) for pk in exclude_ids])
            .sort({"received_at": {"order": "desc"}})
            .extra(track_total_hits=True)
        )

    def rest_matches(self, text_words, ranked_ids, scope, filters) -> _EsRest:
        return _EsRest(self.rest_search(text_words, ranked_ids, scope, filters))


class _EsRest(RestMatches):
    """Count, facets (aggregations) and pages of the text matches beyond the ranked ids."""

    def __init__(self, search):
        self.search = search
        self._summary: tuple[int, dict[str, dict[Any, int]]] | None = None

    def _summarise(self) -> tuple[int, dict[str, dict[Any, int]]]:
        if self._summary is None:
            search = self.search.extra(size=0)
            for name, es_field in FACET_FIELDS.items():
                search.aggs.bucket(name, "terms", field=es_field, size=1000)
            response = search.execute()
            facets = {
                name: {b.key: b.doc_count for b in response.aggregations[name].buckets}
                for name in FACET_FIELDS
            }
            self._summary = (int(response.hits.total.value), facets)
        return self._summary

    def count(self) -> int:
        return self._summarise()[0]

    def facets(self) -> dict[str, dict[Any, int]]:
        return self._summarise()[1]

    def ids(self, offset: int, limit: int) -> list[int]:
        if limit <= 0:
            return []
        response = self.search[offset : offset + limit].execute()
        return [int(hit.meta.id) for hit in response]


#: Facet name → field of the Elasticsearch document.
FACET_FIELDS = {
    "state": "state",
    "nationality": "nationality",
    "department": "department_id",
    "case_type": "case_type_id",
}


def _text_query(text_words: list[str]):
    return EQ("match", body={"query": " ".join(text_words), "operator": "and"})


def visibility_clause(scope: Scope | None):
    """The scope as an Elasticsearch filter; ``None``: every case (office admins)."""
    if scope is None:
        return EQ("match_none")
    if scope.everything:
        return None
    should = []
    if scope.department_ids:
        should.append(EQ("terms", department_id=list(scope.department_ids)))
    if scope.states:
        should.append(EQ("terms", state=list(scope.states)))
    if scope.case_ids:
        should.append(EQ("ids", values=[str(pk) for pk in scope.case_ids]))
    if not should:
        return EQ("match_none")
    return EQ("bool", should=should, minimum_should_match=1)


def filter_clauses(scope: Scope | None, filters: SearchFilters | None) -> list[Any]:
    """The visibility clause and the search filters, as Elasticsearch filter clauses."""
    from casework.models import CaseType, Department

    clauses = []
    visibility = visibility_clause(scope)
    if visibility is not None:
        clauses.append(visibility)
    if filters is None:
        return clauses
    terms: dict[str, Any] = {
        "file_number": filters.file_number,
        "passport_number": filters.passport_number,
        "nationality": filters.nationality,
        "state": filters.state,
        "assigned_to_id": filters.assigned_to,
        "birth_date": filters.birth_date.isoformat() if filters.birth_date else None,
    }
    if filters.department:
        terms["department_id"] = (
            int(filters.department)
            if filters.department.isdigit()
            else Department.objects.filter(code=filters.department).values("pk").first()
            or {"pk": -1}
        )
    if filters.case_type:
        terms["case_type_id"] = (
            int(filters.case_type)
            if filters.case_type.isdigit()
            else CaseType.objects.filter(code=filters.case_type).values("pk").first() or {"pk": -1}
        )
    for name, value in terms.items():
        if isinstance(value, dict):
            value = value["pk"]
        if value not in ("", None):
            clauses.append(EQ("term", **{name: value}))
    received = {}
    if filters.received_from:  # whole days in the office's time zone, as the database does
        received["gte"] = f"{filters.received_from.isoformat()}||/d"
    if filters.received_to:
        received["lte"] = f"{filters.received_to.isoformat()}||/d"
    if received:
        clauses.append(EQ("range", received_at={**received, "time_zone": settings.TIME_ZONE}))
    return clauses


SearchBackend = ElasticsearchCaseSearchBackend
