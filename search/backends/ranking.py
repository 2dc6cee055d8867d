"""Ranking: what a backend hands over (candidates) and how they are scored, the same for
every backend (:func:`search.names.name_score`, birth dates, free-text rank)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import names
from .filters import SearchFilters

__all__ = [
    "CANDIDATE_LIMIT",
    "IDENTIFIER_SCORE",
    "MIN_NAME_SCORE",
    "ROW_FIELDS",
    "SERIAL_SCORE",
    "Candidates",
    "rank",
]

#: A person whose name explains less of the query than this is not a result.
MIN_NAME_SCORE = 0.62
#: Candidates a backend hands over for re-ranking (per kind; counts are exact regardless).
CANDIDATE_LIMIT = 400
#: Columns of the index read for ranking.
ROW_FIELDS = (
    "case_id",
    "family_name",
    "given_names",
    "family_name_native",
    "given_names_native",
    "birth_date",
    "received_at",
)
#: Score of an exact file-number or passport-number match (always first).
IDENTIFIER_SCORE = 100.0
#: Score of a partial file number ("262" for ABH-2026-000262): after exact identifiers.
SERIAL_SCORE = 50.0


@dataclass
class Candidates:
    """What a backend found: case ids by name keys, by free text, and their text rank.

    ``by_text`` holds at most :data:`CANDIDATE_LIMIT` text matches (the best ranked);
    ``text_total`` is the number of all visible text matches when the backend knows it
    (``None``: unknown, assumed truncated when ``by_text`` is full); with ``text_hits`` the
    number of results is known without another query. Backends that read
    everything in one statement also fill ``identifiers``, ``dates`` and ``rows``
    (:data:`ROW_FIELDS` of every candidate).
    """

    by_name: list[int] = field(default_factory=list)
    by_text: dict[int, float] = field(default_factory=dict)
    text_total: int | None = None
    #: Of the ``rows``, the ids whose document matches the text (when the backend knows).
    text_hits: set[int] | None = None
    identifiers: set[int] | None = None
    #: Cases whose file number has a serial (and year) the query names ("262").
    serials: set[int] | None = None
    dates: set[int] | None = None
    rows: list[tuple] | None = None
    #: Values of :data:`~search.backends.results.FACET_COLUMNS` (in that order) of every
    #: candidate, when the backend read them with the candidates: facets of the ranked cases
    #: are counted from them.
    facet_values: dict[int, tuple] | None = None
    #: Facet counts of every visible text match ({facet: {value: count}}), when the backend
    #: counted them with the candidates.
    text_facets: dict[str, dict[Any, int]] | None = None

    @property
    def text_truncated(self) -> bool:
        if self.text_total is not None:
            return self.text_total > len(self.by_text)
        return len(self.by_text) >= CANDIDATE_LIMIT


def rank(
    parsed: names.ParsedQuery, candidates: Candidates, filters: SearchFilters
) -> list[tuple[int, float]]:
    """Score the candidates: exact identifiers first, then partial file numbers, then
    names (and birth dates) and free text; best first, newer before older on a tie."""
    # Exact identifiers first: file number, passport number.
    scores: dict[int, float] = dict.fromkeys(candidates.serials or (), SERIAL_SCORE)
    scores.update(dict.fromkeys(candidates.identifiers or (), IDENTIFIER_SCORE))
    name_only = not filters.text
    order = {}
    memo: dict[tuple, float] = {}  # namesakes are scored once
    threshold = MIN_NAME_SCORE if parsed.tokens else 0.5
    for pk, family, given, family_native, given_native, birth, received in candidates.rows or ():
        # received: a datetime, or seconds since the epoch (cheaper to read in bulk)
        order[pk] = received if isinstance(received, float) else received.timestamp()
        if pk in scores:
            continue
        text_rank = candidates.by_text.get(pk)
        if text_rank is None and not name_only:
            continue
        s = 0.0
        if parsed.tokens or parsed.dates:
            memo_key = (family, given, family_native, given_native)
            s = memo.get(memo_key)
            if s is None:
                person = names.person_name(family, given, family_native, given_native)
                s = memo[memo_key] = names.name_score(parsed, person) if parsed.tokens else 0.0
            s += names.date_bonus(parsed, birth)
        if text_rank is not None:
            # Every word is in the notes, comments or names: a result in its own right.
            s = max(s, 0.7 + 0.1 * text_rank) if name_only else s + 0.7 + 0.1 * text_rank
        if s >= threshold:
            scores[pk] = s
    ranked = sorted(
        ((pk, s) for pk, s in scores.items() if pk in order),
        key=lambda item: (-item[1], -order[item[0]], item[0]),
    )
    return ranked
