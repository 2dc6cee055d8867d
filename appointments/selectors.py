"""Reads of appointment data; staff reads are narrowed to the cases the user may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from casework.constants import CardOrderStatus, CaseState
from casework.models import Case
from casework.policy import policy_for
from casework.selectors import cases_visible_to

from .constants import BookingStatus, ServiceKind, WaitingStatus
from .keys import key_matches
from .models import CASE_ACTIVE, SLOT_TAKEN, Booking, Counter, Service, Slot, WaitingListEntry
from .schedule import OFFICE_TZ

__all__ = [
    "active_booking_of",
    "appointments_for_staff",
    "booking_for_cancel_link",
    "can_manage_appointments",
    "counters_for_staff",
    "FreeDay",
    "free_days",
    "free_slots",
    "free_times_on",
    "is_ready_for",
    "service_ready_for",
    "waiting_list",
]


def is_ready_for(case: Case, kind: str) -> bool:
    """Biometrics once the case is checked; hand-over once the ordered card has arrived."""
    if kind == ServiceKind.BIOMETRICS:
        return case.state == CaseState.CHECKED
    if kind == ServiceKind.HAND_OVER:
        if case.state != CaseState.PRODUCED:
            return False
        latest = case.card_orders.order_by("-ordered_at", "-id").first()
        return latest is not None and latest.status == CardOrderStatus.DELIVERED
    return False


def service_ready_for(case: Case) -> Service | None:
    """The active service the case may book now, if any."""
    from .availability import active_services  # it reads free slots from here

    for service in active_services():
        if is_ready_for(case, service.kind):
            return service
    return None


def free_slots(*, service: Service, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """Released future slots of the service that no live booking occupies."""
    now = now or timezone.now()
    taken = Booking.objects.filter(SLOT_TAKEN, slot=OuterRef("pk"))
    return (
        Slot.objects.filter(
            service=service, counter__active=True, released_at__lte=now, start__gt=now
        )
        .filter(~Exists(taken))
        .select_related("counter")
        .order_by("start", "counter__name", "pk")
    )


@dataclass(frozen=True)
class FreeDay:
    """A day (office time) with free appointments: ``times`` distinct start times."""

    day: dt.date
    times: int


def free_days(*, service: Service, now: dt.datetime | None = None) -> list[FreeDay]:
    """The days with free times, in order, and how many times each offers.

    A time counts once however many counters are free at it: applicants choose a time, the
    booking takes any free counter.
    """
    rows = (
        free_slots(service=service, now=now)
        .order_by()
        .annotate(day=TruncDate("start", tzinfo=OFFICE_TZ))
        .values("day")
        .annotate(times=Count("start", distinct=True))
        .order_by("day")
    )
    return [FreeDay(day=row["day"], times=row["times"]) for row in rows]


def free_times_on(
    *, service: Service, day: dt.date, now: dt.datetime | None = None
) -> list[dt.datetime]:
    """The distinct free start times of one office-local day, earliest first."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=OFFICE_TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=OFFICE_TZ)
    return list(
        free_slots(service=service, now=now)
        .filter(start__gte=start, start__lt=end)
        .order_by("start")
        .values_list("start", flat=True)
        .distinct()
    )


def active_booking_of(case: Case) -> Booking | None:
    return (
        Booking.objects.filter(CASE_ACTIVE, case=case)
        .select_related("slot", "slot__counter", "slot__service")
        .first()
    )


def waiting_list(*, service: Service) -> QuerySet[WaitingListEntry]:
    """Who gets a freed slot first: the title that runs out first; no expiry date comes last."""
    return (
        WaitingListEntry.objects.filter(service=service, status=WaitingStatus.WAITING)
        .select_related("case")
        .order_by(F("case__title_expires_on").asc(nulls_last=True), "created_at", "id")
    )


def can_manage_appointments(user) -> bool:
    """Service Point staff and caseworkers (any casework membership) and office admins."""
    return policy_for(user).is_staff()


def counters_for_staff() -> QuerySet[Counter]:
    return Counter.objects.filter(active=True)


def appointments_for_staff(user, *, day: dt.date, counter: Counter | None = None):
    """The day's live appointments (office time) of the cases the user may see."""
    if not can_manage_appointments(user):
        return Booking.objects.none()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=OFFICE_TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=OFFICE_TZ)
    bookings = Booking.objects.filter(
        case__in=cases_visible_to(user).values("pk"),
        slot__start__gte=start,
        slot__start__lt=end,
    ).exclude(status=BookingStatus.CANCELLED)
    if counter is not None:
        bookings = bookings.filter(slot__counter=counter)
    return bookings.select_related(
        "case", "case__person", "slot", "slot__counter", "slot__service"
    ).order_by("slot__counter__name", "slot__start")


def booking_for_cancel_link(*, reference, key: str) -> Booking | None:
    """The booking a cancellation link points to, only if its key matches."""
    booking = (
        Booking.objects.select_related("slot", "slot__counter", "slot__service")
        .filter(reference=reference)
        .first()
    )
    if not key_matches(key, booking.cancel_key_hash if booking is not None else None):
        return None
    return booking
