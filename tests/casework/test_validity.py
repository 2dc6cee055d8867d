"""The validity date of a new title: required where the title is granted for a limited time
(when checking, and before the card is ordered if it is still missing), so that every title
granted through the workflow can be reminded and continued."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casework import services
from casework.constants import CaseCategory, CaseState, Role
from casework.forms import TransitionForm
from casework.models import Case, CaseType
from casework.workflow import CASE_WORKFLOW

from .backoffice import case_with_documents, member
from .factories import CaseTypeFactory, DepartmentFactory, valid_until
from .test_workflow import ready_case, worker_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _form(case, transition):
    t = CASE_WORKFLOW.transition(transition)
    return TransitionForm(inputs=t.inputs, obj=case, prefix=f"t-{transition}")


def test_checking_a_limited_title_requires_the_validity_date():
    case = ready_case()
    worker = worker_for(case)
    with pytest.raises(ValidationError) as exc:
        services.fire_transition(case=case, user=worker, transition="check")
    assert exc.value.message_dict == {"granted_until": ["This field is required."]}
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED
    until = valid_until(400)
    services.fire_transition(
        case=case, user=worker, transition="check", data={"granted_until": until}
    )
    assert Case.objects.get(pk=case.pk).granted_until == until
    assert _form(ready_case(), "check").fields["granted_until"].required


def test_a_permanent_title_is_checked_without_a_date_and_is_not_asked_for_one():
    permanent = CaseTypeFactory(
        code="9", category=CaseCategory.PERMANENT, limited_validity=False, max_validity_years=10
    )
    case = ready_case(case_type=permanent)
    assert "granted_until" not in _form(case, "check").fields
    services.fire_transition(case=case, user=worker_for(case), transition="check")
    assert Case.objects.get(pk=case.pk).state == CaseState.CHECKED


def test_a_case_checked_without_a_date_is_asked_for_it_when_the_card_is_ordered():
    """Cases checked before the date was required: the card order asks for it."""
    case = ready_case(CaseState.BIOMETRICS, granted_until=None)
    worker = worker_for(case)
    assert _form(case, "order_card").fields["granted_until"].required
    with pytest.raises(ValidationError):
        services.fire_transition(case=case, user=worker, transition="order_card")
    past = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(Exception, match="valid beyond today"):
        services.fire_transition(
            case=case, user=worker, transition="order_card", data={"granted_until": past}
        )
    until = valid_until(300)
    services.fire_transition(
        case=case, user=worker, transition="order_card", data={"granted_until": until}
    )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.granted_until) == (CaseState.PRODUCED, until)
    # With the date recorded, the order asks nothing.
    assert "granted_until" not in _form(ready_case(CaseState.BIOMETRICS), "order_card").fields


def test_the_case_file_form_marks_the_date_required(client):
    department = DepartmentFactory(code="aufenthalt")
    case = case_with_documents(case_type=CaseTypeFactory(department=department), received=True)
    worker = member(department, Role.CASEWORKER)
    client.force_login(worker)
    html = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    assert 'name="t-check-granted_until"' in html
    field = html.split('name="t-check-granted_until"', 1)[0].rsplit("<input", 1)[1]
    field += html.split('name="t-check-granted_until"', 1)[1].split(">", 1)[0]
    assert "required" in field
    response = client.post(
        reverse("casework:transition", args=[case.file_number, "check"]),
        {"t-check-state": CaseState.RECEIVED},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_permanent_case_types_are_unlimited_after_the_migration_default():
    """The catalogue field: on by default, off for the permanent titles of the demo and for
    naturalisation (a certificate, not a title that runs out)."""
    assert CaseTypeFactory().limited_validity is True
    from casework import demo

    demo._ensure_catalogue()
    unlimited = set(CaseType.objects.filter(limited_validity=False).values_list("code", flat=True))
    assert unlimited == {"9", "9a", "stag10"}
