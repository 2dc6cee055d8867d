"""The eAT workflow declaration and its domain rules, fired through the services."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from casework import services
from casework.constants import (
    GRANT_NOTICE_STATES,
    OFFICE_ADMIN_GROUP,
    CardOrderStatus,
    CaseState,
    DuldungGround,
    Language,
    PhotoSource,
    Role,
)
from casework.exceptions import ConcurrentChange, TransitionNotAllowed
from casework.models import CardOrder, Case, CaseDocument, CaseHistory, HandOver
from casework.selectors import available_transitions
from casework.workflow import CASE_WORKFLOW, CASE_WORKFLOWS
from workflows.diagram import to_svg

from .factories import (
    CHECKED_OR_LATER,
    CaseFactory,
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WorkflowCaseFactory,
    valid_until,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def ready_case(
    state=CaseState.RECEIVED, *, case_type=None, documents=(), approved=True, granted=True, **kwargs
):
    """A case in ``state`` on which every guard passes (passport valid, fees paid, photo and
    biometrics taken, § 25a/§ 25b checked, the validity date entered at the check, the grant
    notice issued unless ``granted=False``, the card delivered when it was ordered)."""
    case_type = case_type or CaseTypeFactory()
    defaults = {
        "fee_paid_cents": case_type.fee_title_cents + case_type.fee_card_cents,
        "photo_source": PhotoSource.QR_CODE,
        "photo_reference": "QR-1",
        "biometrics_taken_at": timezone.now(),
        "checked_25a": True,
        "checked_25b": True,
    }
    if state in CHECKED_OR_LATER and case_type.limited_validity:
        defaults["granted_until"] = valid_until()  # entered when the case was checked
    if case_type.workflow == "duldung" and state in DULDUNG_CHECKED_OR_LATER:
        defaults["granted_until"] = valid_until(90)
        defaults["duldung_ground"] = DuldungGround.IMPOSSIBLE
    if case_type.workflow == "naturalisation" and state in NATURALISATION_RECORDED_OR_LATER:
        defaults["language_certificate"] = "B1"
        defaults["citizenship_test_passed_on"] = TODAY() - dt.timedelta(days=30)
    if case_type.workflow == "naturalisation" and state == CaseState.ASSURANCE_GIVEN:
        defaults["renunciation_required"] = True
        defaults["assurance_valid_until"] = valid_until(365)
    # low-level: the guard matrix wants every guard passing in any state, which no real path has
    case = CaseFactory(state=state, case_type=case_type, **{**defaults, **kwargs})
    for code, name, received in documents:
        # low-level: checklist items of the matrix's raw case (some unreceived in late states)
        CaseDocument.objects.create(case=case, code=code, name=name, received=received)
    if state in (CaseState.PRODUCED, CaseState.PRODUCTION_FAILED):
        # low-level: the raw case's card order (delivered, or failed), as its state says
        CardOrder.objects.create(
            case=case,
            order_number=f"{case.file_number}-K1",
            status=CardOrderStatus.DELIVERED
            if state == CaseState.PRODUCED
            else CardOrderStatus.FAILED,
        )
    if state in (CaseState.HEARING, CaseState.REFUSAL_DRAFTED):
        _heard(case, approved=approved)
    if state in GRANT_NOTICE_STATES and granted:
        _granted(case)
    return Case.objects.get(pk=case.pk)


def _granted(case) -> None:
    """The grant notice the check drafted, approved by the supervisor and issued."""
    from casework.constants import NoticeKind, NoticeStatus
    from casework.models import Notice

    notice = Notice(
        case=case,
        kind=NoticeKind.GRANT,
        language="de",
        drafted_by=MembershipFactory(department=case.department, role=Role.CASEWORKER).user,
        approved_by=MembershipFactory(department=case.department, role=Role.SUPERVISOR).user,
        approved_at=timezone.now(),
        issued_at=timezone.now(),
        sections=[{"language": "de", "subject": "Bescheid", "paragraphs": ["Erteilt."]}],
    )
    notice.__dict__["status"] = NoticeStatus.ISSUED
    notice.save()


def _heard(case, *, approved: bool) -> None:
    """The hearing is over (the applicant answered); in "refusal drafted" the caseworker's
    notice waits, approved by the supervisor unless ``approved=False``."""
    from casework.constants import NoticeKind, NoticeStatus
    from casework.models import Hearing, Notice

    drafter = MembershipFactory(department=case.department, role=Role.CASEWORKER).user
    # low-level: the guard matrix's raw case in a hearing state needs its hearing row as well
    hearing = Hearing.objects.create(
        case=case,
        grounds="Lebensunterhalt nicht gesichert.",
        due_on=TODAY() + dt.timedelta(days=14),
        requested_by=drafter,
        answer="Stellungnahme",
        answer_via="letter",
        answered_at=timezone.now(),
    )
    if case.state == CaseState.REFUSAL_DRAFTED:
        notice = Notice(
            case=case,
            kind=NoticeKind.REFUSAL,
            hearing=hearing,
            language="de",
            drafted_by=drafter,
            sections=[{"language": "de", "subject": "Bescheid", "paragraphs": ["Abgelehnt."]}],
        )
        if approved:
            notice.__dict__["status"] = NoticeStatus.APPROVED
            notice.approved_by = MembershipFactory(
                department=case.department, role=Role.SUPERVISOR
            ).user
            notice.approved_at = timezone.now()
        notice.save()


#: Duldung states a case reaches only through its "check" (validity and ground entered there).
DULDUNG_CHECKED_OR_LATER = frozenset(
    {CaseState.CERTIFICATE_TO_PRINT, CaseState.CERTIFICATE_PRINTED, CaseState.HANDED_OVER}
)

#: Naturalisation states a case reaches only after its certificates were recorded.
NATURALISATION_RECORDED_OR_LATER = frozenset(
    {
        CaseState.CERTIFICATES_RECORDED,
        CaseState.REQUIREMENTS_MET,
        CaseState.ASSURANCE_GIVEN,
        CaseState.HANDED_OVER,
    }
)

#: Inputs that satisfy every transition.
FULL_DATA = {
    "check": {"checked_25a": True, "checked_25b": True, "granted_until": valid_until()},
    "request_documents": {"due_on": dt.date.today() + dt.timedelta(days=14)},
    "hand_over": {
        "collected_by": "Holder in person",
        "belehrung_handed_over": True,
        "belehrung_language": Language.UK,
    },
    "intend_refusal": {
        "grounds": "Livelihood not secured (§ 5 (1) no. 1 AufenthG).",
        "due_on": dt.date.today() + dt.timedelta(days=21),
    },
    "draft_refusal": {"reason": "Livelihood not secured (§ 5 (1) no. 1 AufenthG)."},
    "forward": {"forwarded_to": "Ausländerbehörde Düsseldorf"},
}

#: The same per workflow (a transition of the same name may take other inputs there).
WORKFLOW_FULL_DATA = {
    "eat": FULL_DATA,
    "duldung": {
        **FULL_DATA,
        "check": {"duldung_ground": DuldungGround.IMPOSSIBLE, "granted_until": valid_until(90)},
        "hand_over": {"collected_by": "Holder in person"},
    },
    "naturalisation": {
        **FULL_DATA,
        "record_certificates": {
            "language_certificate": "B1",
            "citizenship_test_passed_on": dt.date.today() - dt.timedelta(days=10),
        },
        "check": {},
        "give_assurance": {"assurance_valid_until": valid_until(365)},
        "hand_over": {
            "collected_by": "Holder in person",
            "declaration_signed": True,
            "release_proven": True,
        },
    },
}


@pytest.fixture
def caseworker(db):
    return MembershipFactory(role=Role.CASEWORKER).user


def worker_for(case, role=Role.CASEWORKER):
    return MembershipFactory(department=case.department, role=role).user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# -- the declaration -------------------------------------------------------------------------


def test_declarations_cover_every_case_state_and_bind_a_method_per_transition():
    """Each workflow reaches all of its states; together they declare exactly the states of
    the shared field, and each transition of each is a method with its workflow's prefix."""
    from casework.workflow import CASE_WORKFLOWS

    assert set(CASE_WORKFLOWS.states()) == set(CaseState.values)
    fsm_names = {t.name for t in Case().get_all_state_transitions()}
    expected = set()
    for workflow in CASE_WORKFLOWS.values():
        assert workflow.reachable_states() == set(workflow.states), workflow.name
        for name in workflow.transitions:
            assert callable(getattr(Case, f"{workflow.method_prefix}{name}"))
            expected.add(f"{workflow.method_prefix}{name}")
    assert fsm_names == expected
    assert CASE_WORKFLOW.method_prefix == "do_"


def test_the_transitions_that_write_rows_besides_the_case_declare_it():
    """Each database effect is named in the declaration and resolved at start-up."""
    from casework import effects

    writes = {
        name: CASE_WORKFLOW.writes_of(name)
        for name in CASE_WORKFLOW.transitions
        if CASE_WORKFLOW.writes_of(name) is not None
    }
    assert writes == {
        "request_documents": effects.request_documents,
        "order_card": effects.new_card_order,
        "reorder": effects.new_card_order,
        "production_failed": effects.production_failed,
        "hand_over": effects.hand_over,
        "check": effects.checked,
        "intend_refusal": effects.open_hearing,
        "draft_refusal": effects.draft_refusal_notice,
        "revise_refusal": effects.discard_refusal_notice,
        "refuse": effects.issue_refusal_notice,
        "withdraw": effects.ended_without_title,
        "forward": effects.ended_without_title,
    }
    assert CASE_WORKFLOW.roles_of.__self__ is CASE_WORKFLOW
    assert not isinstance(CASE_WORKFLOW._roles, str)  # resolved by CaseworkConfig.ready


def test_final_states_edit_nothing_and_lead_nowhere():
    for state in CASE_WORKFLOW.states.values():
        if state.final:
            assert state.editable_fields == {}
            assert CASE_WORKFLOW.transitions_from(state.name) == []


def test_state_field_stays_protected():
    case = ready_case()
    with pytest.raises(AttributeError):
        case.state = CaseState.HANDED_OVER


@pytest.mark.parametrize("key", CASE_WORKFLOWS.keys())
def test_diagram_of_each_case_workflow_shows_every_state(key):
    workflow = CASE_WORKFLOWS.get(key)
    svg = to_svg(workflow, engine="python")
    for state in workflow.states:
        assert f'data-state="{state}"' in svg
    # Every state of the shared field is drawn by some workflow.
    assert set(CaseState.values) <= set(CASE_WORKFLOWS.states())


# -- the main line ---------------------------------------------------------------------------


def test_main_line_from_receipt_to_hand_over_writes_one_history_row_each():
    case = ready_case(documents=[("passport", "Passport", True)])
    worker = worker_for(case)
    counter = MembershipFactory(department=DepartmentFactory(code="sp"), role=Role.SERVICE_POINT)
    steps = [
        (worker, "check", {"granted_until": valid_until()}),
        (counter.user, "take_biometrics", {}),
        (worker, "order_card", {}),
    ]
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    for user, name, data in steps:
        if name == "order_card":  # four eyes on the grant notice the check drafted
            notice = case.notices.get(kind="grant")
            services.approve_notice(notice=notice, user=supervisor)
            services.issue_notice(notice=notice, user=worker)
        case = services.fire_transition(case=case, user=user, transition=name, data=data)
    services.record_card_delivered(case=case, user=counter.user)
    case = services.fire_transition(
        case=case, user=counter.user, transition="hand_over", data={"collected_by": "Holder"}
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.HANDED_OVER
    rows = list(CaseHistory.objects.filter(case=case).values_list("from_state", "to_state", "by"))
    assert rows == [
        ("received", "checked", worker.pk),
        ("checked", "checked", worker.pk),  # the invitation to the Service Point sent
        ("checked", "biometrics", counter.user.pk),
        ("biometrics", "biometrics", supervisor.pk),  # grant notice approved
        ("biometrics", "biometrics", worker.pk),  # and issued
        ("biometrics", "produced", worker.pk),
        ("produced", "produced", counter.user.pk),  # the card is ready: the letter sent
        ("produced", "handed_over", counter.user.pk),
    ]
    assert HandOver.objects.get(case=case).collected_by == "Holder"


# -- guards give reasons ---------------------------------------------------------------------


def test_reasons_name_the_expired_passport_and_the_missing_documents():
    expired = TODAY() - dt.timedelta(days=30)
    case = ready_case(
        CaseState.CHECKED,
        person=PersonFactory(passport_valid_until=expired),
        documents=[("income", "Proof of income", False), ("passport", "Passport", True)],
    )
    worker = worker_for(case)
    (option,) = [
        o for o in available_transitions(case=case, user=worker) if o.name == "take_biometrics"
    ]
    assert not option.allowed
    assert option.reasons == [
        f"passport expired on {expired.isoformat()}",
        "missing: Proof of income",
    ]
    assert option.explain("biometrics") == (
        f"cannot move to biometrics: passport expired on {expired.isoformat()}; "
        "missing: Proof of income"
    )
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(case=case, user=worker, transition="take_biometrics")
    assert exc.value.reasons == option.reasons
    assert str(exc.value) == "; ".join(option.reasons)
    assert Case.objects.get(pk=case.pk).state == CaseState.CHECKED


def test_check_needs_a_recorded_passport_validity():
    case = ready_case(person=PersonFactory(passport_valid_until=None))
    with pytest.raises(TransitionNotAllowed, match="passport validity not recorded"):
        services.fire_transition(
            case=case, user=worker_for(case), transition="check", data=FULL_DATA["check"]
        )


def test_an_identity_card_stands_for_the_passport_where_there_is_none():
    """A § 24 applicant with a Ukrainian ID card and no passport (what the online form
    accepts) can be checked; the card's validity counts like a passport's."""
    expired = TODAY() - dt.timedelta(days=1)
    card = {"passport_number": "", "passport_valid_until": None, "id_card_number": "004512345"}
    case = ready_case(person=PersonFactory(**card, id_card_valid_until=expired))
    with pytest.raises(TransitionNotAllowed, match="identity card expired on"):
        services.fire_transition(
            case=case, user=worker_for(case), transition="check", data=FULL_DATA["check"]
        )
    case = ready_case(person=PersonFactory(**card, id_card_valid_until=valid_until()))
    services.fire_transition(
        case=case, user=worker_for(case), transition="check", data=FULL_DATA["check"]
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.CHECKED


# -- domain rules ----------------------------------------------------------------------------


def test_chancen_104c_records_that_25a_and_25b_were_checked_first():
    case = ready_case(case_type=CaseTypeFactory(chancen=True), checked_25a=False, checked_25b=False)
    worker = worker_for(case)
    until = {"granted_until": valid_until()}
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(case=case, user=worker, transition="check", data=until)
    assert exc.value.reasons == [
        "§ 104c: record first that § 25a was checked",
        "§ 104c: record first that § 25b was checked",
    ]
    with pytest.raises(TransitionNotAllowed, match="25b"):
        services.fire_transition(
            case=case, user=worker, transition="check", data={"checked_25a": True, **until}
        )
    assert CaseHistory.objects.filter(case=case).count() == 0
    services.fire_transition(
        case=case,
        user=worker,
        transition="check",
        data={"checked_25a": True, "checked_25b": True, **until},
    )
    case.refresh_from_db()
    assert (case.state, case.checked_25a, case.checked_25b) == ("checked", True, True)


def test_other_titles_need_no_25a_25b_check():
    case = ready_case(checked_25a=False, checked_25b=False)
    services.fire_transition(
        case=case, user=worker_for(case), transition="check", data={"granted_until": valid_until()}
    )
    assert case.state == CaseState.CHECKED


def test_hand_over_of_a_104c_title_requires_the_belehrung_in_a_language():
    case = ready_case(CaseState.PRODUCED, case_type=CaseTypeFactory(chancen=True))
    counter = MembershipFactory(role=Role.SERVICE_POINT).user
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(
            case=case, user=counter, transition="hand_over", data={"collected_by": "Holder"}
        )
    assert exc.value.reasons == [
        "the Belehrung must be handed over and recorded for this title",
        "the language of the Belehrung is required",
    ]
    assert not HandOver.objects.filter(case=case).exists()
    services.fire_transition(
        case=case, user=counter, transition="hand_over", data=FULL_DATA["hand_over"]
    )
    record = HandOver.objects.get(case=case)
    assert record.belehrung_handed_over and record.belehrung_language == Language.UK
    assert record.handed_over_by == counter


def test_hand_over_waits_for_the_delivered_card():
    case = WorkflowCaseFactory(produced=True)  # the card is ordered, not yet delivered
    assert case.card_orders.get().status == CardOrderStatus.ORDERED
    counter = MembershipFactory(role=Role.SERVICE_POINT).user
    with pytest.raises(TransitionNotAllowed, match="not been delivered"):
        services.fire_transition(
            case=case, user=counter, transition="hand_over", data={"collected_by": "Holder"}
        )


@pytest.mark.parametrize(("expires_in_days", "flag"), [(-1, False), (0, True), (30, True)])
def test_extension_received_after_the_titles_expiry_is_flagged(expires_in_days, flag):
    case_type = CaseTypeFactory()
    case = services.create_case(
        person=PersonFactory(),
        case_type=case_type,
        channel="online",
        is_extension=True,
        current_title="§ 18b AufenthG",
        title_expires_on=TODAY() + dt.timedelta(days=expires_in_days),
    )
    assert case.filed_in_time is flag


def test_first_applications_carry_no_fiktion_flag():
    case = services.create_case(person=PersonFactory(), case_type=CaseTypeFactory(), channel="post")
    assert case.filed_in_time is None


def test_refusal_needs_a_reason():
    case = ready_case(CaseState.HEARING)
    worker = worker_for(case)
    for data in ({}, {"reason": "   "}):
        # A missing input is an invalid request (field error), not a conflict (issue 10).
        with pytest.raises(ValidationError) as error:
            services.fire_transition(case=case, user=worker, transition="draft_refusal", data=data)
        assert "reason" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).state == CaseState.HEARING
    services.fire_transition(
        case=case, user=worker, transition="draft_refusal", data=FULL_DATA["draft_refusal"]
    )
    case.refresh_from_db()
    assert case.state == CaseState.REFUSAL_DRAFTED
    assert case.refusal_reason == FULL_DATA["draft_refusal"]["reason"]


def test_production_needs_fees_paid():
    case = ready_case(CaseState.BIOMETRICS, fee_paid_cents=0)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(case=case, user=worker_for(case), transition="order_card")
    assert exc.value.reasons == [f"fees not paid: {case.fee_due_cents / 100:.2f} EUR still due"]
    assert not CardOrder.objects.filter(case=case).exists()


def test_production_needs_biometrics_taken():
    case = ready_case(CaseState.BIOMETRICS, biometrics_taken_at=None, photo_source="")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(case=case, user=worker_for(case), transition="order_card")
    assert exc.value.reasons == ["biometrics not taken yet", "no photo yet"]


def test_failed_production_is_reordered_with_a_new_order():
    case = ready_case(CaseState.BIOMETRICS)
    worker = worker_for(case)
    services.fire_transition(case=case, user=worker, transition="order_card")
    services.fire_transition(
        case=case, user=worker, transition="production_failed", data={"failure_reason": "chip"}
    )
    services.fire_transition(case=case, user=worker, transition="reorder")
    orders = list(CardOrder.objects.filter(case=case).values_list("status", "failure_reason"))
    assert orders == [("failed", "chip"), ("ordered", "")]
    assert case.state == CaseState.PRODUCED


def test_documents_request_sets_deadline_and_comes_back():
    case = ready_case(documents=[("income", "Proof of income", False), ("pp", "Passport", True)])
    worker = worker_for(case)
    due = TODAY() + dt.timedelta(days=14)
    services.fire_transition(
        case=case, user=worker, transition="request_documents", data={"due_on": due.isoformat()}
    )
    income = CaseDocument.objects.get(case=case, code="income")
    assert income.due_on == due and income.requested_at is not None
    assert CaseDocument.objects.get(case=case, code="pp").due_on is None
    with pytest.raises(TransitionNotAllowed, match="deadline must be in the future"):
        services.fire_transition(
            case=ready_case(case_type=case.case_type),
            user=worker,
            transition="request_documents",
            data={"due_on": TODAY()},
        )
    services.fire_transition(case=case, user=worker, transition="documents_received")
    assert case.state == CaseState.RECEIVED


def test_forward_records_the_target_office():
    case = ready_case(CaseState.CHECKED)
    services.fire_transition(
        case=case, user=worker_for(case), transition="forward", data=FULL_DATA["forward"]
    )
    case.refresh_from_db()
    assert (case.state, case.forwarded_to) == ("forwarded", "Ausländerbehörde Düsseldorf")


# -- history and atomicity -------------------------------------------------------------------


def test_history_row_records_from_to_who_when_and_comment():
    case = ready_case()
    worker = worker_for(case)
    before = timezone.now()
    services.fire_transition(
        case=case,
        user=worker,
        transition="check",
        note="All there.",
        data={"granted_until": valid_until()},
    )
    row = CaseHistory.objects.exclude(transition="letter_sent").get(case=case)
    assert (row.transition, row.from_state, row.to_state, row.by, row.comment) == (
        "check",
        "received",
        "checked",
        worker,
        "All there.",
    )
    assert row.at >= before
    assert case.last_transition_at == row.at
    with pytest.raises(ValueError, match="immutable"):
        row.save()


def test_a_failing_history_write_rolls_the_transition_back():
    """The state change and its history row commit together or not at all."""
    case = ready_case(CaseState.BIOMETRICS)
    worker = worker_for(case)
    with (
        mock.patch.object(CaseHistory.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.fire_transition(case=case, user=worker, transition="order_card")
    assert Case.objects.get(pk=case.pk).state == CaseState.BIOMETRICS
    assert not CardOrder.objects.filter(case=case).exists()
    assert case.state == CaseState.BIOMETRICS  # the instance is restored too
    services.fire_transition(case=case, user=worker, transition="order_card")
    assert Case.objects.get(pk=case.pk).state == CaseState.PRODUCED


def test_stale_instance_gets_a_conflict_and_writes_nothing():
    case = ready_case()
    worker = worker_for(case)
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.fire_transition(
        case=first, user=worker, transition="check", data={"granted_until": valid_until()}
    )
    with pytest.raises(ConcurrentChange) as exc:
        services.fire_transition(
            case=second, user=worker, transition="forward", data={"forwarded_to": "late"}
        )
    assert "changed by someone else" in str(exc.value)
    assert second.state == CaseState.RECEIVED and second.forwarded_to == ""
    assert Case.objects.get(pk=case.pk).state == CaseState.CHECKED
    assert CaseHistory.objects.filter(case=case).exclude(transition="letter_sent").count() == 1


def test_transition_keeps_fields_changed_meanwhile_by_others():
    """A transition writes only the fields it changed (no lost update of a fee payment)."""
    case = ready_case(CaseState.CHECKED, fee_paid_cents=0)
    worker = worker_for(case)
    stale = Case.objects.get(pk=case.pk)
    services.record_fee_payment(case=case, user=worker, amount_cents=case.fee_due_cents)
    services.fire_transition(case=stale, user=worker, transition="withdraw")
    assert Case.objects.get(pk=case.pk).fee_paid_cents == case.fee_due_cents


def test_office_admin_group_member_acts_as_manager():
    case = ready_case()
    admin = UserFactory()
    admin.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    services.fire_transition(
        case=case, user=admin, transition="check", data={"granted_until": valid_until()}
    )
    assert case.state == CaseState.CHECKED
