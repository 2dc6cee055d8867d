"""The readers of the register with a Fiktionsbescheinigung in it: the holder is not reminded
that a title expires (the certificate has its own reminder while the case is undecided), and
an ordinance does not take the certificate for the title it continues."""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.constants import Role
from casework.models import Case
from operations import services
from operations.constants import ReminderKind
from operations.models import Reminder
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
    advance,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def case_type():
    return CaseTypeFactory(department=DepartmentFactory(code="aufenthalt"))


def with_certificate(case_type, *, days: int):
    """An extension filed in time whose old title ran out yesterday, with a certificate valid
    ``days`` days."""
    case = WorkflowCaseFactory(
        case_type=case_type,
        person=PersonFactory(passport_valid_until=None),
        is_extension=True,
        current_title="Aufenthaltserlaubnis § 24 AufenthG",
        title_expires_on=TODAY() - dt.timedelta(days=1),
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    user = case.department.memberships.filter(role=Role.CASEWORKER).first().user
    casework_services.issue_fiktion_certificate(
        case=case, user=user, valid_until=TODAY() + dt.timedelta(days=days)
    )
    return Case.objects.get(pk=case.pk)


def test_a_certificate_running_out_gets_its_own_reminder_not_a_titles(case_type):
    case = with_certificate(case_type, days=10)
    assert Reminder.objects.filter(person=case.person).count() == 0
    assert services.create_expiry_reminders(today=TODAY())["created"] == 1
    assert Reminder.objects.get().kind == ReminderKind.FIKTION


def test_no_reminder_for_the_certificate_of_a_forwarded_case(case_type):
    """Forwarded: the other office decides and reminds; the record stays valid here."""
    case = with_certificate(case_type, days=60)
    advance(case, "forward")
    assert services.create_expiry_reminders(today=TODAY())["created"] == 0


def test_an_ordinance_does_not_continue_a_case_by_its_certificate(case_type):
    """The old title ran out before the cut-off day: the case is no candidate, even though
    its Fiktionsbescheinigung is in force on that day."""
    case = with_certificate(case_type, days=60)
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    ordinance = services.create_ordinance(
        user=supervisor,
        case_type=case_type,
        cut_off_on=TODAY(),
        valid_until=TODAY() + dt.timedelta(days=400),
        reference="Verordnung",
    )
    assert list(services.continuation_candidates(ordinance, supervisor)) == []
