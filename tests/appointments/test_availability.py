"""Sold-out markers: "none free" without a lock, and never once a slot may be free again."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import availability
from appointments.constants import BookingStatus
from appointments.services import (
    BookingError,
    book_slot,
    cancel_booking,
    release_case_bookings,
    release_slots,
)
from casework.constants import CaseState
from tests.casework.factories import CaseFactory, WorkflowCaseFactory

from .conftest import delivered_case
from .factories import CounterFactory, ReleaseRuleFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _ready_case():
    # low-level: the sold-out markers race the clock; checked through the services is too slow
    return CaseFactory(state=CaseState.CHECKED)


def _code(**kwargs) -> str:
    with pytest.raises(BookingError) as exc:
        book_slot(**kwargs)
    return exc.value.code


@pytest.fixture
def sold_out(biometrics):
    """The only slot is booked and a second applicant has been told so."""
    slot = SlotFactory(service=biometrics)
    first = book_slot(case=_ready_case())
    assert _code(case=_ready_case()) == "no_slots"
    assert availability.is_sold_out(biometrics, timezone.now())
    return slot, first


def test_after_the_last_slot_went_the_answer_needs_no_lock_and_no_transaction(sold_out):
    case = _ready_case()
    with CaptureQueriesContext(connection) as queries:
        assert _code(case=case) == "no_slots"
    statements = [q["sql"] for q in queries.captured_queries]
    assert not any("FOR UPDATE" in sql for sql in statements), statements
    assert not any(sql.startswith(("BEGIN", "SAVEPOINT")) for sql in statements), statements
    assert len(statements) <= 1, statements  # the case's own booking; services are kept


def test_a_deactivated_service_is_not_offered_at_once(biometrics):
    SlotFactory(service=biometrics)
    case = _ready_case()
    assert [s.kind for s in availability.active_services()] == [biometrics.kind]
    biometrics.active = False
    biometrics.save()
    assert _code(case=case) == "not_ready"
    biometrics.active = True
    biometrics.save()
    assert book_slot(case=case).booking.slot.service == biometrics


def test_a_chosen_slot_of_a_sold_out_service_is_taken(sold_out):
    slot, _first = sold_out
    assert _code(case=_ready_case(), slot=slot) == "slot_taken"


def test_a_chosen_time_of_a_sold_out_service_is_taken(sold_out):
    slot, _first = sold_out
    assert _code(case=_ready_case(), start=slot.start) == "slot_taken"


def test_a_case_that_holds_the_booking_hears_so_while_sold_out(sold_out):
    slot, first = sold_out
    case = first.booking.case
    assert _code(case=case) == "already_booked"
    assert _code(case=case, slot=slot) == "already_booked"
    assert _code(case=case, start=slot.start) == "already_booked"


def test_a_case_that_is_not_ready_hears_that_first(sold_out):
    assert _code(case=WorkflowCaseFactory()) == "not_ready"


def test_a_cancelled_booking_frees_the_slot_for_the_next_request(sold_out):
    slot, first = sold_out
    assert cancel_booking(reference=first.booking.reference, key=first.cancel_key)
    result = book_slot(case=_ready_case())
    assert result.booking.slot == slot


def test_a_case_whose_bookings_are_released_frees_the_slot(sold_out):
    slot, first = sold_out
    release_case_bookings(case=first.booking.case)
    assert book_slot(case=_ready_case()).booking.slot == slot


def test_a_new_slot_is_bookable_at_once(biometrics, sold_out):
    added = SlotFactory(service=biometrics)
    assert book_slot(case=_ready_case()).booking.slot == added


def test_released_slots_are_bookable_at_once(biometrics, sold_out):
    ReleaseRuleFactory(service=biometrics, weeks_ahead=1)
    assert release_slots() > 0
    assert book_slot(case=_ready_case()).booking.status == BookingStatus.BOOKED


def test_a_reopened_counter_is_bookable_at_once(biometrics):
    counter = CounterFactory(active=False)
    slot = SlotFactory(service=biometrics, counter=counter)
    assert _code(case=_ready_case()) == "no_slots"
    counter.active = True
    counter.save()
    assert book_slot(case=_ready_case()).booking.slot == slot


def test_the_marker_ends_at_the_next_release_instant(biometrics):
    now = timezone.now()
    release = now + dt.timedelta(seconds=availability.MARKER_SECONDS // 2)
    hidden = SlotFactory(service=biometrics, released_at=release)
    assert _code(case=_ready_case(), now=now) == "no_slots"
    assert availability.is_sold_out(biometrics, release - dt.timedelta(seconds=1))
    assert not availability.is_sold_out(biometrics, release)
    assert book_slot(case=_ready_case(), now=release).booking.slot == hidden


def test_the_marker_is_trusted_only_for_a_while(biometrics, sold_out):
    now = timezone.now()
    assert availability.is_sold_out(biometrics, now)
    later = now + dt.timedelta(seconds=availability.MARKER_SECONDS + 1)
    assert not availability.is_sold_out(biometrics, later)


def test_a_change_during_the_sold_out_read_voids_the_marker(biometrics, sold_out, monkeypatch):
    """A cancellation that commits between the version read and the database read."""
    slot, first = sold_out
    real_free_slots = availability.free_slots

    def free_slots_while_a_booking_is_cancelled(**kwargs):
        result = real_free_slots(**kwargs)
        availability.changed()
        return result

    monkeypatch.setattr(availability, "free_slots", free_slots_while_a_booking_is_cancelled)
    availability.changed()
    assert availability.note_sold_out(biometrics, timezone.now())
    assert not availability.is_sold_out(biometrics, timezone.now())


def test_each_service_has_its_own_marker(biometrics, hand_over, sold_out):
    SlotFactory(service=hand_over)
    availability.changed()
    assert _code(case=_ready_case()) == "no_slots"
    assert availability.is_sold_out(biometrics, timezone.now())
    assert not availability.is_sold_out(hand_over, timezone.now())


def test_once_every_service_is_sold_out_one_marker_says_so(biometrics, hand_over):
    SlotFactory(service=biometrics)
    SlotFactory(service=hand_over)
    book_slot(case=_ready_case())
    assert _code(case=_ready_case()) == "no_slots"
    assert availability.is_sold_out(biometrics, timezone.now())
    assert not availability.all_sold_out(timezone.now())  # hand-over has a free slot
    book_slot(case=delivered_case())
    assert _code(case=delivered_case()) == "no_slots"
    assert availability.all_sold_out(timezone.now())


def test_a_service_without_slots_counts_as_sold_out_for_all(biometrics, hand_over):
    """The other services are looked at in the database when they have no marker yet."""
    assert _code(case=_ready_case()) == "no_slots"
    assert availability.all_sold_out(timezone.now())
    assert availability.is_sold_out(hand_over, timezone.now())


def test_the_marker_for_all_ends_with_any_change(biometrics, sold_out):
    slot, first = sold_out
    assert availability.all_sold_out(timezone.now())
    assert cancel_booking(reference=first.booking.reference, key=first.cancel_key)
    assert not availability.all_sold_out(timezone.now())


def test_the_marker_for_all_ends_at_the_earliest_next_release(biometrics, hand_over):
    now = timezone.now()
    release = now + dt.timedelta(seconds=availability.MARKER_SECONDS // 2)
    SlotFactory(service=hand_over, released_at=release)
    assert _code(case=_ready_case(), now=now) == "no_slots"
    assert availability.all_sold_out(release - dt.timedelta(seconds=1))
    assert not availability.all_sold_out(release)
    assert availability.is_sold_out(biometrics, release)
