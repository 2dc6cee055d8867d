"""Every role x every state x every transition: allowed exactly where the office's rules say.

The expected table below is written out by hand (it is the specification); the test fires
every transition from every state as every kind of user, through the service layer, on a case
on which all guards pass, and checks the outcome and that a refused attempt changes nothing.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from casework import services
from casework.constants import OFFICE_ADMIN_GROUP, CaseState, Role
from casework.exceptions import TransitionNotAllowed
from casework.models import Case, CaseHistory
from casework.policy import policy_for
from casework.selectors import cases_visible_to
from casework.workflow import CASE_WORKFLOWS

from .factories import CaseTypeFactory, DepartmentFactory, MembershipFactory, UserFactory
from .test_workflow import WORKFLOW_FULL_DATA, ready_case

pytestmark = pytest.mark.django_db

S = CaseState
OPEN = {S.RECEIVED, S.DOCUMENTS_REQUESTED, S.CHECKED, S.BIOMETRICS, S.PRODUCED,
        S.PRODUCTION_FAILED, S.HEARING, S.REFUSAL_DRAFTED}  # fmt: skip
#: The Service Point's steps, in every workflow: the eAT's biometrics and card, the printed
#: Duldung certificate.
SERVICE_POINT_STEPS = {S.CHECKED, S.BIOMETRICS, S.PRODUCED, S.CERTIFICATE_PRINTED}

ACTORS = [
    "caseworker_own",
    "caseworker_other",
    "service_point",
    "supervisor_own",
    "supervisor_other",
    "editor",
    "office_admin",
    "anonymous",
]
DECIDE = {"caseworker_own", "supervisor_own", "office_admin"}

#: transition -> (source states, target, actors allowed to fire it)
EXPECTED = {
    "check": ({S.RECEIVED}, S.CHECKED, DECIDE),
    "request_documents": ({S.RECEIVED, S.CHECKED}, S.DOCUMENTS_REQUESTED, DECIDE),
    "documents_received": ({S.DOCUMENTS_REQUESTED}, S.RECEIVED, DECIDE),
    "take_biometrics": ({S.CHECKED}, S.BIOMETRICS, DECIDE | {"service_point"}),
    "order_card": ({S.BIOMETRICS}, S.PRODUCED, DECIDE),
    "production_failed": ({S.PRODUCED}, S.PRODUCTION_FAILED, DECIDE),
    "reorder": ({S.PRODUCTION_FAILED}, S.PRODUCED, DECIDE),
    "hand_over": ({S.PRODUCED}, S.HANDED_OVER, {"service_point", "office_admin"}),
    "intend_refusal": ({S.RECEIVED, S.DOCUMENTS_REQUESTED, S.CHECKED}, S.HEARING, DECIDE),
    "resume_checking": ({S.HEARING}, S.RECEIVED, DECIDE),
    "draft_refusal": ({S.HEARING}, S.REFUSAL_DRAFTED, DECIDE),
    "revise_refusal": ({S.REFUSAL_DRAFTED}, S.HEARING, DECIDE),
    "refuse": ({S.REFUSAL_DRAFTED}, S.REFUSED, DECIDE),
    "withdraw": (OPEN, S.WITHDRAWN, DECIDE),
    "forward": (OPEN, S.FORWARDED, DECIDE),
}


DULDUNG_OPEN = {S.RECEIVED, S.DOCUMENTS_REQUESTED, S.CERTIFICATE_TO_PRINT, S.CERTIFICATE_PRINTED,
                S.HEARING, S.REFUSAL_DRAFTED}  # fmt: skip

#: Duldung (§ 60a): the office prints the certificate; the Service Point hands it over (or the
#: caseworker, who often sees the holder in person anyway).
DULDUNG_EXPECTED = {
    "check": ({S.RECEIVED}, S.CERTIFICATE_TO_PRINT, DECIDE),
    "request_documents": ({S.RECEIVED}, S.DOCUMENTS_REQUESTED, DECIDE),
    "documents_received": ({S.DOCUMENTS_REQUESTED}, S.RECEIVED, DECIDE),
    "print_certificate": ({S.CERTIFICATE_TO_PRINT}, S.CERTIFICATE_PRINTED, DECIDE),
    "hand_over": ({S.CERTIFICATE_PRINTED}, S.HANDED_OVER, DECIDE | {"service_point"}),
    "intend_refusal": (
        {S.RECEIVED, S.DOCUMENTS_REQUESTED, S.CERTIFICATE_TO_PRINT},
        S.HEARING,
        DECIDE,
    ),
    "resume_checking": ({S.HEARING}, S.RECEIVED, DECIDE),
    "draft_refusal": ({S.HEARING}, S.REFUSAL_DRAFTED, DECIDE),
    "revise_refusal": ({S.REFUSAL_DRAFTED}, S.HEARING, DECIDE),
    "refuse": ({S.REFUSAL_DRAFTED}, S.REFUSED, DECIDE),
    "withdraw": (DULDUNG_OPEN, S.WITHDRAWN, DECIDE),
    "forward": (DULDUNG_OPEN, S.FORWARDED, DECIDE),
}

NATURALISATION_OPEN = {S.RECEIVED, S.DOCUMENTS_REQUESTED, S.DOCUMENTS_COMPLETE,
                       S.CERTIFICATES_RECORDED, S.REQUIREMENTS_MET, S.ASSURANCE_GIVEN,
                       S.HEARING, S.REFUSAL_DRAFTED}  # fmt: skip

#: Naturalisation (StAG § 10): the department's own steps; the Service Point has none, the
#: certificate is handed over by the department (with the declaration of commitment).
NATURALISATION_EXPECTED = {
    "request_documents": ({S.RECEIVED, S.DOCUMENTS_COMPLETE}, S.DOCUMENTS_REQUESTED, DECIDE),
    "documents_received": ({S.DOCUMENTS_REQUESTED}, S.RECEIVED, DECIDE),
    "complete_documents": ({S.RECEIVED}, S.DOCUMENTS_COMPLETE, DECIDE),
    "record_certificates": ({S.DOCUMENTS_COMPLETE}, S.CERTIFICATES_RECORDED, DECIDE),
    "check": ({S.CERTIFICATES_RECORDED}, S.REQUIREMENTS_MET, DECIDE),
    "give_assurance": ({S.REQUIREMENTS_MET}, S.ASSURANCE_GIVEN, DECIDE),
    "hand_over": ({S.REQUIREMENTS_MET, S.ASSURANCE_GIVEN}, S.HANDED_OVER, DECIDE),
    "intend_refusal": (
        {S.RECEIVED, S.DOCUMENTS_REQUESTED, S.DOCUMENTS_COMPLETE, S.CERTIFICATES_RECORDED},
        S.HEARING,
        DECIDE,
    ),
    "resume_checking": ({S.HEARING}, S.RECEIVED, DECIDE),
    "draft_refusal": ({S.HEARING}, S.REFUSAL_DRAFTED, DECIDE),
    "revise_refusal": ({S.REFUSAL_DRAFTED}, S.HEARING, DECIDE),
    "refuse": ({S.REFUSAL_DRAFTED}, S.REFUSED, DECIDE),
    "withdraw": (NATURALISATION_OPEN, S.WITHDRAWN, DECIDE),
    "forward": (NATURALISATION_OPEN, S.FORWARDED, DECIDE),
}

#: The specification of every workflow: transition -> (sources, target, actors).
EXPECTED_BY_WORKFLOW = {
    "eat": EXPECTED,
    "duldung": DULDUNG_EXPECTED,
    "naturalisation": NATURALISATION_EXPECTED,
}
WORKFLOWS = sorted(EXPECTED_BY_WORKFLOW)


def test_every_workflow_has_its_table():
    assert set(EXPECTED_BY_WORKFLOW) == set(CASE_WORKFLOWS)


@pytest.mark.parametrize("key", WORKFLOWS)
def test_expected_table_covers_the_declaration_exactly(key):
    workflow = CASE_WORKFLOWS.get(key)
    expected = EXPECTED_BY_WORKFLOW[key]
    assert set(expected) == set(workflow.transitions)
    for name, (sources, target, _actors) in expected.items():
        t = workflow.transition(name)
        assert (set(t.sources), t.target) == (sources, target), name


@pytest.fixture(params=WORKFLOWS)
def world(request):
    return _world(request.param)


@pytest.fixture
def eat_world():
    return _world("eat")


def _world(key):
    own, other = DepartmentFactory(code="own"), DepartmentFactory(code="other")
    counter = DepartmentFactory(code="service-point", handles_cases=False)
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    users = {
        "caseworker_own": MembershipFactory(department=own, role=Role.CASEWORKER).user,
        "caseworker_other": MembershipFactory(department=other, role=Role.CASEWORKER).user,
        "service_point": MembershipFactory(department=counter, role=Role.SERVICE_POINT).user,
        "supervisor_own": MembershipFactory(department=own, role=Role.SUPERVISOR).user,
        "supervisor_other": MembershipFactory(department=other, role=Role.SUPERVISOR).user,
        "editor": UserFactory(username="editor"),
        "office_admin": admin,
        "anonymous": AnonymousUser(),
    }
    if key == "eat":
        # § 104c: the strictest type (Belehrung at hand-over, § 25a/§ 25b before the check).
        case_type = CaseTypeFactory(chancen=True, department=own)
    else:
        case_type = CaseTypeFactory(code=key, workflow=key, department=own)
    assert case_type.workflow == key
    return users, case_type


def expected_outcome(actor: str, state: str, transition: str, key: str = "eat") -> str:
    sources, _target, actors = EXPECTED_BY_WORKFLOW[key][transition]
    holds_role = actor in actors and (actor != "service_point" or state in SERVICE_POINT_STEPS)
    if not holds_role:
        return "denied"
    return "done" if state in sources else "not allowed"


def attempt(case: Case, user, transition: str) -> str:
    try:
        services.fire_transition(
            case=case,
            user=user,
            transition=transition,
            data=WORKFLOW_FULL_DATA[case.workflow_key].get(transition, {}),
            note="Vermerk",
        )
    except PermissionDenied:
        return "denied"
    except TransitionNotAllowed:
        return "not allowed"
    return "done"


@pytest.mark.parametrize("actor", ACTORS)
def test_every_state_and_transition_for(actor, world):
    users, case_type = world
    user = users[actor]
    key = case_type.workflow
    workflow = CASE_WORKFLOWS.get(key)
    mismatches = []
    for state in workflow.states:
        case = ready_case(state, case_type=case_type)
        assert case.workflow is workflow
        for transition in workflow.transitions:
            expected = expected_outcome(actor, state, transition, key)
            assert policy_for(user).may_fire(case, transition) is (expected == "done")
            history = (
                CaseHistory.objects.filter(case=case).exclude(transition="letter_sent").count()
            )
            with transaction.atomic():
                outcome = attempt(case, user, transition)
                stored = Case.objects.get(pk=case.pk)
                if outcome == "done":
                    assert stored.state == EXPECTED_BY_WORKFLOW[key][transition][1]
                    assert (
                        CaseHistory.objects.filter(case=case)
                        .exclude(transition="letter_sent")
                        .count()
                        == history + 1
                    )
                else:
                    # A refused attempt changes nothing, in the database or on the instance.
                    assert stored.state == state == case.state
                    assert (
                        CaseHistory.objects.filter(case=case)
                        .exclude(transition="letter_sent")
                        .count()
                        == history
                    )
                transaction.set_rollback(True)
            case.refresh_from_db()
            if outcome != expected:
                mismatches.append((str(state), transition, expected, outcome))
    assert mismatches == []


@pytest.mark.parametrize("actor", ACTORS)
def test_visibility_matches_the_roles(actor, world):
    """can_view (used by the services) and cases_visible_to (used by lists) agree."""
    users, case_type = world
    user = users[actor]
    for state in CASE_WORKFLOWS.get(case_type.workflow).states:
        case = ready_case(state, case_type=case_type)
        visible = case in cases_visible_to(user)
        assert policy_for(user).may_view(case) is visible
        expect = actor in {"caseworker_own", "supervisor_own", "office_admin"} or (
            actor == "service_point" and state in SERVICE_POINT_STEPS
        )
        assert visible is expect, (actor, state)


#: Who works with case files at all (search, the day's appointments, the counter).
STAFF = set(ACTORS) - {"editor", "anonymous"}
#: Who sees statistics, exports them and runs bulk continuation.
SUPERVISE_ANY = {"supervisor_own", "supervisor_other", "office_admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_every_app_asks_the_same_policy(actor, world):
    """Search, appointments, operations (statistics, exports, continuation) and the
    applications' staff pages answer as the policy does, for every state of a case."""
    from appointments.selectors import can_manage_appointments
    from operations.selectors import can_see_statistics, statistics_departments
    from operations.selectors import case_scope as statistics_cases
    from search.backends import get_search_backend
    from search.views import can_search_cases

    users, case_type = world
    user = users[actor]
    states = CASE_WORKFLOWS.get(case_type.workflow).states
    cases = {state: ready_case(state, case_type=case_type) for state in states}
    backend = get_search_backend()
    backend.rebuild()
    policy = policy_for(user)

    assert can_search_cases(user) is (actor in STAFF)
    assert can_manage_appointments(user) is (actor in STAFF)
    assert can_see_statistics(user) is (actor in SUPERVISE_ANY)
    assert policy.supervises_anything() is (actor in SUPERVISE_ANY)
    assert bool(statistics_departments(user)) is (actor in SUPERVISE_ANY)

    expected = {
        case.pk
        for state, case in cases.items()
        if actor in {"caseworker_own", "supervisor_own", "office_admin"}
        or (actor == "service_point" and state in SERVICE_POINT_STEPS)
    }
    assert expected == {c.pk for c in cases.values() if policy.may_view(c)}
    assert set(cases_visible_to(user).values_list("pk", flat=True)) == expected
    # search filters its index with the policy's plain values
    assert set(backend.visible_entries(user).values_list("case_id", flat=True)) == expected
    # statistics and their exports count the cases the policy shows
    assert set(statistics_cases(user).values_list("pk", flat=True)) == expected


#: Who may approve a notice drafted by the department's caseworker (four eyes).
APPROVE = {"supervisor_own", "office_admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_approving_a_refusal_notice(actor, world):
    """Only the department's supervisors and office management approve a notice, never its
    drafter; anyone else is denied and nothing changes."""
    from casework.constants import NoticeStatus

    users, case_type = world
    case = ready_case(S.REFUSAL_DRAFTED, case_type=case_type, approved=False)
    notice = case.notices.get()
    user = users[actor]
    try:
        services.approve_notice(notice=notice, user=user)
        outcome = "done"
    except PermissionDenied:
        outcome = "denied"
    assert outcome == ("done" if actor in APPROVE else "denied")
    notice.refresh_from_db()
    assert (notice.status == NoticeStatus.APPROVED) is (outcome == "done")
    if outcome == "done":
        assert notice.approved_by == user != notice.drafted_by


@pytest.mark.parametrize("answer", ["consent", "refuse", "cancel"])
@pytest.mark.parametrize("actor", ACTORS)
def test_answering_a_participation_of_another_authority(actor, answer, eat_world):
    """Only the department's deciders record an authority's answer or cancel the request;
    no person can deem a consent given (the background worker does, on the deadline)."""
    from casework.workflow import PARTICIPATION_WORKFLOW
    from workflows import ParticipationStatus

    from .factories import ParticipationKindFactory, WorkflowCaseFactory

    users, case_type = eat_world
    ParticipationKindFactory(case_types=[case_type])
    case = WorkflowCaseFactory(case_type=case_type)
    participation = case.participations.get()
    user = users[actor]
    history = CaseHistory.objects.filter(case=case).exclude(transition="letter_sent").count()
    try:
        services.answer_participation(
            participation=participation, user=user, answer=answer, text="Az. 1"
        )
        outcome = "done"
    except PermissionDenied:
        outcome = "denied"
    assert outcome == ("done" if actor in DECIDE else "denied")
    participation.refresh_from_db()
    assert (participation.status != ParticipationStatus.REQUESTED) is (outcome == "done")
    assert CaseHistory.objects.filter(case=case).exclude(
        transition="letter_sent"
    ).count() == history + (outcome == "done")
    assert not PARTICIPATION_WORKFLOW.is_permitted("deem", user, participation)


@pytest.mark.parametrize("actor", ACTORS)
def test_issuing_and_drafting_a_grant_notice(actor, world):
    """Those who decide the department's cases draft the grant notice again and issue the
    approved one; everyone else (the Service Point too) is denied and nothing changes."""
    from casework.constants import NoticeStatus

    users, case_type = world
    case = Case.objects.get(pk=ready_case(S.BIOMETRICS, case_type=case_type, granted=False).pk)
    drafter = MembershipFactory(department=case.department, role=Role.CASEWORKER).user
    draft = services.draft_grant_notice(case=case, user=drafter)
    services.approve_notice(notice=draft, user=users["office_admin"])
    user = users[actor]
    try:
        services.issue_notice(notice=draft, user=user)
        outcome = "done"
    except PermissionDenied:
        outcome = "denied"
    assert outcome == ("done" if actor in DECIDE else "denied")
    draft.refresh_from_db()
    assert (draft.status == NoticeStatus.ISSUED) is (outcome == "done")
    other = Case.objects.get(pk=ready_case(S.CHECKED, case_type=case_type, granted=False).pk)
    before = other.notices.count()
    try:
        services.draft_grant_notice(case=other, user=user)
        outcome = "done"
    except PermissionDenied:
        outcome = "denied"
    assert outcome == ("done" if actor in DECIDE else "denied")
    assert other.notices.count() == before + (outcome == "done")
