"""The database itself refuses double bookings, even when application code is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from appointments.constants import BookingStatus
from appointments.models import Booking, Slot
from tests.casework.factories import WorkflowCaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


def _booking(**kwargs):
    return Booking.objects.create(cancel_key_hash="x" * 64, **kwargs)


def test_two_live_bookings_of_one_slot_are_rejected_by_the_database():
    slot = SlotFactory()
    _booking(case=WorkflowCaseFactory(checked=True), slot=slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        _booking(case=WorkflowCaseFactory(checked=True), slot=slot)


def test_a_cancelled_booking_does_not_block_its_slot():
    slot = SlotFactory()
    _booking(case=WorkflowCaseFactory(), slot=slot, status=BookingStatus.CANCELLED)
    _booking(case=WorkflowCaseFactory(), slot=slot)
    assert slot.bookings.count() == 2


def test_a_no_show_keeps_its_slot_occupied():
    slot = SlotFactory()
    _booking(case=WorkflowCaseFactory(), slot=slot, status=BookingStatus.NO_SHOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        _booking(case=WorkflowCaseFactory(), slot=slot)


def test_a_case_cannot_hold_two_active_bookings():
    case = WorkflowCaseFactory(checked=True)
    _booking(case=case, slot=SlotFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        _booking(case=case, slot=SlotFactory())


def test_a_case_may_have_past_bookings_beside_its_active_one():
    case = WorkflowCaseFactory()
    _booking(case=case, slot=SlotFactory(), status=BookingStatus.ATTENDED)
    _booking(case=case, slot=SlotFactory(), status=BookingStatus.CANCELLED)
    _booking(case=case, slot=SlotFactory())
    assert case.appointment_bookings.count() == 3


def test_one_slot_per_counter_and_start():
    slot = SlotFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(
            counter=slot.counter, service=slot.service, start=slot.start, end=slot.end
        )
