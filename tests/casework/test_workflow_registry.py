"""The workflow chain per case type: a case type names its workflow, cases follow it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from casework.checks import case_type_workflows
from casework.constants import HandOverRecord
from casework.models import CaseType
from casework.workflow import CASE_WORKFLOW, CASE_WORKFLOWS, DEFAULT_WORKFLOW, hand_over_record

from .factories import CaseTypeFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_eat_workflow_is_the_default_of_case_types_and_their_cases():
    case_type = CaseTypeFactory()
    assert DEFAULT_WORKFLOW == "eat" and CASE_WORKFLOWS.get("eat") is CASE_WORKFLOW
    assert case_type.workflow == "eat"
    case = WorkflowCaseFactory(case_type=case_type)
    assert case.workflow_key == "eat"
    assert case.workflow is CASE_WORKFLOW
    assert case.state_title == "Received"


def test_a_case_type_refuses_an_unknown_workflow_key():
    case_type = CaseTypeFactory.build(workflow="nonsense", department=CaseTypeFactory().department)
    with pytest.raises(ValidationError) as caught:
        case_type.full_clean()
    assert "workflow" in caught.value.message_dict
    assert "not a known workflow" in caught.value.message_dict["workflow"][0]


def test_system_check_fails_on_a_case_type_naming_an_unknown_workflow():
    assert case_type_workflows() == []
    case_type = CaseTypeFactory(code="typo")
    CaseType.objects.filter(pk=case_type.pk).update(workflow="eta")  # e.g. a bad import
    errors = case_type_workflows()
    assert [e.id for e in errors] == ["casework.E001"]
    assert "'typo'" in errors[0].msg and "'eta'" in errors[0].msg
    assert "eat" in errors[0].hint


def test_system_check_is_registered_and_run_by_manage_py_check():
    from django.core import checks
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    assert case_type_workflows in checks.registry.registry.get_checks()
    case_type = CaseTypeFactory(code="typo")
    CaseType.objects.filter(pk=case_type.pk).update(workflow="eta")
    with pytest.raises(SystemCheckError, match="casework.E001"):
        call_command("check")


def test_a_running_case_keeps_its_workflow_when_the_type_changes():
    case_type = CaseTypeFactory()
    case = WorkflowCaseFactory(case_type=case_type)
    assert case.workflow_key == "eat"
    case_type.workflow = "eat"  # the only one in this slice; the key was copied, not linked
    case_type.save()
    case.refresh_from_db()
    assert case.workflow_key == "eat"


def test_one_diagram_page_per_workflow(client):
    from .factories import MembershipFactory

    worker = MembershipFactory().user
    client.force_login(worker)
    for key, workflow in CASE_WORKFLOWS.items():
        response = client.get(reverse("casework:workflow_of", args=[key]))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'data-workflow="{key}"' in html
        assert str(workflow.title) in html
        # What the hand-over writes to the register, from the declaration (the admin speaks
        # German to this user).
        with translation.override("de"):
            effect = str(HandOverRecord(hand_over_record(workflow)).label)
        assert f"Im Register: Die Aushändigung {effect}." in html
        for state in workflow.states:
            assert f'data-state="{state}"' in html
        svg = client.get(reverse("casework:workflow_of", args=[key]), {"format": "svg"})
        assert svg["Content-Type"] == "image/svg+xml"
    # Without a key: the default workflow's page.
    default = client.get(reverse("casework:workflow")).content.decode()
    assert f'data-workflow="{DEFAULT_WORKFLOW}"' in default
    assert client.get(reverse("casework:workflow_of", args=["nope"])).status_code == 404
