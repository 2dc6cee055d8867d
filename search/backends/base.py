"""The case search backend interface and what every backend shares.

A backend finds *candidates* (cases whose name keys or text match); everything else happens
here, the same for every backend: the permission filter (inside the SQL query), the filters,
ranking by :func:`search.names.score`, facets, highlighting and the search log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from casework.policy import CaseScope, policy_for

from .. import names
from ..indexing import free_text_of
from ..models import CaseIndexEntry, SearchLog

__all__ = [
    "IDENTIFIER_SCORE",
    "SERIAL_SCORE",
    "SORTS",
    "BaseCaseSearchBackend",
    "Candidates",
    "SearchFilters",
    "SearchHit",
    "SearchResults",
    "SearchUnavailable",
    "RestMatches",
    "identifier_condition",
    "serial_candidates_wanted",
    "serial_condition",
]


class SearchUnavailable(Exception):  # noqa: N818 (reads as a state, like Http404)
    """The search engine cannot answer now (cluster down, no shard copy): try again later.

    Case work does not depend on it: changes wait in the outbox (:mod:`search.sync`).
    """


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


def serial_condition(serials) -> Q:
    """Index rows whose file number has one of these ``(year or None, serial)`` parts."""
    condition = Q(pk__in=[])
    for year, serial in serials:
        part = Q(file_serial=serial)
        if year is not None:
            part &= Q(file_year=year)
        condition |= part
    return condition


def identifier_condition(parsed: names.ParsedQuery) -> Q | None:
    """Exact file and passport numbers of the query, as a condition on the index table."""
    idents = set(parsed.file_numbers) | set(parsed.identifiers)
    if not idents:
        return None
    return Q(file_number__in=idents) | Q(passport_number__in=idents)


def serial_candidates_wanted(parsed: names.ParsedQuery) -> bool:
    """Numbers typed alone are partial file numbers; beside a name ("Shevchenko 1969") they
    are not (a birth year, a house number)."""
    return bool(parsed.file_serials) and not parsed.tokens


@dataclass
class SearchFilters:
    """Filters next to the search box; all optional, all combined with AND."""

    file_number: str = ""
    passport_number: str = ""
    birth_date: dt.date | None = None
    nationality: str = ""
    case_type: str = ""
    state: str = ""
    department: str = ""
    assigned_to: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    #: Ids of the case type and department named by ``case_type`` / ``department`` (their
    #: codes, as users know them); resolved once, see :meth:`case_type_ids`.
    _ids: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def case_type_ids(self) -> list[int]:
        """Ids of the case type whose *code* is ``case_type`` ("24" is § 24, never id 24)."""
        return self._resolve("case_type")

    def department_ids(self) -> list[int]:
        """Ids of the department whose *code* is ``department``."""
        return self._resolve("department")

    def _resolve(self, name: str) -> list[int]:
        from casework.models import CaseType, Department

        code = getattr(self, name)
        if not code:
            return []
        if name not in self._ids:
            model = CaseType if name == "case_type" else Department
            self._ids[name] = list(model.objects.filter(code=code).values_list("pk", flat=True))
        return self._ids[name]

    def file_number_parts(self) -> tuple[str | None, int | None, int | None]:
        """The file number filter as (whole number, year, serial): see
        :func:`search.names.parse_file_number` ("262" finds ABH-2026-000262)."""
        return names.parse_file_number(self.file_number)

    @classmethod
    def from_mapping(cls, data: Any) -> SearchFilters:
        """Read filters from a form or query string; bad values raise ``ValidationError``."""
        data = data or {}
        errors: dict[str, Any] = {}

        def text(name: str, limit: int = 200) -> str:
            return names.clean_text(data.get(name) or "", limit)

        def date(name: str) -> dt.date | None:
            value = text(name, 20)
            if not value:
                return None
            try:
                parsed = parse_date(value)
            except ValueError:
                parsed = None
            if parsed is None:
                errors[name] = _("Enter a date as YYYY-MM-DD.")
            return parsed

        assigned = text("assigned_to", 20)
        assigned_to = None
        if assigned:
            if assigned.isdigit():
                assigned_to = int(assigned)
            else:
                errors["assigned_to"] = _("Choose a caseworker from the list.")
        nationality = text("nationality", 10).upper()
        if nationality and not re.fullmatch(r"[A-Z]{3}", nationality):
            errors["nationality"] = _("Enter a three-letter country code (ISO 3166), e.g. UKR.")
        filters = cls(
            file_number=text("file_number", 40).upper(),
            passport_number="".join(text("passport_number", 40).split()).upper(),
            birth_date=date("birth_date"),
            nationality=nationality,
            case_type=text("case_type", 60),
            state=text("state", 40),
            department=text("department", 60),
            assigned_to=assigned_to,
            received_from=date("received_from"),
            received_to=date("received_to"),
            text=text("text", names.MAX_QUERY_LENGTH),
        )
        if filters.case_type and not filters.case_type_ids():
            errors["case_type"] = _("Unknown case type “%(code)s”.") % {"code": filters.case_type}
        if filters.department and not filters.department_ids():
            errors["department"] = _("Unknown department “%(code)s”.") % {
                "code": filters.department
            }
        if errors:
            raise ValidationError(errors)
        return filters

    def as_log(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None) and k != "_ids"}

    def apply(self, qs: QuerySet[CaseIndexEntry]) -> QuerySet[CaseIndexEntry]:
        if self.file_number:
            number, year, serial = self.file_number_parts()
            if number is not None:
                qs = qs.filter(file_number__iexact=number)
            else:
                qs = qs.filter(serial_condition([(year, serial)]))
        if self.passport_number:
            qs = qs.filter(passport_number=self.passport_number)
        if self.birth_date:
            qs = qs.filter(birth_date=self.birth_date)
        if self.nationality:
            qs = qs.filter(nationality=self.nationality)
        if self.case_type:
            qs = qs.filter(case_type_id__in=self.case_type_ids())
        if self.state:
            qs = qs.filter(state=self.state)
        if self.department:
            qs = qs.filter(department_id__in=self.department_ids())
        if self.assigned_to:
            qs = qs.filter(assigned_to_id=self.assigned_to)
        if self.received_from:
            qs = qs.filter(received_at__date__gte=self.received_from)
        if self.received_to:
            qs = qs.filter(received_at__date__lte=self.received_to)
        return qs


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

    @property
    def text_truncated(self) -> bool:
        if self.text_total is not None:
            return self.text_total > len(self.by_text)
        return len(self.by_text) >= CANDIDATE_LIMIT


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

        qs = self._matches().order_by()
        counts = _facet_counts(qs)
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
    ) -> RestMatches | None:
        """Text matches beyond ``ranked_ids`` for backends without :meth:`text_condition`.

        ``user``: whose visibility rule applies on top of ``scope`` (as in every query)."""
        return None

    def text_condition(self, text_words: list[str]) -> Q | BaseExpression | None:
        """A condition on the index table: "all these words are in the document".

        Used to count and list the text matches beyond the ranked top set; ``None`` when
        the backend cannot say it in SQL (then :attr:`Candidates.text_total` is used).
        """
        return None

    def visible_entries(self, user, scope: CaseScope | None = None) -> QuerySet[CaseIndexEntry]:
        """Index rows of the cases the user may see: the permission is part of every query.

        The condition is the policy's answer as values (:class:`~casework.policy.CaseScope`:
        departments, states, granted case ids), on the index table's own columns, so indexes
        answer it.
        """
        if scope is None:
            scope = policy_for(user).scope()
        if scope.is_empty:
            return CaseIndexEntry.objects.none()
        condition = scope.q()
        return (
            CaseIndexEntry.objects.all()
            if condition is None
            else CaseIndexEntry.objects.filter(condition)
        )

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
        text_words = _text_words(parsed, filters)
        scope = policy_for(user).scope()
        qs = filters.apply(self.visible_entries(user, scope))
        ranked = None
        extra = extra_count = rest = None
        if (not parsed.is_empty or filters.text) and not qs.query.is_empty():
            if not parsed.tokens and not filters.text:
                text_words = []  # only numbers and dates: nothing for the full-text leg
            ranked, candidates = self._rank(parsed, text_words, qs, filters, scope)
            if text_words and candidates.text_truncated:
                extra = self.text_condition(text_words)
                if candidates.text_total is not None and candidates.text_hits is not None:
                    # |ranked ∪ text matches| = |ranked| + |text matches| − |both|
                    both = sum(1 for pk, _ in ranked if pk in candidates.text_hits)
                    extra_count = max(0, candidates.text_total - both)
                elif extra is None:
                    rest = self.rest_matches(
                        text_words, [pk for pk, _ in ranked], scope, filters, user=user
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
        # Exact identifiers first: file number, passport number.
        scores: dict[int, float] = dict.fromkeys(candidates.serials or (), SERIAL_SCORE)
        scores.update(dict.fromkeys(candidates.identifiers or (), IDENTIFIER_SCORE))
        name_only = not filters.text
        order = {}
        memo: dict[tuple, float] = {}  # namesakes are scored once
        threshold = MIN_NAME_SCORE if parsed.tokens else 0.5
        for pk, family, given, family_native, given_native, birth, received in (
            candidates.rows or ()
        ):
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
        return ranked, candidates


def ids_condition(ids) -> Q | BaseExpression:
    """``case_id IN ids``; on PostgreSQL one array parameter (``= ANY``), cheap to compile."""
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    ids = sorted(ids)
    if connection.vendor != "postgresql":
        return Q(case_id__in=ids)
    table = CaseIndexEntry._meta.db_table
    return RawSQL(  # noqa: S611 (fixed SQL, the ids as one parameter)
        f"{table}.case_id = ANY(%s::bigint[])", [ids], output_field=BooleanField()
    )


_WORD_RE = re.compile(r"[^\W_]{2,}", re.UNICODE)


def _text_words(parsed: names.ParsedQuery, filters: SearchFilters) -> list[str]:
    """Words for the full-text leg: the query's words, or the free-text filter's if set."""
    source = filters.text or parsed.text
    words = [w for w in _WORD_RE.findall(source) if w.upper() not in {"AND", "OR", "NOT", "NEAR"}]
    return words[:12]
