"""Reads for the back office and the API: worklists and what a user sees of one case file.

Every list starts from :func:`casework.selectors.cases_visible_to`, so whatever filter is
chained on, a user never gets a case of another department. A worklist is one SQL query (plus
one ``COUNT`` when it is paged).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from workflows import ParticipationStatus

from .constants import FINAL_STATES, CaseState
from .models import CaseDocument, Participation
from .selectors import cases_visible_to

__all__ = [
    "OPEN",
    "STALE_AFTER",
    "WorklistFilters",
    "overdue_filter",
    "with_participation_deadlines",
    "worklist",
]

#: A pseudo-state for the filter: every state in which the case still moves.
OPEN = "open"
#: A case in an open state without a change of state for this long counts as overdue.
STALE_AFTER = dt.timedelta(days=30)


@dataclass(frozen=True)
class WorklistFilters:
    """What a worklist may be narrowed by; empty values mean "no filter"."""

    state: str = OPEN
    case_type: int | None = None
    department: int | None = None
    assigned: str = ""  # "me", "none" or a user id
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False


def overdue_filter(now: dt.datetime | None = None) -> Q:
    """Cases waiting on documents past their deadline, or open and unchanged for too long."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late_documents = CaseDocument.objects.filter(
        case=OuterRef("pk"), received=False, due_on__lt=today
    )
    stale_since = now - STALE_AFTER
    stale = ~Q(state__in=FINAL_STATES) & (
        Q(last_transition_at__lt=stale_since)
        | Q(last_transition_at__isnull=True, received_at__lt=stale_since)
    )
    return Q(state=CaseState.DOCUMENTS_REQUESTED) & Exists(late_documents) | stale


def worklist(user, *, filters: WorklistFilters | None = None, mine: bool = False) -> QuerySet:
    """The user's cases, oldest receipt first (the office works in order of receipt)."""
    filters = filters or WorklistFilters()
    qs = cases_visible_to(user)
    if mine:
        qs = qs.filter(assigned_to=user)
    if filters.state == OPEN:
        qs = qs.exclude(state__in=FINAL_STATES)
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.case_type:
        qs = qs.filter(case_type_id=filters.case_type)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif filters.assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    elif filters.assigned.isdigit():
        qs = qs.filter(assigned_to_id=int(filters.assigned))
    if filters.received_from:
        qs = qs.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_at__date__lte=filters.received_to)
    if filters.overdue:
        qs = qs.filter(overdue_filter())
    return (
        with_participation_deadlines(qs)
        .select_related("person", "case_type", "department", "assigned_to")
        .order_by("received_at", "id")
    )


def with_participation_deadlines(qs: QuerySet) -> QuerySet:
    """Each case with ``participations_open`` (other authorities not answered yet) and
    ``participation_deadline`` (the first day a consent is deemed given), in the same query."""
    waiting = Participation.objects.filter(
        case=OuterRef("pk"), status=ParticipationStatus.REQUESTED
    )
    return qs.annotate(
        participations_open=Exists(waiting),
        participation_deadline=Subquery(
            waiting.filter(deemed_on__isnull=False).order_by("deemed_on").values("deemed_on")[:1]
        ),
    )
