"""The parts every case search backend shares, in one namespace (``from .base import …``).

They live by purpose: :mod:`.interface` (the backend class, its errors), :mod:`.filters`
(the filters and the user's scope), :mod:`.ranking` (candidates and their scores) and
:mod:`.results` (hits, counts, pages, facets, highlighting). New code imports from those.
"""

from __future__ import annotations

from .filters import (
    SearchFilters,
    identifier_condition,
    ids_condition,
    query_text_words,
    serial_candidates_wanted,
    serial_condition,
    visible_entries,
)
from .interface import BaseCaseSearchBackend, IndexDifferences, SearchUnavailable
from .ranking import (
    CANDIDATE_LIMIT,
    IDENTIFIER_SCORE,
    MIN_NAME_SCORE,
    ROW_FIELDS,
    SERIAL_SCORE,
    Candidates,
    rank,
)
from .results import (
    FACET_COLUMNS,
    FACETS,
    SORTS,
    RestMatches,
    SearchHit,
    SearchResults,
    highlight_name,
    highlight_text,
)

__all__ = [
    "CANDIDATE_LIMIT",
    "FACETS",
    "FACET_COLUMNS",
    "IDENTIFIER_SCORE",
    "MIN_NAME_SCORE",
    "ROW_FIELDS",
    "SERIAL_SCORE",
    "SORTS",
    "BaseCaseSearchBackend",
    "Candidates",
    "IndexDifferences",
    "RestMatches",
    "SearchFilters",
    "SearchHit",
    "SearchResults",
    "SearchUnavailable",
    "highlight_name",
    "highlight_text",
    "identifier_condition",
    "ids_condition",
    "query_text_words",
    "rank",
    "serial_candidates_wanted",
    "serial_condition",
    "visible_entries",
]
