"""Models: what a history row says about its step and its actor."""

import pytest
from django.utils import translation

from casework.constants import CaseState, Channel, HistoryEvent
from casework.models import CaseHistory

from .factories import UserFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db


def _row(**fields) -> CaseHistory:
    # low-level: how the model shows any row, also ones no service writes (an unknown step)
    return CaseHistory.objects.create(
        case=WorkflowCaseFactory(),
        from_state=CaseState.RECEIVED,
        to_state=CaseState.RECEIVED,
        **fields,
    )


def test_the_actor_is_the_staff_member_else_the_channel_else_the_system():
    worker = UserFactory(username="kruger", first_name="Sabine", last_name="Krüger")
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    with translation.override("en"):
        assert _row(transition="check", by=worker).actor == "Sabine Krüger"
        assert _row(transition="check", by=nameless).actor == "nameless"
        assert _row(transition="create", via=Channel.ONLINE).actor == "Online application"
        assert _row(transition="continuation").actor == "System"


def test_rows_that_are_no_transition_have_a_title_of_their_own():
    with translation.override("en"):
        assert _row(transition="check").step_title == "Mark as checked"
        assert _row(transition=HistoryEvent.CREATED).step_title == "Application received"
        assert _row(transition=HistoryEvent.REASSIGNED).step_title == "Reassigned"
        assert _row(transition=HistoryEvent.CONTINUED).step_title == "Title continued by ordinance"
        assert _row(transition="something-new").step_title == "something-new"
