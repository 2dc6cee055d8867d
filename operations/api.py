"""``/api/v1/statistics/``: the dashboard's figures as JSON, counted over visible cases only."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from casework.api_common import IsoDate, problems
from casework.auth import token_auth

from . import selectors
from .forms import CHANCEN_SINCE, UKRAINE_SINCE
from .selectors import Period

router = Router(auth=token_auth, tags=["statistics"])


#: A database id (a bigger number cannot name a row; it would overflow the column).
DepartmentId = Annotated[int, Field(ge=1, le=2**63 - 1, description="Id of a department.")]


class StatisticsFilter(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None
    department: DepartmentId | None = None


class CouncilFilter(Schema):
    ukraine_since: IsoDate = UKRAINE_SINCE
    chancen_since: IsoDate = CHANCEN_SINCE
    until: IsoDate | None = None
    department: DepartmentId | None = None


def _check(request, department: int | None):
    user = request.auth
    if not selectors.can_see_statistics(user):
        raise HttpError(403, _("Statistics are for supervisors and office management."))
    if (
        department is not None
        and not selectors.statistics_departments(user).filter(pk=department).exists()
    ):
        raise HttpError(403, _("Not your department."))
    return user


@router.get(
    "/",
    response={200: dict, **problems(403)},
    summary="Figures for a period (default: this year so far)",
)
def statistics(request, filters: Query[StatisticsFilter]):
    user = _check(request, filters.department)
    default = Period.default()
    try:
        period = Period(start=filters.start or default.start, end=filters.end or default.end)
    except ValueError as exc:
        raise HttpError(422, _("The period ends before it starts.")) from exc
    cases = selectors.case_scope(user, department=filters.department)
    summary = selectors.period_figures(cases, period)
    return {
        "period": {"start": period.start, "end": period.end},
        "totals": {
            key: sum(row[key] for row in summary["departments"])
            for key in ("received", "granted", "refused", "withdrawn", "handed_over")
        },
        "departments": summary["departments"],
        "handed_over_by_type": [
            {
                "legal_basis": row["case__case_type__legal_basis"],
                "case_type": row["case__case_type__name"],
                "count": row["count"],
            }
            for row in summary["handed_over_by_type"]
        ],
        "processing_time_days": selectors.processing_times(cases, period),
        "open_by_state": [
            {key: value for key, value in row.items() if key != "label"}
            for row in summary["open_by_state"]
        ],
        "expiry_forecast": selectors.expiry_forecast(
            selectors.register_scope(user, department=filters.department)
        ),
    }


@router.get(
    "/council-report",
    response={200: dict, **problems(403)},
    summary="Figures of a report to the council",
)
def council_report(request, filters: Query[CouncilFilter]):
    user = _check(request, filters.department)
    try:
        return selectors.council_report(
            user,
            ukraine_since=filters.ukraine_since,
            chancen_since=filters.chancen_since,
            until=filters.until,
            department=filters.department,
        )
    except PermissionDenied as exc:
        raise HttpError(403, _("Not your department.")) from exc
    except ValueError as exc:
        raise HttpError(422, _("The period ends before it starts.")) from exc
