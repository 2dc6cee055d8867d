"""The Elasticsearch backend (``elasticsearch`` >= 9 and ``elasticsearch.dsl``).

Elasticsearch finds the candidates: name sub-fields fed from :mod:`search.names` (folded
spellings, phonetic keys, consonant skeletons, plus a fuzzy match for typos) and the case
document with the German analyzer. The database index table stays the system of record:
permissions, filters, facets and the final ranking run there, exactly as for the database
backend, so a user never gets a count or facet from a case they may not see.

Settings: ``{"BACKEND": "search.backends.elasticsearch", "URL": ..., "INDEX": "abh-cases"}``.
"""

from __future__ import annotations

import contextlib

from django.db.models import QuerySet
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Date, Document, Keyword, Long, Text, analyzer, token_filter
from elasticsearch.dsl import Q as EQ

from .. import indexing, names
from ..models import CaseIndexEntry
from .base import CANDIDATE_LIMIT, BaseCaseSearchBackend, Candidates

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

    def find_candidates(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        queryset: QuerySet[CaseIndexEntry],
    ) -> Candidates:
        candidates = Candidates()
        if parsed.tokens:
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
            search = (
                CaseDocument.search(using=self.client, index=self.index)
                .query(EQ("bool", should=should, minimum_should_match=1))
                .source(False)
                .extra(size=CANDIDATE_LIMIT * 2)
            )
            candidates.by_name = [int(hit.meta.id) for hit in search.execute()]
        if text_words:
            search = (
                CaseDocument.search(using=self.client, index=self.index)
                .query(EQ("match", body={"query": " ".join(text_words), "operator": "and"}))
                .source(False)
                .extra(size=CANDIDATE_LIMIT)
            )
            hits = list(search.execute())
            top = max((hit.meta.score for hit in hits), default=1.0) or 1.0
            candidates.by_text = {int(hit.meta.id): hit.meta.score / top for hit in hits}
        return candidates


SearchBackend = ElasticsearchCaseSearchBackend
