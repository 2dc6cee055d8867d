"""The case file's panel of other authorities: the deadline shown, answers recorded by the
department's deciders only, nothing for the Service Point or another department."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.constants import CaseState
from casework.models import Participation
from workflows import ParticipationStatus

from .backoffice import build_office, member
from .factories import ParticipationKindFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db

#: The case file's bound (tests/casework/test_case_file_queries.py) holds with participations.
MAX_QUERIES = 15


@pytest.fixture
def office():
    office = build_office()
    ParticipationKindFactory(case_types=[office.type_a])
    return office


def _url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.file_number, *args])


def _case(office):
    return WorkflowCaseFactory(case_type=office.type_a, documents=[("passport", "Pass", True)])


def test_the_panel_shows_the_deadline_and_the_guard_says_why_not(client, office):
    case = _case(office)
    participation = case.participations.get()
    client.force_login(office.worker_a)
    page = client.get(_url("case", case)).content.decode()
    assert 'data-panel="participations"' in page
    assert "Bundesagentur für Arbeit" in page and "Zustimmung zur Beschäftigung" in page
    deemed = participation.deemed_on.strftime("%d.%m.")
    requested = timezone.localdate(participation.requested_at).strftime("%d.%m.")
    # The guard of "check" in German, with both dates.
    assert (
        f"Bundesagentur für Arbeit: angefragt am {requested}, Zustimmung gilt am {deemed} "
        "als erteilt"
    ) in page
    assert _url("answer_participation", case, participation.pk) in page


def test_the_caseworker_records_consent_and_then_checks(client, office):
    case = _case(office)
    participation = case.participations.get()
    client.force_login(office.worker_a)
    prefix = f"p{participation.pk}"
    response = client.post(
        _url("answer_participation", case, participation.pk),
        {f"{prefix}-answer": "consent", f"{prefix}-text": "BA-Az. 4711"},
    )
    assert response.status_code == 302 and response.url.endswith("#panel-participations")
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CONSENTED
    client.post(
        _url("transition", case, "check"),
        {
            "t-check-state": CaseState.RECEIVED,
            "t-check-granted_until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED
    page = client.get(_url("case", case)).content.decode()
    assert "BA-Az. 4711" in page and _url("answer_participation", case, participation.pk) not in (
        page
    )


def test_a_refusal_without_reasons_changes_nothing_and_says_why(client, office):
    case = _case(office)
    participation = case.participations.get()
    client.force_login(office.worker_a)
    prefix = f"p{participation.pk}"
    response = client.post(
        _url("answer_participation", case, participation.pk), {f"{prefix}-answer": "refuse"}
    )
    page = client.get(response.url).content.decode()
    assert "kann nicht erfasst werden" in page
    assert Participation.objects.get(pk=participation.pk).status == ParticipationStatus.REQUESTED


def test_no_one_else_records_answers(client, office):
    case = _case(office)
    participation = case.participations.get()
    url = _url("answer_participation", case, participation.pk)
    data = {f"p{participation.pk}-answer": "consent"}
    client.force_login(member(office.dept_b))
    assert client.post(url, data).status_code == 404
    client.force_login(office.counter)  # the Service Point does not see a received case
    assert client.post(url, data).status_code == 404
    assert Participation.objects.get(pk=participation.pk).status == ParticipationStatus.REQUESTED


@pytest.mark.parametrize("who", ["worker_a", "counter"])
def test_the_case_file_stays_within_its_query_bound(
    client, office, django_assert_max_num_queries, who
):
    """With participations (read once, for the guard and the panel alike)."""
    from casework import services

    case = _case(office)
    case = WorkflowCaseFactory(checked=True, case_type=office.type_a)
    assert case.participations.get().status == ParticipationStatus.CONSENTED
    if who == "counter":
        services.record_fee_payment(case=case, user=office.counter, amount_cents=100)
    client.force_login(getattr(office, who))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(_url("case", case))
    assert response.status_code == 200
    page = response.content.decode()
    assert ('data-panel="participations"' in page) is (who == "worker_a")


def test_the_worklist_shows_the_first_deadline(client, office):
    case = _case(office)
    deemed = case.participations.get().deemed_on
    client.force_login(office.worker_a)
    page = client.get(reverse("casework:worklist")).content.decode()
    assert f"andere Behörden: Zustimmung gilt am {deemed:%d.%m.%Y} als erteilt" in page


def test_the_diagram_shows_where_participations_begin_and_their_lifecycle(client, office):
    client.force_login(office.worker_a)
    page = client.get(reverse("casework:workflow")).content.decode()
    assert "Eingegangen (beteiligt andere Behörden)" in page
    assert 'data-testid="participation-diagram"' in page
    assert "Zustimmung gilt als erteilt (Frist abgelaufen)" in page


def test_statistics_count_participations_and_deemed_consents(office):
    import time_machine

    from casework import services
    from operations import selectors

    first, second = _case(office), _case(office)
    services.answer_participation(
        participation=first.participations.get(), user=office.worker_a, answer="consent"
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert services.deem_due_participations() == 1
        today = timezone.localdate()
        period = selectors.Period(start=today - dt.timedelta(days=30), end=today)
        (row,) = selectors.participation_counts(selectors.case_scope(office.supervisor_a), period)
    assert row["authority"] == "Bundesagentur für Arbeit"
    assert (row["requested"], row["consented"], row["deemed"], row["open"]) == (2, 1, 1, 0)
    assert second.participations.get().status == ParticipationStatus.DEEMED
