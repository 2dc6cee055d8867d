"""The demo office's participations of other authorities: configured for the employment
titles and § 9, answered where the case was checked, none left open past its deadline."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.constants import CaseState
from casework.models import Case, ParticipationKind
from workflows import ParticipationStatus

from .test_demo import small_demo  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

DECIDED = {CaseState.CHECKED, CaseState.BIOMETRICS, CaseState.PRODUCED,
           CaseState.PRODUCTION_FAILED, CaseState.HANDED_OVER}  # fmt: skip


def test_the_demo_asks_the_agency_and_the_worker_deemed_what_was_due(small_demo, client):  # noqa: F811
    output = small_demo()
    assert "deemed given" in output
    agency = ParticipationKind.objects.get(code="ba-39")
    assert agency.deemed_consent_days == 14
    assert set(agency.case_types.values_list("code", flat=True)) == {"18a", "18b", "18g", "19c"}
    today = timezone.localdate()
    cases = Case.objects.filter(case_type__in=agency.case_types.all())
    assert cases.exists()
    for case in cases:
        participation = case.participations.get(kind=agency)
        if case.state in DECIDED:
            assert participation.status == ParticipationStatus.CONSENTED, case
        if participation.status == ParticipationStatus.REQUESTED:
            assert participation.deemed_on > today, case
        if participation.status == ParticipationStatus.DEEMED:
            assert case.history.filter(transition="participation_deemed").count() == 1
    # Office management keeps the list of authorities in the admin.
    client.force_login(get_user_model().objects.get(username="amtsleitung"))
    response = client.get(f"/admin/snippets/casework/participationkind/edit/{agency.pk}/")
    assert response.status_code == 200
