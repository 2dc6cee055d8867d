"""The booking transaction's plain statements say what the ORM's selectors say."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from appointments import claim
from appointments.constants import BookingStatus, WaitingStatus
from appointments.models import Booking, WaitingListEntry
from appointments.selectors import free_slots
from tests.casework.factories import WorkflowCaseFactory

from .factories import CounterFactory, ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _book(slot, status=BookingStatus.BOOKED):
    return Booking.objects.create(
        case=WorkflowCaseFactory(checked=True), slot=slot, status=status, cancel_key_hash="x"
    )


@pytest.fixture
def office(biometrics):
    """Slots of every kind: free ones at one time at two counters (named against their
    order of creation), taken, no-show, freed by a cancellation, past, not yet released, at a
    closed counter, of another service."""
    now = timezone.now().replace(microsecond=0)
    later = now + dt.timedelta(days=1)
    zeta, alpha = CounterFactory(name="Zeta"), CounterFactory(name="Alpha")
    closed = CounterFactory(name="Closed", active=False)
    hand_over = ServiceFactory(kind="hand_over")

    def slot(start, counter=alpha, service=biometrics, **kwargs):
        return SlotFactory(
            service=service,
            counter=counter,
            start=start,
            end=start + dt.timedelta(minutes=15),
            **kwargs,
        )

    slot(now - dt.timedelta(minutes=30), released_at=now - dt.timedelta(days=1))
    slot(later - dt.timedelta(hours=3), released_at=now + dt.timedelta(hours=1))
    slot(later - dt.timedelta(hours=2), counter=closed)
    slot(later - dt.timedelta(hours=2), service=hand_over)
    _book(slot(later - dt.timedelta(hours=1)))
    _book(slot(later - dt.timedelta(minutes=45)), status=BookingStatus.NO_SHOW)
    _book(slot(later - dt.timedelta(minutes=30)), status=BookingStatus.CANCELLED)
    slot(later, counter=zeta)
    slot(later, counter=alpha)
    slot(later + dt.timedelta(hours=1), counter=zeta)
    return now, later


def test_the_slot_locked_is_the_first_free_slot_until_none_is_left(biometrics, office):
    now, _later = office
    expected = list(free_slots(service=biometrics, now=now))
    assert len(expected) == 4
    chosen = []
    while (slot := claim.lock_free_slot(service=biometrics, now=now)) is not None:
        assert slot == free_slots(service=biometrics, now=now).first()
        assert (slot.start, slot.end, slot.counter.name) == (
            expected[len(chosen)].start,
            expected[len(chosen)].end,
            expected[len(chosen)].counter.name,
        )
        chosen.append(slot)
        _book(slot)
    assert chosen == expected


def test_a_given_slot_or_time_and_skipped_slots(biometrics, office):
    now, later = office
    free = list(free_slots(service=biometrics, now=now))
    assert claim.lock_free_slot(service=biometrics, now=now, start=later).counter.name == "Alpha"
    assert claim.lock_free_slot(service=biometrics, now=now, slot=free[2]) == free[2]
    assert claim.lock_free_slot(service=biometrics, now=now, skipped=[free[0].pk]) == free[1]
    taken = Booking.objects.filter(status=BookingStatus.BOOKED).first().slot
    assert claim.lock_free_slot(service=biometrics, now=now, slot=taken) is None
    assert (
        claim.lock_free_slot(service=biometrics, now=now, start=later + dt.timedelta(minutes=1))
        is None
    )


def test_the_insert_leaves_a_slot_with_a_live_booking_alone(biometrics, office):
    now, _later = office
    slot = free_slots(service=biometrics, now=now).first()
    assert Booking.objects.filter(slot=slot, status=BookingStatus.CANCELLED).exists()
    case = WorkflowCaseFactory(checked=True)
    booking = claim.insert_booking(case=case, slot=slot, key_hash="k" * 64, email="", now=now)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.reference, stored.case, stored.slot, stored.status, stored.created_at) == (
        booking.reference,
        case,
        slot,
        BookingStatus.BOOKED,
        now,
    )
    with transaction.atomic():
        assert (
            claim.insert_booking(
                case=WorkflowCaseFactory(checked=True), slot=slot, key_hash="k", email="", now=now
            )
            is None
        )
    assert Booking.objects.filter(slot=slot).exclude(status=BookingStatus.CANCELLED).count() == 1


def test_the_case_lock_reads_state_booking_and_waiting_place(biometrics, office):
    now, _later = office
    case = WorkflowCaseFactory(checked=True)
    locked, booking_id, waiting = claim.lock_case(case.pk)
    assert (locked.pk, locked.state, booking_id, waiting) == (case.pk, case.state, None, False)
    WaitingListEntry.objects.create(
        case=case, service=biometrics, email="w@example.org", status=WaitingStatus.WAITING
    )
    booking = _book(free_slots(service=biometrics, now=now).first())
    Booking.objects.filter(pk=booking.pk).update(case=case)
    assert claim.lock_case(case.pk)[1:] == (booking.pk, True)
    assert claim.lock_case(-1) is None
