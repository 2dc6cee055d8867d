"""The case search backend interface and what every backend shares.

A backend finds *candidates* (cases whose name keys or text match); everything else happens
here, the same for every backend: the permission filter (inside the SQL query, :mod:`.filters`),
the filters, ranking by :func:`search.names.score` (:mod:`.ranking`), facets, highlighting
(:mod:`.results`) and the search log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils.translation import gettext_lazy as _

from casework.policy import CaseScope, policy_for

from .. import names
from ..models import CaseIndexEntry, SearchLog
from .filters import (
    SearchFilters,
    identifier_condition,
    ids_condition,
    query_text_words,
    serial_candidates_wanted,
    serial_condition,
    visible_entries,
)
from .ranking import CANDIDATE_LIMIT, ROW_FIELDS, Candidates, rank
from .results import SORTS, RestMatches, SearchResults

__all__ = ["BaseCaseSearchBackend", "IndexDifferences", "SearchUnavailable"]


class SearchUnavailable(Exception):  # noqa: N818 (reads as a state, like Http404)
    """The search engine cannot answer now (cluster down, no shard copy): try again later.

    Case work does not depend on it: changes wait in the outbox (:mod:`search.sync`).
    """


class IndexDifferences:
    """An index against the database: what is missing, superfluous or out of date."""

    def __init__(self, missing: list[int], extra: list[int], stale: list[int], total: int):
        self.missing, self.extra, self.stale, self.total = missing, extra, stale, total

    @property
    def count(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale)

    def __str__(self) -> str:
        return (
            f"{self.count} differences in {self.total} cases: {len(self.missing)} missing, "
            f"{len(self.extra)} not in the database, {len(self.stale)} out of date"
        )


class BaseCaseSearchBackend:
    """Subclasses implement :meth:`find_candidates` and the index writes."""

    name = "base"
    #: Keeps an index of its own next to the database index (written through the outbox).
    external = False

    def __init__(self, params: dict[str, Any] | None = None):
        self.params = params or {}

    # -- writes ------------------------------------------------------------------------------

    def index_cases(self, case_ids) -> int:
        raise NotImplementedError

    def remove_cases(self, case_ids) -> None:
        raise NotImplementedError

    def rebuild(self, progress=None) -> int:
        raise NotImplementedError

    def sync(self, case_ids, *, refresh: bool = True) -> int:
        """Copy the database index rows of these cases into the backend's own index."""
        return 0

    def reindex(self, progress=None) -> int:
        """The backend's own index again from the database index (external backends)."""
        return 0

    # -- reads -------------------------------------------------------------------------------

    def find_candidates(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        queryset: QuerySet[CaseIndexEntry],
        *,
        scope: CaseScope | None = None,
        filters: SearchFilters | None = None,
    ) -> Candidates:
        raise NotImplementedError

    def rest_matches(
        self,
        text_words: list[str],
        ranked_ids: list[int],
        scope: CaseScope,
        filters: SearchFilters,
        user=None,
        candidates: Candidates | None = None,
    ) -> RestMatches | None:
        """Text matches beyond ``ranked_ids`` for backends without :meth:`text_condition`.

        ``user``: whose visibility rule applies on top of ``scope`` (as in every query);
        ``candidates``: what the backend found (it may have counted the text matches)."""
        return None

    def text_condition(self, text_words: list[str]) -> Q | BaseExpression | None:
        """A condition on the index table: "all these words are in the document".

        Used to count and list the text matches beyond the ranked top set; ``None`` when
        the backend cannot say it in SQL (then :attr:`Candidates.text_total` is used).
        """
        return None

    def visible_entries(self, user, scope: CaseScope | None = None) -> QuerySet[CaseIndexEntry]:
        """Index rows of the cases the user may see (:func:`.filters.visible_entries`)."""
        return visible_entries(user, scope)

    def search(
        self,
        query: str | None,
        *,
        user,
        filters: SearchFilters | dict | None = None,
        sort: str = "relevance",
        log: bool = True,
        route: str = "",
    ) -> SearchResults:
        if not isinstance(filters, SearchFilters):
            filters = SearchFilters.from_mapping(filters)
        if sort not in SORTS:
            raise ValidationError({"sort": _("Unknown sort order.")})
        parsed = names.parse_query(query)
        text_words = query_text_words(parsed, filters)
        scope = policy_for(user).scope()
        qs = filters.apply(self.visible_entries(user, scope))
        ranked = candidates = None
        extra = extra_count = rest = None
        if (not parsed.is_empty or filters.text) and not qs.query.is_empty():
            if not parsed.tokens and not filters.text:
                text_words = []  # only numbers and dates: nothing for the full-text leg
            ranked, candidates = self._rank(parsed, text_words, qs, filters, scope)
            if text_words and candidates.text_truncated:
                extra = self.text_condition(text_words)
                if (
                    extra is not None
                    and candidates.text_total is not None
                    and candidates.text_hits is not None
                ):
                    # |ranked ∪ text matches| = |ranked| + |text matches| − |both|
                    both = sum(1 for pk, _ in ranked if pk in candidates.text_hits)
                    extra_count = max(0, candidates.text_total - both)
                elif extra is None:
                    rest = self.rest_matches(
                        text_words,
                        [pk for pk, _ in ranked],
                        scope,
                        filters,
                        user=user,
                        candidates=candidates,
                    )
        results = SearchResults(
            queryset=qs,
            ranked=ranked,
            parsed=parsed,
            text_words=text_words,
            sort=sort,
            extra=extra,
            extra_count=extra_count,
            rest=rest,
            facet_values=candidates.facet_values if candidates is not None else None,
        )
        if log:
            SearchLog.objects.create(
                user=user if getattr(user, "is_authenticated", False) else None,
                query=(query or "")[:500].replace("\x00", ""),
                filters=filters.as_log(),
                result_count=results.count(),
                backend=self.name,
                route=route[:20],
            )
        return results

    def gather(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        qs: QuerySet[CaseIndexEntry],
        scope: CaseScope,
        filters: SearchFilters,
    ) -> Candidates:
        """Every candidate with its :data:`ROW_FIELDS` (backends may do it in one query)."""
        identifiers: set[int] = set()
        exact = identifier_condition(parsed)
        if exact is not None:
            identifiers = set(qs.filter(exact).values_list("case_id", flat=True))
        serials: set[int] = set()
        if serial_candidates_wanted(parsed):
            serials = set(
                qs.filter(serial_condition(parsed.file_serials)).values_list("case_id", flat=True)[
                    :CANDIDATE_LIMIT
                ]
            )
        candidates = Candidates()
        if parsed.tokens or text_words:
            candidates = self.find_candidates(parsed, text_words, qs, scope=scope, filters=filters)
        dates: set[int] = set()
        if parsed.dates:
            dates = set(
                qs.filter(birth_date__in=parsed.dates).values_list("case_id", flat=True)[
                    :CANDIDATE_LIMIT
                ]
            )
        ids = identifiers | serials | set(candidates.by_name) | set(candidates.by_text) | dates
        candidates.identifiers = identifiers
        candidates.serials = serials
        candidates.dates = dates
        candidates.rows = list(qs.filter(ids_condition(ids)).values_list(*ROW_FIELDS))
        return candidates

    def _rank(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        qs: QuerySet[CaseIndexEntry],
        filters: SearchFilters,
        scope: CaseScope,
    ) -> tuple[list[tuple[int, float]], Candidates]:
        candidates = self.gather(parsed, text_words, qs, scope, filters)
        return rank(parsed, candidates, filters), candidates
