"""Writes of appointment data: releasing slots, booking, cancelling, the waiting list.

The database has the last word on double bookings (partial unique constraints on the slot and
on the case); the code below locks rows so that, under load, requests queue for different
slots instead of failing on the same one. Once a service is sold out, requests hear so from a
marker in the cache without taking a lock (see :mod:`appointments.availability`).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casework.models import Case
from casework.selectors import cases_visible_to
from cms.selectors import office_contact, office_opening_hours
from config.links import public_url

from . import availability, claim
from .calendar import CALENDAR_CONTENT_TYPE, booking_calendar, calendar_filename
from .constants import BookingStatus, WaitingStatus
from .keys import key_matches, new_key
from .models import CASE_ACTIVE, Booking, ReleaseRule, Slot, WaitingListEntry
from .schedule import latest_release_date, release_instant, slot_times, target_week_start
from .selectors import (
    can_manage_appointments,
    is_ready_for,
    service_ready_for,
    waiting_list,
)

__all__ = [
    "BookingError",
    "BookingResult",
    "book_slot",
    "cancel_booking",
    "join_waiting_list",
    "mark_attendance",
    "release_case_bookings",
    "release_slots",
]

logger = logging.getLogger(__name__)

#: How often a booking looks for another free slot when the one it locked was just taken.
_ATTEMPTS = 5


class BookingError(Exception):
    """A booking request that cannot be met; ``message`` is shown to the applicant."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    #: The cancellation key; only its hash is stored, so this is the one chance to show it.
    cancel_key: str


# --- releasing slots ------------------------------------------------------------------------


def _create_slots(rule: ReleaseRule, release_date: dt.date, opening_hours: dict) -> int:
    released_at = release_instant(release_date=release_date, release_time=rule.release_time)
    week = target_week_start(release_date=release_date, weeks_ahead=rule.weeks_ahead)
    times = slot_times(
        week_start=week,
        windows=rule.windows(opening_hours),
        minutes=rule.service.duration_minutes,
    )
    if not times:
        return 0
    existing = Slot.objects.filter(
        counter=rule.counter, start__gte=times[0][0], start__lte=times[-1][0]
    ).count()
    Slot.objects.bulk_create(
        [
            Slot(
                counter=rule.counter,
                service=rule.service,
                start=start,
                end=end,
                released_at=released_at,
            )
            for start, end in times
        ],
        ignore_conflicts=True,
    )
    after = Slot.objects.filter(
        counter=rule.counter, start__gte=times[0][0], start__lte=times[-1][0]
    ).count()
    return after - existing


def release_slots(*, now: dt.datetime | None = None, include_upcoming: bool = False) -> int:
    """Create the slots of each rule's latest release; running it again creates nothing.

    Slots lie within the office's opening hours (site settings) on the rule's weekdays, unless
    the rule keeps its own first and last slot times (see :meth:`ReleaseRule.windows`).

    With ``include_upcoming`` the slots of the next release are created too, hidden until
    their release instant, so a job run any time before 07:30 opens them exactly at 07:30.
    Returns the number of slots created.
    """
    now = now or timezone.now()
    created = 0
    rules = ReleaseRule.objects.filter(active=True, counter__active=True, service__active=True)
    hours = office_opening_hours()
    with transaction.atomic():
        for rule in rules.select_related("counter", "service"):
            latest = latest_release_date(
                weekday=rule.release_weekday, release_time=rule.release_time, now=now
            )
            created += _create_slots(rule, latest, hours)
            if include_upcoming:
                created += _create_slots(rule, latest + dt.timedelta(days=7), hours)
        if created:
            availability.changed()  # bulk_create sends no signals
    return created


# --- booking --------------------------------------------------------------------------------


def book_slot(
    *,
    case: Case,
    slot: Slot | None = None,
    start: dt.datetime | None = None,
    email: str = "",
    now: dt.datetime | None = None,
) -> BookingResult:
    """Book ``slot``, or any free counter at ``start``, or else the earliest free slot, for
    the case; an older booking is released.

    Raises :class:`BookingError` when the case is not ready, the time is gone or none is free.
    Once the service is sold out, that answer comes without a transaction or a lock.
    """
    now = now or timezone.now()
    service = service_ready_for(case)
    if service is None:
        raise BookingError("not_ready", _("Your case is not ready for an appointment."))
    if slot is not None and slot.service_id != service.pk:
        raise BookingError("slot_taken", _("This time is no longer available."))
    if availability.is_sold_out(service, now):
        _refuse_sold_out(case=case, slot=slot, start=start)
    key, key_hash = new_key()
    try:
        booking = _book(
            case=case,
            service=service,
            slot=slot,
            start=start,
            email=email,
            key=key,
            key_hash=key_hash,
            now=now,
        )
    except IntegrityError as exc:
        # The constraints caught a race the locks did not: another request was faster.
        logger.info("booking conflict for case %s: %s", case.pk, exc)
        if _violated_constraint(exc) == "unique_active_booking_per_case":
            raise BookingError("already_booked", _("You already have an appointment.")) from exc
        raise BookingError(
            "slot_taken", _("This time was taken a moment ago. Please choose another one.")
        ) from exc
    except BookingError as exc:
        if exc.code == "no_slots":
            # Tell the next requests without a lock, if no booking in flight may still fail.
            availability.note_sold_out(service, now)
        raise
    return BookingResult(booking=booking, cancel_key=key)


def _book(*, case, service, slot, start, email, key, key_hash, now) -> Booking:
    """What must be atomic: lock the case and a free slot, release the old booking, insert.

    The case lock, the slot lock and the insert are one statement each, written once per
    process (:mod:`appointments.claim`); a rebooking and a waiting-list place take a few more.
    """
    with transaction.atomic():
        # One request per case at a time: duplicate clicks queue here, not in the slots.
        # The same round trip tells whether the case is still ready and holds a booking or a
        # waiting place.
        locked = claim.lock_case(case.pk)
        if locked is None:
            raise BookingError("not_ready", _("Your case is not ready for an appointment."))
        locked_case, active_booking_id, is_waiting = locked
        if not is_ready_for(locked_case, service.kind):
            raise BookingError("not_ready", _("Your case is not ready for an appointment."))
        current = None
        if active_booking_id is not None:
            current = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("slot")
                .get(pk=active_booking_id)
            )
        if current is not None and slot is None and start is None:
            raise BookingError("already_booked", _("You already have an appointment."))
        if current is not None and (
            current.slot_id == getattr(slot, "pk", None) or current.slot.start == start
        ):
            raise BookingError("already_booked", _("You have already booked this time."))
        if current is not None:
            # Before the insert: the case's partial unique index allows one active booking.
            current.status = BookingStatus.CANCELLED
            current.cancelled_at = now
            current.save(update_fields=["status", "cancelled_at"])
        booking = _claim_free_slot(
            case=case,
            service=service,
            slot=slot,
            start=start,
            email=email,
            key_hash=key_hash,
            now=now,
        )
        if is_waiting:
            WaitingListEntry.objects.filter(
                case=case, service=service, status=WaitingStatus.WAITING
            ).update(status=WaitingStatus.WITHDRAWN)
        if current is not None:
            _offer_to_waiting_list(slot=current.slot, now=now)
        if email:
            _notify_on_commit(booking, key, "booked")
    return booking


def _refuse_sold_out(*, case: Case, slot: Slot | None, start: dt.datetime | None):
    """The answer for a sold-out service, from one read of the case's own booking."""
    booked = (
        Booking.objects.filter(CASE_ACTIVE, case=case)
        .order_by("pk")
        .values_list("slot_id", "slot__start")
        .first()
    )
    if booked is not None and slot is None and start is None:
        raise BookingError("already_booked", _("You already have an appointment."))
    if booked is not None and (booked[0] == getattr(slot, "pk", None) or booked[1] == start):
        raise BookingError("already_booked", _("You have already booked this time."))
    if slot is not None or start is not None:
        raise BookingError(
            "slot_taken", _("This time was taken a moment ago. Please choose another one.")
        )
    raise BookingError("no_slots", _("There are no free appointments at the moment."))


def _violated_constraint(exc: IntegrityError) -> str:
    """The constraint name PostgreSQL reports; SQLite names only the columns."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    return "unique_active_booking_per_case" if "case_id" in str(exc) else ""


def _lock_free_slot(
    *, service, slot: Slot | None, now: dt.datetime, start: dt.datetime | None = None, skipped=()
) -> Slot | None:
    """Lock a free slot (of any counter at ``start``, if given); slots locked by other
    requests are skipped, not waited for."""
    return claim.lock_free_slot(service=service, slot=slot, start=start, now=now, skipped=skipped)


def _claim_free_slot(*, case, service, slot, start, email, key_hash, now) -> Booking:
    """Lock a free slot and insert the booking of it.

    A slot chosen from a snapshot taken before a rival's booking committed is locked all the
    same; the insert then finds the live booking in the slot's unique index and inserts
    nothing, and the next try (a fresh snapshot) passes that slot over.
    """
    skipped: list[int] = []
    for _attempt in range(_ATTEMPTS):
        chosen = _lock_free_slot(service=service, slot=slot, start=start, now=now, skipped=skipped)
        if chosen is None:
            break
        booking = claim.insert_booking(
            case=case, slot=chosen, key_hash=key_hash, email=email, now=now
        )
        if booking is not None:
            return booking
        skipped.append(chosen.pk)
    if slot is not None or start is not None or skipped:
        raise BookingError(
            "slot_taken", _("This time was taken a moment ago. Please choose another one.")
        )
    raise BookingError("no_slots", _("There are no free appointments at the moment."))


def cancel_booking(*, reference, key: str, now: dt.datetime | None = None) -> bool:
    """Cancel with the secret key from the confirmation; a wrong key changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot", "slot__service")
            .filter(reference=reference, status=BookingStatus.BOOKED)
            .first()
        )
        key_ok = key_matches(key, booking.cancel_key_hash if booking is not None else None)
        if booking is None or not key_ok or booking.slot.start <= now:
            return False
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        _offer_to_waiting_list(slot=booking.slot, now=now)
    return True


def release_case_bookings(*, case: Case, now: dt.datetime | None = None) -> int:
    """Cancel a case's appointment and waiting-list places, e.g. when it is refused or withdrawn.

    Meant to be called from the case workflow; the freed slot goes to the waiting list.
    Returns the number of bookings cancelled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot", "slot__service")
            .filter(CASE_ACTIVE, case=case)
        )
        for booking in bookings:
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at"])
        WaitingListEntry.objects.filter(case=case, status=WaitingStatus.WAITING).update(
            status=WaitingStatus.WITHDRAWN
        )
        for booking in bookings:
            _offer_to_waiting_list(slot=booking.slot, now=now)
    return len(bookings)


def join_waiting_list(*, case: Case, email: str, now=None) -> WaitingListEntry:
    """Put a ready case without an appointment on the waiting list of its service."""
    now = now or timezone.now()
    service = service_ready_for(case)
    if service is None:
        raise BookingError("not_ready", _("Your case is not ready for an appointment."))
    if Booking.objects.filter(CASE_ACTIVE, case=case).exists():
        raise BookingError("already_booked", _("You already have an appointment."))
    try:
        with transaction.atomic():
            entry, _created = WaitingListEntry.objects.get_or_create(
                case=case,
                service=service,
                status=WaitingStatus.WAITING,
                defaults={"email": email, "created_at": now},
            )
    except IntegrityError:
        entry = WaitingListEntry.objects.get(
            case=case, service=service, status=WaitingStatus.WAITING
        )
    return entry


def _offer_to_waiting_list(*, slot: Slot, now: dt.datetime) -> Booking | None:
    """Give a freed slot to the first waiting case that is still ready; mail it on commit."""
    if slot.start <= now:
        return None
    entries = waiting_list(service=slot.service).select_for_update(skip_locked=True, of=("self",))
    for entry in entries:
        case = entry.case
        if not is_ready_for(case, slot.service.kind):
            continue
        if Booking.objects.filter(CASE_ACTIVE, case=case).exists():
            continue
        key, key_hash = new_key()
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    case=case,
                    slot=slot,
                    cancel_key_hash=key_hash,
                    email=entry.email,
                    from_waiting_list=True,
                    created_at=now,
                )
        except IntegrityError:
            return None
        entry.status = WaitingStatus.ASSIGNED
        entry.booking = booking
        entry.save(update_fields=["status", "booking"])
        _notify_on_commit(booking, key, "assigned")
        return booking
    return None


def _notify_on_commit(booking: Booking, key: str, kind: str) -> None:
    booking_id = booking.pk

    def send():
        fresh = Booking.objects.select_related(
            "case__person", "slot__counter", "slot__service"
        ).get(pk=booking_id)
        language = fresh.case.person.preferred_language
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "booking": fresh,
                "kind": kind,
                "cancel_url": public_url(
                    "appointments:cancel", args=[fresh.reference, key], language=language
                ),
                "office": office_contact(),
            }
            subject = render_to_string("appointments/email/subject.txt", context).strip()
            body = render_to_string("appointments/email/booking.txt", context)
            calendar = booking_calendar(fresh, cancel_key=key)
        message = EmailMessage(subject=subject, body=body, to=[fresh.email])
        message.attach(calendar_filename(fresh), calendar, CALENDAR_CONTENT_TYPE)
        message.send()

    transaction.on_commit(send)


# --- staff ----------------------------------------------------------------------------------


def mark_attendance(
    *, booking: Booking, user, attended: bool, now: dt.datetime | None = None
) -> Booking:
    """Record that the applicant came or did not; a no-show keeps its slot occupied."""
    now = now or timezone.now()
    if not can_manage_appointments(user):
        raise PermissionDenied
    if not cases_visible_to(user).filter(pk=booking.case_id).exists():
        raise PermissionDenied
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot")
            .get(pk=booking.pk)
        )
        if booking.status != BookingStatus.BOOKED:
            raise BookingError("already_marked", _("Attendance has already been recorded."))
        if timezone.localdate(booking.slot.start) > timezone.localdate(now):
            raise BookingError(
                "too_early", _("Attendance can be recorded on the day of the appointment.")
            )
        booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
        booking.marked_at = now
        booking.marked_by = user
        booking.save(update_fields=["status", "marked_at", "marked_by"])
    return booking
