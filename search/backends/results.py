"""Results: the lazy, sliceable result set (hits, counts, pages), facets and highlighting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .. import names
from ..indexing import free_text_of
from ..models import CaseIndexEntry

__all__ = [
    "FACETS",
    "FACET_COLUMNS",
    "SORTS",
    "RestMatches",
    "SearchHit",
    "SearchResults",
    "highlight_name",
    "highlight_text",
]

SORTS = {
    "relevance": _("Relevance"),
    "received": _("Receipt date (oldest first)"),
    "-received": _("Receipt date (newest first)"),
    "expiry": _("Title expiry date"),
}
FACETS = ("state", "case_type", "department", "nationality")
#: Facet name → column of the index table.
FACET_COLUMNS = {
    "state": "state",
    "case_type": "case_type_id",
    "department": "department_id",
    "nationality": "nationality",
}


class RestMatches:
    """Matches beyond the ranked top set that a search engine counts, facets and lists."""

    def count(self) -> int:
        raise NotImplementedError

    def facets(self) -> dict[str, dict[Any, int]]:
        """{facet: {value in the index table's column: count}} (see ``FACET_COLUMNS``)."""
        raise NotImplementedError

    def ids(self, offset: int, limit: int) -> list[int]:
        """Case ids, newest first."""
        raise NotImplementedError

    def ordered_ids(self, sort: str, offset: int, limit: int) -> list[int]:
        """Ranked and further matches together, in a sort order of :data:`SORTS`."""
        raise NotImplementedError


@dataclass
class SearchHit:
    entry: CaseIndexEntry
    score: float
    highlights: dict[str, SafeString]

    @property
    def case_id(self) -> int:
        return self.entry.case_id

    @property
    def file_number(self) -> str:
        return self.entry.file_number

    @property
    def state_label(self) -> str:
        from casework.constants import CaseState

        labels = dict(CaseState.choices)
        return str(labels.get(self.entry.state, self.entry.state))


class SearchResults:
    """Lazy and sliceable: ranking is known, rows are loaded only for the requested slice.

    ``ranked`` is the scored top set. ``extra`` (a condition on the index table) says which
    further cases match without having been ranked (text matches beyond the top set): they
    count, have facets and follow the ranked ones, newest first.
    """

    def __init__(
        self,
        *,
        queryset: QuerySet[CaseIndexEntry],
        ranked: list[tuple[int, float]] | None,
        parsed: names.ParsedQuery,
        text_words: list[str],
        sort: str,
        extra: Q | BaseExpression | None = None,
        extra_count: int | None = None,
        rest: RestMatches | None = None,
        facet_values: dict[int, tuple] | None = None,
    ):
        self._qs = queryset
        self._ranked = ranked
        self._parsed = parsed
        self._text_words = text_words
        self.sort = sort
        self._extra = extra if ranked is not None else None
        #: How many match beyond ``ranked`` when known (else counted with ``extra``).
        self._extra_count = extra_count
        #: Matches beyond ``ranked`` that only the search engine knows (no SQL condition).
        self._rest = rest if ranked is not None and extra is None else None
        self._count: int | None = None
        self._facets: dict[str, list[dict[str, Any]]] | None = None
        #: Facet values of the ranked cases, when the backend read them with the candidates.
        self._facet_values = facet_values if ranked is not None and self._extra is None else None

    # -- the match set ---------------------------------------------------------------------

    def _ranked_ids(self) -> list[int]:
        return [pk for pk, _ in self._ranked or ()]

    def _rest_qs(self) -> QuerySet[CaseIndexEntry]:
        """Matches outside the ranked top set (only with ``extra``)."""
        return self._qs.filter(self._extra).exclude(pk__in=self._ranked_ids())

    def _matches(self) -> QuerySet[CaseIndexEntry]:
        """Every result as a queryset."""
        if self._ranked is None:
            return self._qs
        condition = Q(pk__in=self._ranked_ids())
        if self._extra is not None:
            condition |= Q(self._extra)
        return self._qs.filter(condition)

    # -- counting and slicing --------------------------------------------------------------

    def count(self) -> int:
        if self._count is None:
            if self._ranked is None:
                self._count = self._qs.count()
            elif self._rest is not None:
                self._count = len(self._ranked) + self._rest.count()
            elif self._extra_count is not None or self._extra is None:
                self._count = len(self._ranked) + (self._extra_count or 0)
            else:
                self._count = len(self._ranked) + self._rest_qs().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, key):
        if isinstance(key, int):
            hits = self[key : key + 1]
            if not hits:
                raise IndexError(key)
            return hits[0]
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        if start < 0 or stop < 0:
            raise ValueError("Negative indexing is not supported.")
        if stop <= start:
            return []
        related = self._qs.select_related("department", "case_type", "assigned_to")
        if self._ranked is None:
            entries = list(self._ordered(related)[start:stop])
            scores = dict.fromkeys((e.case_id for e in entries), 0.0)
        elif self.sort == "relevance":
            page = self._ranked[start:stop]
            scores = dict(page)
            by_id = related.in_bulk([pk for pk, _ in page])  # the permission filter applies
            entries = [by_id[pk] for pk, _ in page if pk in by_id]
            offset = max(0, start - len(self._ranked))
            size = (stop - start) - len(page)
            if stop > len(self._ranked) and self._extra is not None:
                rest = related.filter(self._extra).exclude(pk__in=self._ranked_ids())
                rest = rest.order_by("-received_at", "-case_id")
                entries += list(rest[offset : offset + size])
            elif stop > len(self._ranked) and self._rest is not None:
                ids = self._rest.ids(offset, size)
                by_id = related.in_bulk(ids)  # the permission filter applies here too
                entries += [by_id[pk] for pk in ids if pk in by_id]
        elif self._rest is not None:
            scores = dict(self._ranked)
            ids = self._rest.ordered_ids(self.sort, start, stop - start)
            by_id = related.in_bulk(ids)  # the permission filter applies here too
            entries = [by_id[pk] for pk in ids if pk in by_id]
        else:
            scores = dict(self._ranked)
            matches = related.filter(pk__in=self._matches().values("pk"))
            entries = list(self._ordered(matches)[start:stop])
        return [SearchHit(e, scores.get(e.case_id, 0.0), self._highlight(e)) for e in entries]

    def _ordered(self, qs: QuerySet[CaseIndexEntry]) -> QuerySet[CaseIndexEntry]:
        if self.sort == "-received":
            return qs.order_by("-received_at", "-case_id")
        if self.sort == "expiry":
            return qs.order_by(F("title_expires_on").asc(nulls_last=True), "received_at")
        return qs.order_by("received_at", "case_id")

    def ids(self) -> list[int]:
        if self._ranked is not None and self._rest is not None and self.sort != "relevance":
            return self._rest.ordered_ids(self.sort, 0, self.count())
        if self._ranked is not None:
            ids = self._ranked_ids()
            if self._extra is not None:
                rest = self._rest_qs().order_by("-received_at", "-case_id")
                ids += list(rest.values_list("case_id", flat=True))
            elif self._rest is not None:
                ids += self._rest.ids(0, self._rest.count())
            return ids
        return list(self._ordered(self._qs).values_list("case_id", flat=True))

    # -- facets ------------------------------------------------------------------------------

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        """Counts per state, case type, department and nationality over all results."""
        if self._facets is not None:
            return self._facets
        from casework.constants import CaseState
        from casework.models import CaseType, Department

        counts = self._ranked_facet_counts()
        if counts is None:
            counts = _facet_counts(self._matches().order_by())
        if self._rest is not None:
            for name, extra in self._rest.facets().items():
                for value, n in extra.items():
                    counts[name][value] = counts[name].get(value, 0) + n
        states = dict(CaseState.choices)
        types = {
            t.pk: (t.code, f"{t.legal_basis} – {t.name}")
            for t in CaseType.objects.filter(pk__in=list(counts["case_type"]))
        }
        departments = {
            d.pk: (d.code, d.name)
            for d in Department.objects.filter(pk__in=list(counts["department"]))
        }
        labelled = {
            "state": [(v, str(states.get(v, v)), n) for v, n in counts["state"].items()],
            "case_type": [
                (*types.get(v, (str(v), str(v))), n) for v, n in counts["case_type"].items()
            ],
            "department": [
                (*departments.get(v, (str(v), str(v))), n) for v, n in counts["department"].items()
            ],
            "nationality": [(v, v, n) for v, n in counts["nationality"].items()],
        }
        self._facets = {
            name: [
                {"value": value, "label": label, "count": n}
                for value, label, n in sorted(items, key=lambda item: (-item[2], item[0]))
                if n
            ]
            for name, items in labelled.items()
        }
        return self._facets

    def _ranked_facet_counts(self) -> dict[str, dict[Any, int]] | None:
        """Facet counts of the ranked cases from the values read with them (no query)."""
        values = self._facet_values
        if values is None or any(pk not in values for pk in self._ranked_ids()):
            return None
        counts: dict[str, dict[Any, int]] = {name: {} for name in FACET_COLUMNS}
        for pk in self._ranked_ids():
            for name, value in zip(FACET_COLUMNS, values[pk], strict=True):
                counts[name][value] = counts[name].get(value, 0) + 1
        return counts

    # -- highlighting ----------------------------------------------------------------------

    def _highlight(self, entry: CaseIndexEntry) -> dict[str, SafeString]:
        return {
            "name": highlight_name(entry, self._parsed),
            # Only notes and comments: the rest of the document is what the row shows anyway.
            "text": highlight_text(free_text_of(entry.body), self._text_words),
        }


def _facet_counts(qs: QuerySet[CaseIndexEntry]) -> dict[str, dict[Any, int]]:
    """{facet: {value: count}}; on PostgreSQL one pass (``GROUPING SETS``)."""
    from django.db import connection

    names_ = list(FACET_COLUMNS)
    columns = list(FACET_COLUMNS.values())
    if connection.vendor != "postgresql":
        return {
            name: dict(qs.values_list(column).annotate(n=Count("pk")).values_list(column, "n"))
            for name, column in FACET_COLUMNS.items()
        }
    from django.core.exceptions import EmptyResultSet

    from .database import pg_fetch

    try:
        sql, params = qs.values(*columns).query.sql_with_params()
    except EmptyResultSet:  # nothing visible, or an empty ranked list
        return {name: {} for name in names_}
    sets = ", ".join(f"(m.{c})" for c in columns)
    rows = pg_fetch(
        f"SELECT {', '.join(f'm.{c}' for c in columns)}, count(*), "  # noqa: S608 (model metadata)
        f"GROUPING({', '.join(f'm.{c}' for c in columns)}) "
        f"FROM ({sql}) m GROUP BY GROUPING SETS ({sets})",
        list(params),
    )
    counts: dict[str, dict[Any, int]] = {name: {} for name in names_}
    width = len(columns)
    for row in rows:
        mask = row[width + 1]  # a bit set for every column not grouped by
        for i, name in enumerate(names_):
            if not mask & (1 << (width - 1 - i)):
                counts[name][row[i]] = row[width]
    return counts


def highlight_name(entry: CaseIndexEntry, parsed: names.ParsedQuery) -> SafeString:
    """The person's names with the words that matched the query in ``<mark>``."""
    parts = []
    for label, text in (
        ("family", entry.family_name),
        ("given", entry.given_names),
        ("native", " ".join(p for p in (entry.family_name_native, entry.given_names_native) if p)),
    ):
        if not text:
            continue
        words = []
        for word in text.split():
            token = names.make_token(word)
            hit = token is not None and any(
                names.token_similarity(q, token) >= 0.75 for q in parsed.tokens
            )
            words.append(f"<mark>{escape(word)}</mark>" if hit else escape(word))
        joined = " ".join(words)
        parts.append(f"{joined}," if label == "family" and entry.given_names else joined)
    return mark_safe(" ".join(parts))  # noqa: S308 (every piece is escaped above)


def highlight_text(body: str, words: list[str], width: int = 80) -> SafeString:
    """A snippet of the notes and comments around the first matching word."""
    if not body or not words:
        return mark_safe("")
    folded = body.casefold()
    positions = [(folded.find(w.casefold()), w) for w in words if len(w) >= 2]
    positions = [(pos, w) for pos, w in positions if pos >= 0]
    if not positions:
        return mark_safe("")
    pos, _word = min(positions)
    start = max(0, pos - width // 2)
    snippet = body[start : start + width * 2]
    pattern = re.compile("|".join(re.escape(w) for _, w in positions), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(snippet):
        out.append(escape(snippet[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(snippet[last:]))
    prefix = "… " if start else ""
    return mark_safe(prefix + "".join(out).replace("\n", " "))  # noqa: S308
