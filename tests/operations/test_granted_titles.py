"""Titles granted through the workflow carry their validity date, so that the reminders and
the § 24 ordinances find them: on a case moved through the services and on the demo data."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.utils import timezone

from casework import demo as casework_demo
from casework import services
from casework.constants import FINAL_STATES, CaseState, Role
from casework.models import Case
from operations import demo as operations_demo
from operations import services as operations
from operations.models import ContinuationOrdinance, Reminder
from tests.casework.factories import CHECKED_OR_LATER, CaseTypeFactory, MembershipFactory
from tests.casework.test_workflow import ready_case, worker_for

pytestmark = pytest.mark.django_db


def test_a_title_granted_through_the_workflow_is_reminded_and_continued():
    """The finding itself: checked with a date, handed over, the title is found by the
    expiry reminders and by a § 24 ordinance."""
    temporary = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", max_validity_years=2)
    case = ready_case(case_type=temporary)
    worker = worker_for(case)
    counter = MembershipFactory(role=Role.SERVICE_POINT).user
    until = timezone.localdate() + dt.timedelta(days=60)
    services.fire_transition(
        case=case, user=worker, transition="check", data={"granted_until": until}
    )
    services.fire_transition(case=case, user=counter, transition="take_biometrics")
    # Four eyes on the grant: the supervisor approves the notice, the caseworker issues it.
    grant = case.notices.get(kind="grant")
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    services.approve_notice(notice=grant, user=supervisor)
    services.issue_notice(notice=grant, user=worker)
    services.fire_transition(case=case, user=worker, transition="order_card")
    services.record_card_delivered(case=case, user=counter)
    services.fire_transition(
        case=case, user=counter, transition="hand_over", data={"collected_by": "Holder"}
    )
    assert operations.create_expiry_reminders()["created"] >= 1
    assert Reminder.objects.filter(case=case, expires_on=until).exists()
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    ordinance = operations.create_ordinance(
        user=supervisor,
        case_type=temporary,
        cut_off_on=until - dt.timedelta(days=30),
        valid_until=until + dt.timedelta(days=365),
        reference="Fortgeltungsverordnung",
    )
    assert list(operations.continuation_candidates(ordinance, supervisor)) == [case]


def test_a_24_ordinance_previews_the_demos_titles(monkeypatch):
    monkeypatch.setattr(casework_demo, "PERSONS", 60)
    out = io.StringIO()
    casework_demo.load(stdout=out, style=no_style())
    operations_demo.load(stdout=out, style=no_style())
    granted = Case.objects.filter(state__in=CHECKED_OR_LATER, case_type__limited_validity=True)
    assert granted.exists()
    assert not granted.filter(granted_until__isnull=True).exists()
    cut_off_on, valid_until, _reference = operations_demo.next_ordinance(timezone.localdate())
    ordinance = ContinuationOrdinance.objects.get(cut_off_on=cut_off_on, valid_until=valid_until)
    admin = get_user_model().objects.get(username="amtsleitung")
    candidates = operations.continuation_candidates(ordinance, admin)
    holding = granted.filter(case_type__code="24").exclude(
        state__in=FINAL_STATES - {CaseState.HANDED_OVER}
    )
    assert candidates.count() == holding.count() > 0
