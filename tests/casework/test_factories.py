"""The workflow factory: every state reached through the services, history and index right."""

import pytest

from casework.constants import CaseState
from casework.models import CaseHistory
from search.verify import verify_case_index

from .factories import STATE_PATHS, WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", list(STATE_PATHS), ids=str)
def test_each_trait_reaches_its_state_through_the_services(
    state, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = WorkflowCaseFactory(**{str(state): True})
    case.refresh_from_db()
    assert case.state == state
    steps = list(CaseHistory.objects.filter(case=case).values_list("transition", flat=True))
    # The steps that are not transitions leave their own events in the history; the check
    # invites the applicant to the Service Point (its "letter sent" row follows the step's),
    # and the card that arrives before the hand-over is announced for collection.
    events = {
        "answer_hearing": ("hearing_answer",),
        "approve_refusal": ("notice_approved",),
        "approve_grant": ("notice_approved",),
        "issue_grant": ("notice_issued",),
        "check": ("check", "letter_sent"),
        "hand_over": ("letter_sent", "hand_over"),
    }
    expected = [row for step in STATE_PATHS[state] for row in events.get(step, (step,))]
    assert [s for s in steps if s not in ("create",)] == expected
    assert all(d.count == 0 for d in verify_case_index().values())


def test_received_is_the_default():
    assert WorkflowCaseFactory().state == CaseState.RECEIVED


def test_traits_for_the_usual_variants(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from casework.constants import CardOrderStatus, Channel

    until = timezone.localdate().replace(year=timezone.localdate().year + 2)
    with django_capture_on_commit_callbacks(execute=True):
        granted = WorkflowCaseFactory(
            handed_over=True, section_24=True, granted_until=until, online=True
        )
        refused = WorkflowCaseFactory(refused=True, refusal_reason="Kein Pass.")
        delivered = WorkflowCaseFactory(produced=True, card_delivered=True)
        with_documents = WorkflowCaseFactory(documents=[("pass", "Pass", True), ("foto", "Foto")])
    assert (granted.case_type.code, granted.granted_until) == ("24", until)
    assert granted.channel == Channel.ONLINE
    assert granted.history.get(transition="create").by is None
    assert refused.refusal_reason == "Kein Pass."
    assert delivered.card_orders.get().status == CardOrderStatus.DELIVERED
    assert dict(with_documents.documents.values_list("code", "received")) == {
        "pass": True,
        "foto": False,
    }
    assert all(d.count == 0 for d in verify_case_index().values())


def test_unknown_keywords_are_refused():
    with pytest.raises(TypeError, match="fee_paid_cents"):
        WorkflowCaseFactory(fee_paid_cents=100)
