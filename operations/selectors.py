"""Figures for supervisors and office management, always over the cases the user may see.

Every figure starts from :func:`casework.selectors.cases_visible_to` and is computed by
aggregate queries in the database (eight per dashboard, see :func:`dashboard_figures`, whatever
the number of cases, departments or caseworkers). History figures join the period's history
rows (found by the ``(to_state, at)`` index) onto the visible cases; the cases themselves are
scanned once, grouped by department, state and caseworker.

Definitions (they matter in a council report):

* **received** – cases whose ``received_at`` lies in the period.
* **granted** – cases whose card was ordered in the period (history row *biometrics →
  produced*): the card is only ordered after a positive decision. Re-orders after a failed
  production do not count again.
* **refused** / **withdrawn** – history rows into that state in the period.
* **hearings** – hearings opened in the period (history rows *received / documents requested /
  checked → hearing*, § 28 VwVfG); **dropped after hearing** – the answer changed the
  assessment (*hearing → received*); **refused after hearing** – refusal notices issued
  (*refusal drafted → refused*). A case heard twice counts twice.
* **handed over** – history rows into *handed over* in the period; by case type these are the
  titles issued.
* **processing time** – from ``received_at`` to the hand-over row, for cases handed over in the
  period; median and 90th percentile (linear interpolation, as PostgreSQL's
  ``percentile_cont``).
* **open** – every case not in a final state, now (not bound to the period); age = today minus
  the day of receipt.
* **expiry forecast** – holders (distinct persons) whose document runs out per calendar month,
  read from the register: records in force (not replaced by a newer one) of the persons of
  the visible cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.constants import FINAL_STATES, CaseState
from casework.models import (
    Case,
    CaseDocument,
    CaseType,
    Department,
    Participation,
    ResidenceRecord,
)
from casework.policy import policy_for
from casework.selectors import cases_visible_to

__all__ = [
    "AGE_BUCKETS",
    "Period",
    "can_see_statistics",
    "case_scope",
    "council_report",
    "counts_by_department",
    "dashboard_figures",
    "expiry_forecast",
    "handed_over_by_type",
    "oldest_waiting",
    "open_by_state",
    "overdue_document_requests",
    "participation_counts",
    "period_counts",
    "period_summary",
    "percentile",
    "processing_times",
    "register_scope",
    "service_standard_days",
    "stalled_cases",
    "statistics_departments",
    "workload",
]

#: Upper bounds (days) of the age columns of open cases; the last column is "older".
AGE_BUCKETS = (30, 90, 180)
NOT_HOLDING = (CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.FORWARDED)
UKRAINE = "UKR"
#: Legal bases recognised in the council report (the catalogue writes "§ 24 AufenthG").
TEMPORARY_PROTECTION_RE = r"^§ ?24( |$)"
CHANCEN_RE = r"^§ ?104c( |$)"


@dataclass(frozen=True)
class Period:
    """A period of whole days in the office's time zone, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_before(self) -> dt.datetime:
        return _local_midnight(self.end + dt.timedelta(days=1))

    @classmethod
    def default(cls, today: dt.date | None = None) -> Period:
        """The current year up to today."""
        today = today or timezone.localdate()
        return cls(start=today.replace(month=1, day=1), end=today)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# -- who sees statistics ----------------------------------------------------------------------


def can_see_statistics(user) -> bool:
    """Supervisors and office management; caseworkers work cases, they get no statistics."""
    return policy_for(user).supervises_anything()


def statistics_departments(user) -> QuerySet[Department]:
    """Departments a user may pick in the filter: all for office admins, else where supervisor."""
    return policy_for(user).supervised_departments()


def case_scope(user, *, department: Department | int | None = None) -> QuerySet[Case]:
    """The cases a user's statistics count: visible to them, optionally one department."""
    cases = cases_visible_to(user)
    if department is not None:
        cases = cases.filter(department=department)
    return cases


def _with_history(
    cases: QuerySet[Case], period: Period, to_states: tuple[str, ...]
) -> QuerySet[Case]:
    """The cases joined to their history rows into ``to_states`` in the period.

    One result row per history row, so aggregates over ``history`` count rows. The join starts
    from the (visibility-filtered) cases, so a supervisor's figures cost one pass over the cases
    instead of a subquery plus a join. ``to_state IN (...)`` plus the period is one range scan of
    the ``(to_state, at)`` history index; ``from_state`` conditions go into the aggregates'
    filters, never into the join (an ``OR`` there would take one index scan per branch).
    """
    return cases.filter(
        # A state change only: a bulk continuation writes a row from *handed over* to *handed
        # over*, which is no second hand-over. Written as "<" or ">" because a negated lookup
        # on a multi-valued relation would become a correlated subquery.
        Q(history__from_state__lt=F("history__to_state"))
        | Q(history__from_state__gt=F("history__to_state")),
        history__to_state__in=to_states,
        history__at__gte=period.start_at,
        history__at__lt=period.end_before,
    )


DECISION_STATES = (
    CaseState.PRODUCED,
    CaseState.REFUSED,
    CaseState.WITHDRAWN,
    CaseState.HANDED_OVER,
    CaseState.HEARING,
    CaseState.RECEIVED,
)

#: The counts of :func:`_case_decision_counts`, in the order the tables show them.
DECISION_KEYS = (
    "granted",
    "refused",
    "withdrawn",
    "handed_over",
    "hearings",
    "dropped_after_hearing",
    "refused_after_hearing",
)


def _case_decision_counts() -> dict:
    """Granted, refused, withdrawn, handed over among the rows joined by :func:`_with_history`.

    Each of these transitions happens at most once per case in the workflow (a re-order after
    failed production starts from *production failed*, not from *biometrics*), so counting rows
    counts cases, without the cost of ``COUNT(DISTINCT)``.
    """
    history = "history__"
    return {
        "granted": Count(
            history + "pk",
            filter=Q(
                history__from_state=CaseState.BIOMETRICS, history__to_state=CaseState.PRODUCED
            ),
        ),
        "refused": Count(history + "pk", filter=Q(history__to_state=CaseState.REFUSED)),
        "withdrawn": Count(history + "pk", filter=Q(history__to_state=CaseState.WITHDRAWN)),
        "handed_over": Count(history + "pk", filter=Q(history__to_state=CaseState.HANDED_OVER)),
        # A hearing may be opened again after it was dropped: these count hearings, not cases.
        "hearings": Count(
            history + "pk",
            filter=Q(
                history__to_state=CaseState.HEARING,
                history__from_state__in=(
                    CaseState.RECEIVED,
                    CaseState.DOCUMENTS_REQUESTED,
                    CaseState.CHECKED,
                ),
            ),
        ),
        "dropped_after_hearing": Count(
            history + "pk",
            filter=Q(history__from_state=CaseState.HEARING, history__to_state=CaseState.RECEIVED),
        ),
        "refused_after_hearing": Count(
            history + "pk",
            filter=Q(
                history__from_state=CaseState.REFUSAL_DRAFTED, history__to_state=CaseState.REFUSED
            ),
        ),
    }


# -- figures ----------------------------------------------------------------------------------


def period_counts(cases: QuerySet[Case], period: Period) -> dict[str, int]:
    """Received, granted, refused, withdrawn and handed over in the period (two queries)."""
    received = cases.filter(received_at__gte=period.start_at, received_at__lt=period.end_before)
    decided = (
        _with_history(cases, period, DECISION_STATES)
        .order_by()
        .aggregate(**_case_decision_counts())
    )
    return {"received": received.count(), **decided}


def _age_buckets(today: dt.date) -> dict[str, Count]:
    """Count of cases per age column (days since the day of receipt), for :data:`AGE_BUCKETS`."""
    bounds = [_local_midnight(today - dt.timedelta(days=days - 1)) for days in AGE_BUCKETS]
    buckets = {}
    lower = None
    for days, bound in zip(AGE_BUCKETS, bounds, strict=True):
        condition = Q(received_at__gte=bound)
        if lower is not None:
            condition &= Q(received_at__lt=lower)
        buckets[f"up_to_{days}"] = Count("pk", filter=condition)
        lower = bound
    buckets[f"over_{AGE_BUCKETS[-1]}"] = Count("pk", filter=Q(received_at__lt=lower))
    return buckets


BUCKET_KEYS = tuple(f"up_to_{days}" for days in AGE_BUCKETS) + (f"over_{AGE_BUCKETS[-1]}",)


def _case_groups(
    cases: QuerySet[Case],
    *,
    period: Period | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    open_only: bool = False,
) -> list[dict]:
    """One pass over the cases, grouped by department, state and caseworker.

    Every case figure of the dashboard is a sum (or minimum) over these few groups (at most
    departments × states × caseworkers rows): received in the period and open now per
    department, open per state with the age columns, and the workload per caseworker. So the
    cases are scanned once, not once per table.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    aggregates = {
        "count": Count("pk"),
        "oldest": Min("received_at"),
        "stalled": Count("pk", filter=_stalled_q(now)),
        **_age_buckets(today),
    }
    if period is not None:
        aggregates["received"] = Count(
            "pk", filter=Q(received_at__gte=period.start_at, received_at__lt=period.end_before)
        )
    if open_only:
        cases = cases.exclude(state__in=FINAL_STATES)
    return list(
        cases.values("department", "state", "assigned_to").annotate(**aggregates).order_by()
    )


def _open_groups(groups: list[dict]) -> list[dict]:
    return [group for group in groups if group["state"] not in FINAL_STATES]


def _decisions_by_department_and_type(cases: QuerySet[Case], period: Period) -> list[dict]:
    """Granted, refused, withdrawn, handed over in the period per department and case type."""
    return list(
        _with_history(cases, period, DECISION_STATES)
        .values("department", "case_type")
        .annotate(**_case_decision_counts())
        .order_by()
    )


def _summary(groups: list[dict], decisions: list[dict]) -> dict[str, list[dict]]:
    """The department table and titles by type from the case groups and the decisions."""
    received: dict[int, int] = {}
    open_now: dict[int, int] = {}
    in_hearing: dict[int, int] = {}
    for group in groups:
        department_id = group["department"]
        received[department_id] = received.get(department_id, 0) + group["received"]
        if group["state"] not in FINAL_STATES:
            open_now[department_id] = open_now.get(department_id, 0) + group["count"]
        if group["state"] == CaseState.HEARING:
            in_hearing[department_id] = in_hearing.get(department_id, 0) + group["count"]
    keys = DECISION_KEYS
    decided: dict[int, dict[str, int]] = {}
    by_type: dict[int, int] = {}
    for row in decisions:
        sums = decided.setdefault(row["department"], dict.fromkeys(keys, 0))
        for key in keys:
            sums[key] += row[key]
        if row["handed_over"]:
            type_id = row["case_type"]
            by_type[type_id] = by_type.get(type_id, 0) + row["handed_over"]
    type_names = {
        pk: (basis, name)
        for pk, basis, name in CaseType.objects.filter(pk__in=by_type).values_list(
            "pk", "legal_basis", "name"
        )
    }
    ids = set(received) | set(open_now) | set(decided)
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    departments = [
        {
            "department_id": pk,
            "department": names.get(pk, ""),
            "received": received.get(pk, 0),
            **decided.get(pk, dict.fromkeys(keys, 0)),
            "open": open_now.get(pk, 0),
            "in_hearing": in_hearing.get(pk, 0),
        }
        for pk in ids
    ]
    types = [
        {
            "case__case_type__legal_basis": type_names[pk][0],
            "case__case_type__name": type_names[pk][1],
            "count": count,
        }
        for pk, count in by_type.items()
    ]
    return {
        "departments": sorted(departments, key=lambda row: row["department"]),
        "handed_over_by_type": sorted(
            types, key=lambda row: (-row["count"], row["case__case_type__legal_basis"])
        ),
    }


def period_summary(cases: QuerySet[Case], period: Period) -> dict[str, list[dict]]:
    """Per department counts and titles handed over by type.

    One pass over the cases (grouped), one over the period's decisions in the history, two
    tiny look-ups of names.
    """
    groups = _case_groups(cases, period=period)
    return _summary(groups, _decisions_by_department_and_type(cases, period))


def counts_by_department(cases: QuerySet[Case], period: Period) -> list[dict]:
    """One row per department with the period counts and the cases open now."""
    return period_summary(cases, period)["departments"]


def handed_over_by_type(cases: QuerySet[Case], period: Period) -> list[dict]:
    """Titles issued (handed over) in the period per case type, most first."""
    return period_summary(cases, period)["handed_over_by_type"]


def _open_by_state(groups: list[dict], today: dt.date) -> list[dict]:
    per_state: dict[str, dict] = {}
    for group in _open_groups(groups):
        row = per_state.setdefault(
            group["state"],
            {"state": group["state"], "count": 0, "oldest": None, **dict.fromkeys(BUCKET_KEYS, 0)},
        )
        row["count"] += group["count"]
        for key in BUCKET_KEYS:
            row[key] += group[key]
        if row["oldest"] is None or group["oldest"] < row["oldest"]:
            row["oldest"] = group["oldest"]
    labels = dict(CaseState.choices)
    order = {state: index for index, state in enumerate(CaseState.values)}
    result = []
    for row in per_state.values():
        oldest = timezone.localdate(row["oldest"])
        result.append(
            {
                **row,
                "label": labels.get(row["state"], row["state"]),
                "max_age": (today - oldest).days,
            }
        )
    return sorted(result, key=lambda row: order.get(row["state"], 99))


def open_by_state(cases: QuerySet[Case], *, today: dt.date | None = None) -> list[dict]:
    """Open cases per state with their age in days (bucketed) and the oldest (one query)."""
    today = today or timezone.localdate()
    return _open_by_state(_case_groups(cases, today=today, open_only=True), today)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (same as ``percentile_cont``)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * weight


class _PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


def processing_times(cases: QuerySet[Case], period: Period) -> dict:
    """Days from receipt to hand-over for cases handed over in the period.

    PostgreSQL computes median and 90th percentile itself; elsewhere the durations are fetched
    as one sorted value list (two timestamps per case) and interpolated the same way.
    """
    rows = _with_history(cases, period, (CaseState.HANDED_OVER,)).order_by()
    duration = ExpressionWrapper(F("history__at") - F("received_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        result = rows.aggregate(
            count=Count("history__pk"),
            median=_PercentileCont(duration, 0.5),
            p90=_PercentileCont(duration, 0.9),
        )
        return {
            "count": result["count"],
            "median_days": _days(result["median"]),
            "p90_days": _days(result["p90"]),
        }
    days = sorted(
        (at - received).total_seconds() / 86400
        for at, received in rows.values_list("history__at", "received_at")
    )
    median, p90 = percentile(days, 0.5), percentile(days, 0.9)
    return {
        "count": len(days),
        "median_days": None if median is None else round(median, 1),
        "p90_days": None if p90 is None else round(p90, 1),
    }


def _days(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def oldest_waiting(cases: QuerySet[Case], *, limit: int = 20) -> QuerySet[Case]:
    """The open cases received longest ago: the office works in order of receipt."""
    return (
        cases.exclude(state__in=FINAL_STATES)
        .select_related("case_type", "department", "assigned_to", "person")
        .order_by("received_at", "pk")[:limit]
    )


def service_standard_days() -> int:
    """Days a case may go without a change of state (``OPERATIONS_SERVICE_STANDARD_DAYS``)."""
    return int(getattr(settings, "OPERATIONS_SERVICE_STANDARD_DAYS", 42))


def _stalled_q(now: dt.datetime) -> Q:
    since = now - dt.timedelta(days=service_standard_days())
    return ~Q(state__in=FINAL_STATES) & (
        Q(last_transition_at__lt=since) | Q(last_transition_at__isnull=True, received_at__lt=since)
    )


def _workload(groups: list[dict]) -> list[dict]:
    per_user: dict[int | None, dict] = {}
    for group in _open_groups(groups):
        row = per_user.setdefault(
            group["assigned_to"],
            {"assigned_to": group["assigned_to"], "open": 0, "waiting": 0, "stalled": 0},
        )
        row["open"] += group["count"]
        if group["state"] == CaseState.DOCUMENTS_REQUESTED:
            row["waiting"] += group["count"]
        row["stalled"] += group["stalled"]
        if "oldest" not in row or group["oldest"] < row["oldest"]:
            row["oldest"] = group["oldest"]
    users = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=[pk for pk in per_user if pk])
    }
    result = []
    for row in per_user.values():
        user = users.get(row["assigned_to"])
        if user is None:
            name, username = str(_("unassigned")), ""
        else:
            username = user.get_username()
            name = user.get_full_name() or username
        result.append({**row, "name": name, "assigned_to__username": username})
    return sorted(result, key=lambda row: (-row["open"], row["assigned_to__username"]))


def workload(cases: QuerySet[Case], *, now: dt.datetime | None = None) -> list[dict]:
    """Open cases per caseworker (unassigned included), how many wait and how many stall.

    Grouped by user id only; the few names are looked up afterwards (no join over the cases).
    """
    return _workload(_case_groups(cases, now=now, open_only=True))


def dashboard_figures(
    cases: QuerySet[Case],
    period: Period,
    *,
    records: QuerySet[ResidenceRecord] | list[QuerySet[ResidenceRecord]],
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Every figure of the dashboard with as few passes over the data as possible.

    One grouped pass over the cases (departments, open by state, workload), one over the
    period's decisions, one for the processing times, one for the expiry forecast, the oldest
    waiting cases from the worklist index, and look-ups of the few names: eight queries,
    whatever the number of cases, departments or caseworkers.
    """
    today = today or timezone.localdate()
    groups = _case_groups(cases, period=period, today=today, now=now)
    return {
        **_period_figures(cases, period, groups, today),
        "processing": processing_times(cases, period),
        "oldest": list(oldest_waiting(cases)),
        "workload": _workload(groups),
        "expiry": expiry_forecast(records, today=today),
        "participations": participation_counts(cases, period),
    }


def participation_counts(cases: QuerySet[Case], period: Period) -> list[dict]:
    """Per authority: asked, consented, refused and deemed given in the period, open now.

    One grouped query over the participations of the cases counted (a deemed consent is
    the background worker's, recorded on its deadline)."""
    from workflows import ParticipationStatus as Status

    in_period = Q(answered_at__gte=period.start_at, answered_at__lt=period.end_before)
    rows = (
        Participation.objects.filter(case__in=cases.order_by().values("pk"))
        .values("authority")
        .annotate(
            requested=Count(
                "pk",
                filter=Q(requested_at__gte=period.start_at, requested_at__lt=period.end_before),
            ),
            consented=Count("pk", filter=in_period & Q(status=Status.CONSENTED)),
            refused=Count("pk", filter=in_period & Q(status=Status.REFUSED)),
            deemed=Count("pk", filter=in_period & Q(status=Status.DEEMED)),
            open=Count("pk", filter=Q(status=Status.REQUESTED)),
        )
        .order_by("authority")
    )
    keys = ("requested", "consented", "refused", "deemed", "open")
    return [row for row in rows if any(row[key] for key in keys)]


def _period_figures(cases: QuerySet[Case], period: Period, groups: list[dict], today) -> dict:
    return {
        **_summary(groups, _decisions_by_department_and_type(cases, period)),
        "open_by_state": _open_by_state(groups, today),
    }


def period_figures(cases: QuerySet[Case], period: Period, *, today: dt.date | None = None) -> dict:
    """Per department counts, titles handed over by type and open cases per state, from one
    grouped pass over the cases and one over the period's decisions (the statistics API)."""
    today = today or timezone.localdate()
    groups = _case_groups(cases, period=period, today=today)
    return _period_figures(cases, period, groups, today)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def register_scope(
    user, *, department: Department | int | None = None
) -> list[QuerySet[ResidenceRecord]]:
    """The residence records a user's figures count: the register the policy lets them read
    (persons without any case included, e.g. imported ones), optionally one department's,
    as the policy's disjoint parts (:meth:`~casework.policy.UserCasePolicy.
    residence_record_parts`: each part a fast join; figures add the parts up)."""
    return policy_for(user).residence_record_parts(department=department)


def expiry_forecast(
    records: QuerySet[ResidenceRecord] | list[QuerySet[ResidenceRecord]],
    *,
    today: dt.date | None = None,
    months: int = 24,
) -> list[dict]:
    """Holders whose document runs out, per month from this month on, zero months included.

    ``records``: the register the user may read (:func:`register_scope`: disjoint parts by
    person, counted each and added up), so a person the register knows without a case here
    (imported, entered by staff) counts as well."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    end = _add_months(first, months)
    counts: dict[dt.date, int] = {}
    for part in records if isinstance(records, list | tuple) else [records]:
        rows = (
            part.filter(superseded_by__isnull=True, valid_until__gte=today, valid_until__lt=end)
            .annotate(month=TruncMonth("valid_until", output_field=DateField()))
            .values_list("month")
            .annotate(n=Count("person", distinct=True))
            .order_by()
        )
        for month, n in rows:
            counts[_as_date(month)] = counts.get(_as_date(month), 0) + n
    return [
        {"month": month, "count": counts.get(month, 0)}
        for month in (_add_months(first, i) for i in range(months))
    ]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def council_report(
    user,
    *,
    ukraine_since: dt.date,
    chancen_since: dt.date,
    until: dt.date | None = None,
    department: Department | int | None = None,
) -> dict:
    """The figures of a report to the council (like the Kreis Mettmann slides of May 2023)."""
    until = until or timezone.localdate()
    cases = case_scope(user, department=department)
    ukraine = Period(start=ukraine_since, end=until)
    chancen = Period(start=chancen_since, end=until)
    # The case types of the report, resolved once (a handful of rows), so the big queries
    # filter on an indexed id instead of matching text on every row.
    temporary_types = list(
        CaseType.objects.filter(legal_basis__regex=TEMPORARY_PROTECTION_RE).values_list(
            "pk", flat=True
        )
    )
    chancen_types = list(
        CaseType.objects.filter(legal_basis__regex=CHANCEN_RE).values_list("pk", flat=True)
    )
    issued = (
        _with_history(cases, ukraine, (CaseState.HANDED_OVER,))
        .filter(person__nationality=UKRAINE)
        .order_by()
        .aggregate(
            titles=Count("pk", distinct=True),
            temporary_protection=Count(
                "pk", distinct=True, filter=Q(case_type_id__in=temporary_types)
            ),
            persons=Count("person", distinct=True),
        )
    )
    chancen_cases = cases.filter(case_type_id__in=chancen_types)
    decided = (
        _with_history(
            chancen_cases,
            chancen,
            (CaseState.PRODUCED, CaseState.REFUSED, CaseState.WITHDRAWN),
        )
        .order_by()
        .aggregate(**_case_decision_counts())
    )
    applications = chancen_cases.aggregate(
        received=Count(
            "pk", filter=Q(received_at__gte=chancen.start_at, received_at__lt=chancen.end_before)
        ),
        open=Count("pk", filter=~Q(state__in=FINAL_STATES)),
    )
    return {
        "ukraine_since": ukraine_since,
        "chancen_since": chancen_since,
        "until": until,
        "ukraine_titles": issued["titles"],
        "ukraine_temporary_protection": issued["temporary_protection"],
        "ukraine_persons": issued["persons"],
        "chancen_received": applications["received"],
        "chancen_granted": decided["granted"],
        "chancen_refused": decided["refused"],
        "chancen_withdrawn": decided["withdrawn"],
        "chancen_open": applications["open"],
    }


# -- deadlines --------------------------------------------------------------------------------


def overdue_document_requests(user, *, today: dt.date | None = None) -> QuerySet[CaseDocument]:
    """Requested documents past their deadline and not received, on cases the user sees."""
    today = today or timezone.localdate()
    return (
        CaseDocument.objects.filter(
            case__in=cases_visible_to(user).exclude(state__in=FINAL_STATES).values("pk"),
            received=False,
            due_on__lt=today,
        )
        .select_related("case", "case__person", "case__assigned_to")
        .order_by("due_on", "pk")
    )


def stalled_cases(user, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Open cases without a change of state for longer than the office's service standard."""
    now = now or timezone.now()
    return (
        cases_visible_to(user)
        .filter(_stalled_q(now))
        .annotate(last_progress=Coalesce("last_transition_at", "received_at"))
        .select_related("case_type", "person", "assigned_to")
        .order_by("last_progress", "pk")
    )
