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
    assert [s for s in steps if s not in ("create",)] == list(STATE_PATHS[state])
    assert all(d.count == 0 for d in verify_case_index().values())


def test_received_is_the_default():
    assert WorkflowCaseFactory().state == CaseState.RECEIVED
