"""Real threads racing for slots on PostgreSQL: the database lets exactly one win."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from appointments import availability
from appointments.constants import BookingStatus
from appointments.models import Booking, Slot
from appointments.services import BookingError, book_slot
from tests.casework.factories import WorkflowCaseFactory

from .factories import SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")


def _race(work, arguments):
    barrier = threading.Barrier(len(arguments))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait()
            work(argument)
            outcome = "booked"
        except BookingError as exc:
            outcome = exc.code
        except Exception as exc:  # noqa: BLE001 - any other error fails the test below
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_many_cases_racing_for_the_last_slot_exactly_one_wins(biometrics):
    slot = SlotFactory(service=biometrics)
    cases = [WorkflowCaseFactory(checked=True) for _ in range(THREADS)]
    outcomes = _race(lambda case: book_slot(case=case), cases)
    assert outcomes.count("booked") == 1, outcomes
    assert set(outcomes) <= {"booked", "no_slots", "slot_taken"}, outcomes
    assert Booking.objects.filter(slot=slot).exclude(status=BookingStatus.CANCELLED).count() == 1


def test_many_cases_racing_for_one_chosen_slot_exactly_one_wins(biometrics):
    slot = SlotFactory(service=biometrics)
    SlotFactory(service=biometrics)
    cases = [WorkflowCaseFactory(checked=True) for _ in range(THREADS)]
    outcomes = _race(lambda case: book_slot(case=case, slot=slot), cases)
    assert outcomes.count("booked") == 1, outcomes
    assert set(outcomes) <= {"booked", "slot_taken"}, outcomes


def test_duplicate_requests_of_one_case_leave_one_active_booking(biometrics):
    slots = [SlotFactory(service=biometrics) for _ in range(THREADS)]
    case = WorkflowCaseFactory(checked=True)
    outcomes = _race(lambda _slot: book_slot(case=case), slots)
    assert sorted(set(outcomes)) == ["already_booked", "booked"], outcomes
    assert outcomes.count("booked") == 1, outcomes
    assert Booking.objects.filter(case=case, status=BookingStatus.BOOKED).count() == 1
    live = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    assert live.count() == 1


def test_a_booking_in_flight_does_not_make_the_service_sold_out(biometrics):
    """The last slot is locked by a booking that then fails: the next applicant gets it."""
    slot = SlotFactory(service=biometrics)
    # Received and checked before the race: the file-number counter is not part of it.
    failing, refused, next_one = (WorkflowCaseFactory(checked=True) for _ in range(3))
    in_flight, give_up = threading.Event(), threading.Event()

    class GaveUp(Exception):
        pass

    def failing_booking():
        try:
            with transaction.atomic():
                Slot.objects.select_for_update().get(pk=slot.pk)
                Booking.objects.create(case=failing, slot=slot, cancel_key_hash="x")
                in_flight.set()
                give_up.wait(timeout=30)
                raise GaveUp
        except GaveUp:
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=failing_booking)
    thread.start()
    try:
        assert in_flight.wait(timeout=30)
        with pytest.raises(BookingError) as exc:
            book_slot(case=refused)
        assert exc.value.code == "no_slots"
        assert not availability.is_sold_out(biometrics, timezone.now())
    finally:
        give_up.set()
        thread.join(timeout=30)
    assert book_slot(case=next_one).booking.slot == slot
