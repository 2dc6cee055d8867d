"""Appointments follow the case workflow through casework's ``case_changed`` signal."""

import datetime as dt

import pytest

from appointments.constants import BookingStatus, WaitingStatus
from appointments.models import Booking, WaitingListEntry
from appointments.services import book_slot, join_waiting_list
from casework import services as case_services
from casework.constants import Role
from tests.casework.factories import MembershipFactory, WorkflowCaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


def _caseworker_of(case):
    return MembershipFactory(department=case.department).user


def test_withdrawing_a_case_frees_its_slot_for_the_waiting_list(
    biometrics, checked_case, django_capture_on_commit_callbacks
):
    slot = SlotFactory(service=biometrics)
    booking = book_slot(case=checked_case, slot=slot).booking
    waiting = WorkflowCaseFactory(checked=True)
    join_waiting_list(case=waiting, email="next@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        case_services.fire_transition(
            case=checked_case, user=_caseworker_of(checked_case), transition="withdraw"
        )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_at is not None
    offered = Booking.objects.get(slot=slot, status=BookingStatus.BOOKED)
    assert offered.case == waiting and offered.from_waiting_list
    assert WaitingListEntry.objects.get(case=waiting).status == WaitingStatus.ASSIGNED


def test_a_refused_case_leaves_the_waiting_list(biometrics, django_capture_on_commit_callbacks):
    case = WorkflowCaseFactory(checked=True)
    join_waiting_list(case=case, email="me@example.org")

    worker = _caseworker_of(case)
    case_services.fire_transition(
        case=case,
        user=worker,
        transition="intend_refusal",
        data={"grounds": "Income not secured.", "due_on": dt.date.today() + dt.timedelta(days=21)},
    )
    case_services.record_hearing_answer(case=case, user=worker, answer="No news.", via="letter")
    case_services.fire_transition(
        case=case, user=worker, transition="draft_refusal", data={"reason": "Income not secured."}
    )
    # The hearing alone keeps the place on the list; only the decision releases it.
    assert WaitingListEntry.objects.get(case=case).status != WaitingStatus.WITHDRAWN
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    case_services.approve_notice(notice=case.notices.get(kind="refusal"), user=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.fire_transition(case=case, user=worker, transition="refuse")

    assert WaitingListEntry.objects.get(case=case).status == WaitingStatus.WITHDRAWN


def test_a_case_that_goes_on_keeps_its_appointment(
    biometrics, checked_case, django_capture_on_commit_callbacks
):
    """Only final states release: a comment or other change of an open case does not."""
    booking = book_slot(case=checked_case, slot=SlotFactory(service=biometrics)).booking

    with django_capture_on_commit_callbacks(execute=True):
        case_services.add_comment(
            case=checked_case, user=_caseworker_of(checked_case), text="Called the applicant."
        )
        case_services.case_changed.send(sender=type(checked_case), case=checked_case, change="x")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_the_release_waits_for_the_commit(
    biometrics, checked_case, django_capture_on_commit_callbacks
):
    """Nothing is released while the withdrawal could still be rolled back."""
    booking = book_slot(case=checked_case, slot=SlotFactory(service=biometrics)).booking

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_services.fire_transition(
            case=checked_case, user=_caseworker_of(checked_case), transition="withdraw"
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    for callback in callbacks:
        callback()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
