"""Booking, rebooking, cancelling, the waiting list, attendance and slot release."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from appointments.constants import BookingStatus, WaitingStatus
from appointments.models import Booking, Slot
from appointments.selectors import free_slots, is_ready_for, service_ready_for
from appointments.services import (
    BookingError,
    book_slot,
    cancel_booking,
    join_waiting_list,
    mark_attendance,
    release_case_bookings,
    release_slots,
)
from casework.constants import CardOrderStatus, CaseState, Role
from casework.models import CardOrder
from tests.casework.factories import MembershipFactory, WorkflowCaseFactory, advance

from .conftest import delivered_case
from .factories import ReleaseRuleFactory, SlotFactory

pytestmark = pytest.mark.django_db


# --- readiness ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [CaseState.RECEIVED, CaseState.DOCUMENTS_REQUESTED, CaseState.BIOMETRICS, CaseState.REFUSED],
)
def test_biometrics_is_offered_only_once_the_case_is_checked(biometrics, state):
    assert not is_ready_for(WorkflowCaseFactory(state=state), "biometrics")
    assert is_ready_for(WorkflowCaseFactory(checked=True), "biometrics")


def test_hand_over_needs_the_latest_card_order_delivered(hand_over):
    case = WorkflowCaseFactory(produced=True)
    assert not is_ready_for(case, "hand_over"), "the card is ordered, not delivered yet"
    case = WorkflowCaseFactory(produced=True, card_delivered=True)
    assert is_ready_for(case, "hand_over")
    # low-level: a newer order of the card (a re-order the office placed after the delivery)
    CardOrder.objects.create(
        case=case,
        order_number="A2",
        status=CardOrderStatus.ORDERED,
        ordered_at=timezone.now() + dt.timedelta(seconds=1),
    )
    assert not is_ready_for(case, "hand_over"), "a newer re-order has not arrived"


def test_a_delivered_card_makes_hand_over_the_service_to_book(biometrics, hand_over):
    assert service_ready_for(delivered_case()) == hand_over


def test_booking_refuses_a_case_that_is_not_ready(biometrics):
    SlotFactory(service=biometrics)
    with pytest.raises(BookingError) as exc:
        book_slot(case=WorkflowCaseFactory(received=True))
    assert exc.value.code == "not_ready"
    assert not Booking.objects.exists()


# --- booking --------------------------------------------------------------------------------


def test_booking_takes_the_earliest_free_slot(biometrics, checked_case):
    later = SlotFactory(service=biometrics)
    earlier = SlotFactory(service=biometrics, start=later.start - dt.timedelta(hours=2))
    result = book_slot(case=checked_case)
    assert result.booking.slot == earlier
    assert result.booking.status == BookingStatus.BOOKED
    assert earlier not in free_slots(service=biometrics)


def test_the_cancel_key_is_not_stored(biometrics, checked_case):
    SlotFactory(service=biometrics)
    result = book_slot(case=checked_case)
    assert result.cancel_key not in result.booking.cancel_key_hash
    assert len(result.booking.cancel_key_hash) == 64


def test_a_taken_slot_cannot_be_booked_again(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    book_slot(case=checked_case, slot=slot)
    with pytest.raises(BookingError) as exc:
        book_slot(case=WorkflowCaseFactory(checked=True), slot=slot)
    assert exc.value.code == "slot_taken"
    assert slot.bookings.count() == 1


def test_unreleased_and_past_slots_are_not_offered(biometrics, checked_case):
    SlotFactory(service=biometrics, released_at=timezone.now() + dt.timedelta(hours=1))
    SlotFactory(service=biometrics, start=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(BookingError) as exc:
        book_slot(case=checked_case)
    assert exc.value.code == "no_slots"


def test_rebooking_releases_the_old_slot(biometrics, checked_case):
    first, second = SlotFactory(service=biometrics), SlotFactory(service=biometrics)
    old = book_slot(case=checked_case, slot=first).booking
    new = book_slot(case=checked_case, slot=second).booking
    old.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED
    assert new.status == BookingStatus.BOOKED
    assert first in free_slots(service=biometrics)
    assert Booking.objects.filter(case=checked_case, status=BookingStatus.BOOKED).count() == 1


def test_a_repeated_request_without_a_chosen_time_changes_nothing(biometrics, checked_case):
    SlotFactory(service=biometrics)
    SlotFactory(service=biometrics)
    first = book_slot(case=checked_case).booking
    with pytest.raises(BookingError) as exc:
        book_slot(case=checked_case)
    assert exc.value.code == "already_booked"
    assert Booking.objects.get(case=checked_case) == first


def test_rebooking_onto_a_taken_slot_keeps_the_old_booking(biometrics, checked_case):
    mine, theirs = SlotFactory(service=biometrics), SlotFactory(service=biometrics)
    book_slot(case=WorkflowCaseFactory(checked=True), slot=theirs)
    old = book_slot(case=checked_case, slot=mine).booking
    with pytest.raises(BookingError):
        book_slot(case=checked_case, slot=theirs)
    old.refresh_from_db()
    assert old.status == BookingStatus.BOOKED


def test_confirmation_mail_carries_the_cancel_link(
    biometrics, checked_case, django_capture_on_commit_callbacks
):
    SlotFactory(service=biometrics)
    with django_capture_on_commit_callbacks(execute=True):
        result = book_slot(case=checked_case, email="anna@example.org")
    assert len(mail.outbox) == 1
    assert result.cancel_key in mail.outbox[0].body
    assert mail.outbox[0].to == ["anna@example.org"]


# --- cancelling -----------------------------------------------------------------------------


def test_cancel_with_the_right_key_frees_the_slot(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    result = book_slot(case=checked_case, slot=slot)
    assert cancel_booking(reference=result.booking.reference, key=result.cancel_key)
    result.booking.refresh_from_db()
    assert result.booking.status == BookingStatus.CANCELLED
    assert slot in free_slots(service=biometrics)


@pytest.mark.parametrize("key", ["", "wrong", "x" * 32])
def test_cancel_with_a_wrong_key_does_nothing(biometrics, checked_case, key):
    result = book_slot(case=checked_case, slot=SlotFactory(service=biometrics))
    assert not cancel_booking(reference=result.booking.reference, key=key)
    result.booking.refresh_from_db()
    assert result.booking.status == BookingStatus.BOOKED


def test_cancel_of_an_unknown_reference_does_nothing(biometrics):
    import uuid

    assert not cancel_booking(reference=uuid.uuid4(), key="anything")


# --- waiting list ---------------------------------------------------------------------------


def _waiting(service, expires_on, email):
    case = WorkflowCaseFactory(checked=True, title_expires_on=expires_on)
    join_waiting_list(case=case, email=email)
    return case


def test_a_cancelled_slot_goes_to_the_waiting_case_whose_title_runs_out_first(
    biometrics, checked_case, django_capture_on_commit_callbacks
):
    slot = SlotFactory(service=biometrics)
    result = book_slot(case=checked_case, slot=slot)
    today = timezone.localdate()
    no_expiry = _waiting(biometrics, None, "none@example.org")
    later = _waiting(biometrics, today + dt.timedelta(days=90), "later@example.org")
    sooner = _waiting(biometrics, today + dt.timedelta(days=10), "sooner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_booking(reference=result.booking.reference, key=result.cancel_key)
    assigned = Booking.objects.get(slot=slot, status=BookingStatus.BOOKED)
    assert assigned.case == sooner
    assert assigned.from_waiting_list
    assert sooner.appointment_waiting.get().status == WaitingStatus.ASSIGNED
    assert [m.to for m in mail.outbox] == [["sooner@example.org"]]
    # The next freed slot goes to the later expiry, the case without a date comes last.
    second = SlotFactory(service=biometrics)
    again = book_slot(case=WorkflowCaseFactory(checked=True), slot=second)
    cancel_booking(reference=again.booking.reference, key=again.cancel_key)
    assert Booking.objects.get(slot=second, status=BookingStatus.BOOKED).case == later
    assert no_expiry.appointment_waiting.get().status == WaitingStatus.WAITING


def test_a_waiting_case_that_is_no_longer_ready_is_skipped(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    result = book_slot(case=checked_case, slot=slot)
    stale = _waiting(biometrics, timezone.localdate(), "stale@example.org")
    advance(stale, "take_biometrics")
    ready = _waiting(biometrics, None, "ready@example.org")
    cancel_booking(reference=result.booking.reference, key=result.cancel_key)
    assert Booking.objects.get(slot=slot, status=BookingStatus.BOOKED).case == ready


def test_joining_the_waiting_list_twice_keeps_one_entry(biometrics, checked_case):
    first = join_waiting_list(case=checked_case, email="a@example.org")
    second = join_waiting_list(case=checked_case, email="a@example.org")
    assert first.pk == second.pk


def test_a_case_with_an_appointment_cannot_join_the_waiting_list(biometrics, checked_case):
    book_slot(case=checked_case, slot=SlotFactory(service=biometrics))
    with pytest.raises(BookingError):
        join_waiting_list(case=checked_case, email="a@example.org")


# --- attendance -----------------------------------------------------------------------------


def _service_point_user(case):
    return MembershipFactory(department=case.department, role=Role.SERVICE_POINT).user


def test_a_no_show_is_recorded_and_frees_nothing(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    booking = book_slot(case=checked_case, slot=slot).booking
    user = _service_point_user(checked_case)
    mark_attendance(booking=booking, user=user, attended=False, now=slot.start)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert booking.marked_by == user
    assert slot not in free_slots(service=biometrics, now=slot.start - dt.timedelta(minutes=1))


def test_attendance_cannot_be_recorded_twice(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    booking = book_slot(case=checked_case, slot=slot).booking
    user = _service_point_user(checked_case)
    mark_attendance(booking=booking, user=user, attended=True, now=slot.start)
    with pytest.raises(BookingError):
        mark_attendance(booking=booking, user=user, attended=False, now=slot.start)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED


def test_attendance_not_before_the_appointment_day(biometrics, checked_case):
    slot = SlotFactory(service=biometrics, start=timezone.now() + dt.timedelta(days=3))
    booking = book_slot(case=checked_case, slot=slot).booking
    with pytest.raises(BookingError):
        mark_attendance(booking=booking, user=_service_point_user(checked_case), attended=False)


def test_a_caseworker_of_another_department_cannot_mark_attendance(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    booking = book_slot(case=checked_case, slot=slot).booking
    outsider = MembershipFactory(role=Role.CASEWORKER).user
    with pytest.raises(PermissionDenied):
        mark_attendance(booking=booking, user=outsider, attended=True, now=slot.start)


# --- release --------------------------------------------------------------------------------


def test_release_slots_creates_the_released_week_once():
    rule = ReleaseRuleFactory(day_start=dt.time(8, 0), day_end=dt.time(9, 0))
    now = dt.datetime(2026, 3, 30, 5, 30, tzinfo=dt.UTC)  # Monday 07:30 summer time
    created = release_slots(now=now)
    assert created == 5 * 4  # five days, four 15-minute slots
    assert release_slots(now=now) == 0, "running it again creates nothing"
    slots = Slot.objects.filter(counter=rule.counter).order_by("start")
    first = timezone.localtime(slots[0].start)
    assert (first.date(), first.time()) == (dt.date(2026, 4, 13), dt.time(8, 0))
    assert slots[0].released_at == now


def _opening_hours(*periods) -> None:
    import json

    from wagtail.models import Site

    from cms.models import OfficeSettings

    OfficeSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "office_name": "Ausländerbehörde",
            "opening_hours": json.dumps(
                [
                    {"type": "slot", "value": {"weekday": day, "opens": opens, "closes": closes}}
                    for day, opens, closes in periods
                ]
            ),
        },
    )


def test_release_follows_the_opening_hours_afternoons_included():
    """Thursday afternoon is open, Wednesday closed: slots exactly in the opening hours."""
    _opening_hours(
        ("mon", "08:00", "12:00"),
        ("thu", "08:00", "12:00"),
        ("thu", "14:00", "17:30"),
    )
    rule = ReleaseRuleFactory(day_start=dt.time(8, 0), day_end=dt.time(12, 0))
    release_slots(now=dt.datetime(2026, 3, 30, 5, 30, tzinfo=dt.UTC))
    starts = [timezone.localtime(s.start) for s in Slot.objects.filter(counter=rule.counter)]
    by_day: dict[int, list[dt.time]] = {}
    for start in starts:
        by_day.setdefault(start.weekday(), []).append(start.time())
    assert sorted(by_day) == [0, 3], "no slots on days the office is closed"
    assert len(by_day[0]) == 16 and max(by_day[0]) == dt.time(11, 45)
    afternoon = [t for t in by_day[3] if t >= dt.time(12, 0)]
    assert len(afternoon) == 14 and afternoon[0] == dt.time(14, 0)
    assert max(afternoon) == dt.time(17, 15)


def test_a_rule_can_keep_its_own_times_instead_of_the_opening_hours():
    _opening_hours(("thu", "14:00", "17:30"))
    rule = ReleaseRuleFactory(
        day_start=dt.time(8, 0), day_end=dt.time(9, 0), follow_opening_hours=False
    )
    assert release_slots(now=dt.datetime(2026, 3, 30, 5, 30, tzinfo=dt.UTC)) == 5 * 4
    assert all(
        timezone.localtime(s.start).hour == 8 for s in Slot.objects.filter(counter=rule.counter)
    )


def test_upcoming_release_is_created_hidden_until_its_instant(biometrics):
    ReleaseRuleFactory(service=biometrics, day_start=dt.time(8, 0), day_end=dt.time(8, 15))
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)  # Sunday after the autumn change
    release_slots(now=now, include_upcoming=True)
    upcoming = Slot.objects.order_by("-released_at").first()
    assert upcoming.released_at == dt.datetime(2026, 10, 26, 6, 30, tzinfo=dt.UTC)
    assert upcoming not in free_slots(service=biometrics, now=now)
    assert upcoming in free_slots(service=biometrics, now=upcoming.released_at)


def test_a_race_past_the_locks_ends_in_a_clear_message_not_an_error(
    biometrics, checked_case, monkeypatch
):
    """If the lock step ever hands out a taken slot, the constraint turns it into a message."""
    from appointments import services

    slot = SlotFactory(service=biometrics)
    other = book_slot(case=WorkflowCaseFactory(checked=True), slot=slot).booking
    monkeypatch.setattr(services, "_lock_free_slot", lambda **kwargs: slot)
    with pytest.raises(BookingError) as exc:
        book_slot(case=checked_case)
    assert exc.value.code == "slot_taken"
    with translation.override("en"):
        assert "taken a moment ago" in str(exc.value.message)
    assert list(Booking.objects.filter(slot=slot).exclude(status="cancelled")) == [other]
    assert not Booking.objects.filter(case=checked_case).exists()


def test_releasing_a_closed_case_frees_its_slot_for_the_waiting_list(biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    booking = book_slot(case=checked_case, slot=slot).booking
    waiting = _waiting(biometrics, None, "next@example.org")
    assert release_case_bookings(case=checked_case) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Booking.objects.get(slot=slot, status=BookingStatus.BOOKED).case == waiting


def test_a_second_active_booking_of_a_case_is_reported_as_already_booked():
    """The message after a constraint violation names the rule that was broken."""
    from django.db import IntegrityError, transaction

    from appointments.services import _violated_constraint

    case = WorkflowCaseFactory(checked=True)
    first = Booking.objects.create(case=case, slot=SlotFactory(), cancel_key_hash="x" * 64)
    errors = []
    for kwargs in (
        {"case": case, "slot": SlotFactory()},
        {"case": WorkflowCaseFactory(), "slot": first.slot},
    ):
        try:
            with transaction.atomic():
                Booking.objects.create(cancel_key_hash="y" * 64, **kwargs)
        except IntegrityError as exc:
            errors.append(_violated_constraint(exc))
    assert errors[0] == "unique_active_booking_per_case"
    assert errors[1] != "unique_active_booking_per_case"
