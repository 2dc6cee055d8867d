"""Concurrent writes on PostgreSQL, with real threads and one real connection each."""

import threading

import pytest
from django.db import connection, connections

from casework import services
from casework.constants import CaseState, Role
from casework.exceptions import ConcurrentChange, TransitionNotAllowed
from casework.models import Case, CaseHistory

from .factories import CaseTypeFactory, MembershipFactory, PersonFactory
from .test_workflow import FULL_DATA, ready_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and concurrent connections)")


def in_threads(count, prepare, act):
    """Run ``prepare(i)`` in each thread, wait until all are ready, then ``act(i, prepared)``
    at the same moment. Returns ``(outcome, value)`` per thread."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def work(i):
        try:
            prepared = prepare(i)
            barrier.wait(timeout=30)
            results[i] = ("ok", act(i, prepared))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results), "a thread did not finish"
    return results


def test_same_transition_from_many_threads_exactly_one_wins():
    case = ready_case(CaseState.BIOMETRICS)
    worker = MembershipFactory(department=case.department, role=Role.CASEWORKER).user

    results = in_threads(
        THREADS,
        prepare=lambda i: Case.objects.get(pk=case.pk),  # every thread reads "biometrics"
        act=lambda i, mine: services.fire_transition(
            case=mine, user=worker, transition="order_card"
        ),
    )
    winners = [value for outcome, value in results if outcome == "ok"]
    losers = [value for outcome, value in results if outcome == "error"]
    assert len(winners) == 1
    assert all(isinstance(exc, ConcurrentChange | TransitionNotAllowed) for exc in losers), losers
    assert Case.objects.get(pk=case.pk).state == CaseState.PRODUCED
    assert CaseHistory.objects.filter(case=case).count() == 1
    assert case.card_orders.count() == 1  # nothing half-written by the losers


def test_different_transitions_at_once_leave_one_consistent_outcome():
    case = ready_case(CaseState.RECEIVED)
    worker = MembershipFactory(department=case.department, role=Role.CASEWORKER).user
    names = ["check", "intend_refusal", "withdraw", "forward"] * 2

    results = in_threads(
        len(names),
        prepare=lambda i: Case.objects.get(pk=case.pk),
        act=lambda i, mine: services.fire_transition(
            case=mine, user=worker, transition=names[i], data=FULL_DATA.get(names[i], {})
        ),
    )
    won = [names[i] for i, (outcome, _value) in enumerate(results) if outcome == "ok"]
    assert len(won) == 1
    stored = Case.objects.get(pk=case.pk)
    (row,) = CaseHistory.objects.filter(case=case)
    assert row.transition == won[0] and row.to_state == stored.state
    assert stored.hearings.exists() is (won[0] == "intend_refusal")
    assert (stored.forwarded_to != "") is (won[0] == "forward")


def test_file_numbers_allocated_concurrently_are_unique_and_gap_free():
    case_type = CaseTypeFactory()
    people = [PersonFactory() for _ in range(THREADS)]

    results = in_threads(
        THREADS,
        prepare=lambda i: people[i],
        act=lambda i, person: (
            services.create_case(person=person, case_type=case_type, channel="online").file_number
        ),
    )
    assert all(outcome == "ok" for outcome, _value in results), results
    numbers = sorted(value for _outcome, value in results)
    suffixes = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert suffixes == list(range(1, THREADS + 1))
