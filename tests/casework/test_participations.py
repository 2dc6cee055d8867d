"""Participations of other authorities (issue 13, item 1): requested on receipt as the case
type says, answered by the department, deemed given by the background worker, and the
decision waits for them and says until when."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone, translation

from casework import services
from casework.constants import CaseState, HistoryEvent, Role
from casework.exceptions import TransitionNotAllowed
from casework.models import CaseHistory, Participation
from casework.selectors import available_transitions
from casework.workflow import CASE_WORKFLOW, PARTICIPATION_WORKFLOW
from workflows import ParticipationStatus

from .factories import (
    CaseTypeFactory,
    MembershipFactory,
    ParticipationKindFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db

#: 3 December, 09:00 in Berlin: the request; the agency's consent is deemed given on 17.12.
REQUESTED = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def employment_type():
    case_type = CaseTypeFactory(code="18b-test")
    ParticipationKindFactory(case_types=[case_type])
    return case_type


def _caseworker(case):
    return MembershipFactory(department=case.department, role=Role.CASEWORKER).user


def _employment_case(case_type, **kwargs):
    return WorkflowCaseFactory(
        case_type=case_type, at=REQUESTED, documents=[("passport", "Pass", True)], **kwargs
    )


def _check(case, user):
    return services.fire_transition(
        case=case,
        user=user,
        transition="check",
        data={"granted_until": timezone.localdate() + dt.timedelta(days=365)},
    )


def test_receipt_requests_what_the_case_type_needs_with_its_deadline(employment_type):
    """The Federal Employment Agency is asked on receipt; its consent is deemed given two
    weeks later (§ 36 (2) BeschV); the request is a history row. Other case types ask no one."""
    case = _employment_case(employment_type)
    (participation,) = case.participations.all()
    assert participation.status == ParticipationStatus.REQUESTED
    assert participation.authority == "Bundesagentur für Arbeit"
    assert participation.deemed_on == dt.date(2026, 12, 17)
    assert case.history.filter(transition=HistoryEvent.PARTICIPATION_REQUESTED).count() == 1
    other = WorkflowCaseFactory()
    assert not other.participations.exists()


def test_a_decision_with_an_open_participation_is_refused_and_says_until_when(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    with time_machine.travel(REQUESTED + dt.timedelta(days=2), tick=False):
        with pytest.raises(TransitionNotAllowed) as exc:
            _check(case, worker)
        (check,) = [o for o in available_transitions(case=case, user=worker) if o.name == "check"]
    expected = "Bundesagentur für Arbeit: requested 03.12., deemed consent on 17.12."
    assert expected in exc.value.reasons
    assert not check.allowed and expected in check.reasons
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_the_reason_is_translated(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    with translation.override("de"), time_machine.travel(REQUESTED, tick=False):
        reasons = CASE_WORKFLOW.check(case, worker, "check")
    assert (
        "Bundesagentur für Arbeit: angefragt am 03.12., Zustimmung gilt am 17.12. als erteilt"
        in (reasons)
    )


def test_without_deemed_consent_the_guard_says_the_answer_is_pending():
    case_type = CaseTypeFactory(code="18b-security")
    ParticipationKindFactory(security=True, case_types=[case_type])
    case = _employment_case(case_type)
    reasons = CASE_WORKFLOW.check(case, _caseworker(case), "check")
    assert "Sicherheitsbehörden: requested 03.12., no answer yet" in reasons


def test_consent_recorded_by_the_caseworker_lets_the_decision_go_ahead(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    participation = case.participations.get()
    services.answer_participation(
        participation=participation, user=worker, answer="consent", text="Az. 123"
    )
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CONSENTED
    assert participation.answered_by == worker and participation.answer == "Az. 123"
    row = case.history.get(transition=HistoryEvent.PARTICIPATION_CONSENTED)
    assert row.by == worker and "Az. 123" in row.comment
    case = _check(case, worker)
    assert case.state == CaseState.CHECKED


def test_a_refusal_by_the_authority_stops_the_grant_and_says_so(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    participation = case.participations.get()
    with time_machine.travel(REQUESTED + dt.timedelta(days=5), tick=False):
        services.answer_participation(
            participation=participation, user=worker, answer="refuse", text="Vorrangprüfung"
        )
        reasons = CASE_WORKFLOW.check(case, worker, "check")
    assert "Bundesagentur für Arbeit refused consent on 08.12." in reasons
    # The refusal path stays open (hearing first).
    names = {o.name for o in available_transitions(case=case, user=worker) if o.allowed}
    assert "intend_refusal" in names


def test_an_answer_is_recorded_once(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    participation = case.participations.get()
    services.answer_participation(participation=participation, user=worker, answer="consent")
    with pytest.raises(TransitionNotAllowed):
        services.answer_participation(
            participation=participation, user=worker, answer="refuse", text="zu spät"
        )
    assert case.history.filter(transition__startswith="participation_").count() == 2


def test_a_refusal_needs_the_authoritys_reasons(employment_type):
    case = _employment_case(employment_type)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.answer_participation(
            participation=case.participations.get(), user=_caseworker(case), answer="refuse"
        )
    assert "is required" in str(exc.value)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CASEWORKER, True),
        (Role.SUPERVISOR, True),
        (Role.SERVICE_POINT, False),
    ],
)
def test_only_the_departments_deciders_record_answers(employment_type, role, allowed):
    case = _employment_case(employment_type)
    user = MembershipFactory(department=case.department, role=role).user
    participation = case.participations.get()
    if allowed:
        services.answer_participation(participation=participation, user=user, answer="consent")
        return
    with pytest.raises(PermissionDenied):
        services.answer_participation(participation=participation, user=user, answer="consent")


def test_a_caseworker_of_another_department_cannot_answer(employment_type):
    case = _employment_case(employment_type)
    stranger = MembershipFactory(role=Role.CASEWORKER).user
    with pytest.raises(PermissionDenied):
        services.answer_participation(
            participation=case.participations.get(), user=stranger, answer="consent"
        )
    assert case.participations.get().status == ParticipationStatus.REQUESTED


def test_no_person_can_deem_a_consent():
    """Deeming is the system's step (the background worker), never a person's."""
    roles = PARTICIPATION_WORKFLOW.transition("deem").permission
    assert callable(roles)
    assert PARTICIPATION_WORKFLOW.is_permitted("deem", None, object())
    assert not PARTICIPATION_WORKFLOW.is_permitted("deem", object(), object())


def test_the_worker_deems_consent_on_the_deadline_exactly_once(employment_type):
    case = _employment_case(employment_type)
    with time_machine.travel(REQUESTED + dt.timedelta(days=13), tick=False):
        assert services.deem_due_participations() == 0
    with time_machine.travel(REQUESTED + dt.timedelta(days=14), tick=False):
        assert services.deem_due_participations() == 1
        assert services.deem_due_participations() == 0
    participation = case.participations.get()
    assert participation.status == ParticipationStatus.DEEMED
    rows = case.history.filter(transition=HistoryEvent.PARTICIPATION_DEEMED)
    assert rows.count() == 1
    assert rows.get().by is None and "17.12.2026" in rows.get().comment
    with time_machine.travel(REQUESTED + dt.timedelta(days=15), tick=False):
        case = _check(case, _caseworker(case))
    assert case.state == CaseState.CHECKED


def test_the_worker_catches_up_missed_days_and_leaves_answered_ones_alone(employment_type):
    """The worker was down for a week: every deadline that passed meanwhile is deemed once;
    a participation answered in time keeps its answer."""
    first = _employment_case(employment_type)
    second = _employment_case(employment_type)
    answered = _employment_case(employment_type)
    services.answer_participation(
        participation=answered.participations.get(),
        user=_caseworker(answered),
        answer="refuse",
        text="Nein",
    )
    with time_machine.travel(REQUESTED + dt.timedelta(days=21), tick=False):
        call_command("run_daily_jobs", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("run_daily_jobs", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115
    statuses = Participation.objects.order_by("case_id").values_list("status", flat=True)
    assert list(statuses) == ["deemed", "deemed", "refused"]
    deemed_rows = CaseHistory.objects.filter(transition=HistoryEvent.PARTICIPATION_DEEMED)
    assert sorted(deemed_rows.values_list("case_id", flat=True)) == sorted([first.pk, second.pk])


def test_the_deferred_task_deems_only_once_its_day_has_come(employment_type):
    from casework.tasks import deem_participation_task

    case = _employment_case(employment_type)
    participation = case.participations.get()
    with time_machine.travel(REQUESTED + dt.timedelta(days=3), tick=False):
        assert deem_participation_task.call(participation.pk) is False
    with time_machine.travel(REQUESTED + dt.timedelta(days=14, hours=1), tick=False):
        assert deem_participation_task.call(participation.pk) is True
        assert deem_participation_task.call(participation.pk) is False
    assert case.history.filter(transition=HistoryEvent.PARTICIPATION_DEEMED).count() == 1


def test_a_case_back_to_received_asks_no_authority_twice(employment_type):
    case = _employment_case(employment_type)
    worker = _caseworker(case)
    case = services.fire_transition(
        case=case,
        user=worker,
        transition="request_documents",
        data={"due_on": timezone.localdate() + dt.timedelta(days=10)},
    )
    case = services.fire_transition(case=case, user=worker, transition="documents_received")
    assert case.participations.count() == 1
    # A cancelled request is asked again when the case enters "received" once more.
    services.answer_participation(
        participation=case.participations.get(), user=worker, answer="cancel", text="versehentlich"
    )
    case = services.fire_transition(
        case=case,
        user=worker,
        transition="request_documents",
        data={"due_on": timezone.localdate() + dt.timedelta(days=10)},
    )
    case = services.fire_transition(case=case, user=worker, transition="documents_received")
    assert sorted(case.participations.values_list("status", flat=True)) == [
        "cancelled",
        "requested",
    ]
