"""What a search may find: the filters beside the search box, conditions on the index
table (identifiers, file numbers, case ids) and the user's scope, part of every query."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from casework.policy import CaseScope, policy_for

from .. import names
from ..models import CaseIndexEntry

__all__ = [
    "SearchFilters",
    "identifier_condition",
    "ids_condition",
    "query_text_words",
    "serial_candidates_wanted",
    "serial_condition",
    "visible_entries",
]


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


def visible_entries(user, scope: CaseScope | None = None) -> QuerySet[CaseIndexEntry]:
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


_WORD_RE = re.compile(r"[^\W_]{2,}", re.UNICODE)


def query_text_words(parsed: names.ParsedQuery, filters: SearchFilters) -> list[str]:
    """Words for the full-text leg: the query's words, or the free-text filter's if set."""
    source = filters.text or parsed.text
    words = [w for w in _WORD_RE.findall(source) if w.upper() not in {"AND", "OR", "NOT", "NEAR"}]
    return words[:12]
