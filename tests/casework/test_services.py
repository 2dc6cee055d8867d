"""The case services: each checks the permission, validates, and changes nothing on error."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from casework import services
from casework.constants import CardOrderStatus, CaseState, Channel, PhotoSource, Role
from casework.models import (
    CardOrder,
    Case,
    CaseAccessLog,
    CaseComment,
    CaseDocument,
    CaseHistory,
    FileNumberSequence,
    RequiredDocument,
)
from casework.policy import case_roles, policy_for
from casework.selectors import (
    access_log,
    available_transitions,
    case_history,
    cases_visible_to,
    editable_fields,
)

from .factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    valid_until,
)
from .test_workflow import ready_case, worker_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case_type():
    case_type = CaseTypeFactory(fee_title_cents=10000, fee_card_cents=6700)
    RequiredDocument.objects.create(case_type=case_type, code="passport", name="Passport")
    RequiredDocument.objects.create(case_type=case_type, code="income", name="Proof of income")
    return case_type


def counter_staff():
    return MembershipFactory(department=DepartmentFactory(code="sp"), role=Role.SERVICE_POINT).user


# -- create_case ---------------------------------------------------------------------------


def test_create_case_numbers_files_gap_free_per_year(case_type):
    person = PersonFactory()
    last_year = timezone.now() - dt.timedelta(days=400)
    numbers = [
        services.create_case(person=person, case_type=case_type, channel="online").file_number
        for _ in range(3)
    ]
    year = timezone.localdate().year
    assert numbers == [f"ABH-{year}-{n:06d}" for n in (1, 2, 3)]
    older = services.create_case(
        person=person, case_type=case_type, channel="post", received_at=last_year
    )
    assert older.file_number == f"ABH-{timezone.localdate(last_year).year}-000001"


def test_create_case_sets_department_fees_checklist_and_first_history_row(case_type):
    worker = worker_for(ready_case(case_type=case_type))
    case = services.create_case(
        person=PersonFactory(),
        case_type=case_type,
        channel=Channel.BUERGERBUERO,
        channel_town="Hilden",
        user=worker,
        assigned_to=worker,
    )
    assert case.department == case_type.department
    assert case.fee_due_cents == 16700 and case.fee_paid_cents == 0
    assert case.assigned_to == worker
    assert list(case.documents.values_list("code", "received")) == [
        ("passport", False),
        ("income", False),
    ]
    (row,) = CaseHistory.objects.filter(case=case)
    assert (row.transition, row.from_state, row.to_state, row.by) == (
        "create",
        "",
        "received",
        worker,
    )


def test_create_case_announces_the_new_case_only_after_commit(
    case_type, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, case, change, **kwargs):
        received.append((case.file_number, change))

    services.case_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            case = services.create_case(person=PersonFactory(), case_type=case_type, channel="post")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [(case.file_number, "created")]
    finally:
        services.case_changed.disconnect(listener)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"channel": Channel.BUERGERBUERO}, "channel_town"),
        ({"is_extension": True}, "title_expires_on"),
        ({"received_at": timezone.now() + dt.timedelta(days=2)}, "received_at"),
        ({"received_at": dt.datetime(2026, 1, 1, 9, 0)}, "received_at"),  # noqa: DTZ001
    ],
)
def test_create_case_refuses_bad_input_and_uses_no_file_number(case_type, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            person=PersonFactory(), case_type=case_type, **{"channel": "online", **kwargs}
        )
    assert field in exc.value.message_dict
    assert not Case.objects.exists()
    assert not FileNumberSequence.objects.filter(last__gt=0).exists()


def test_create_case_refuses_a_caseworker_of_another_department(case_type):
    outsider = MembershipFactory(role=Role.CASEWORKER).user
    with pytest.raises(PermissionDenied):
        services.create_case(
            person=PersonFactory(), case_type=case_type, channel="online", user=outsider
        )
    assert not Case.objects.exists()


# -- fire_transition input handling -----------------------------------------------------------


def test_fire_transition_rejects_malformed_and_unknown_inputs():
    case = ready_case()
    worker = worker_for(case)
    with pytest.raises(ValidationError) as exc:
        services.fire_transition(
            case=case, user=worker, transition="request_documents", data={"due_on": "soon"}
        )
    assert exc.value.message_dict == {"due_on": ["Enter a valid date."]}
    with pytest.raises(ValidationError) as exc:
        services.fire_transition(case=case, user=worker, transition="check", data={"x": 1})
    assert "x" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.fire_transition(case=case, user=worker, transition="teleport")
    with pytest.raises(ValidationError):
        services.fire_transition(
            case=case,
            user=worker,
            transition="request_documents",
            data={"due_on": dt.date.today() + dt.timedelta(days=3), "documents": ["nope"]},
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED
    assert not CaseHistory.objects.filter(case=case).exists()


def test_convenience_wrappers_fire_the_named_transition():
    case = ready_case()
    services.case_check(case=case, user=worker_for(case), note="ok", granted_until=valid_until())
    assert case.state == CaseState.CHECKED
    assert CaseHistory.objects.get(case=case, transition="check").comment == "ok"


# -- fees, biometrics, documents, card ---------------------------------------------------------


def test_fee_payment_by_the_service_point_and_its_limits():
    case = ready_case(CaseState.CHECKED, fee_paid_cents=0)
    counter = counter_staff()
    services.record_fee_payment(case=case, user=counter, amount_cents=6700)
    assert Case.objects.get(pk=case.pk).fee_paid_cents == 6700 == case.fee_paid_cents
    with pytest.raises(ValidationError, match="still due"):
        services.record_fee_payment(case=case, user=counter, amount_cents=case.fee_due_cents)
    for bad in (-5, "12", 1.5, True):
        with pytest.raises(ValidationError):
            services.record_fee_payment(case=case, user=counter, amount_cents=bad)
    assert Case.objects.get(pk=case.pk).fee_paid_cents == 6700


def test_fee_reduction_on_a_notice_waives_the_rest():
    case = ready_case(CaseState.BIOMETRICS, fee_paid_cents=0)
    services.record_fee_payment(
        case=case, user=worker_for(case), amount_cents=0, reduction_reason="SGB II notice"
    )
    case.refresh_from_db()
    assert case.fees_paid and case.fee_reduction_reason == "SGB II notice"


def test_fees_cannot_be_recorded_on_a_closed_case_or_by_another_department():
    closed = ready_case(CaseState.HANDED_OVER, fee_paid_cents=0)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.record_fee_payment(case=closed, user=worker_for(closed), amount_cents=100)
    open_case = ready_case(CaseState.CHECKED, fee_paid_cents=0)
    with pytest.raises(PermissionDenied):
        services.record_fee_payment(case=open_case, user=MembershipFactory().user, amount_cents=100)
    assert Case.objects.get(pk=open_case.pk).fee_paid_cents == 0


def test_biometrics_on_site_photo_costs_six_euros_and_qr_needs_a_reference():
    case = ready_case(CaseState.CHECKED, photo_source="", biometrics_taken_at=None)
    counter = counter_staff()
    with pytest.raises(ValidationError) as exc:
        services.record_biometrics(case=case, user=counter, photo_source=PhotoSource.QR_CODE)
    assert "photo_reference" in exc.value.message_dict
    due = case.fee_due_cents
    services.record_biometrics(case=case, user=counter, photo_source=PhotoSource.ON_SITE)
    case.refresh_from_db()
    assert case.fee_due_cents == due + 600
    assert case.biometrics_taken_at is not None and case.signature_taken
    services.record_biometrics(case=case, user=counter, photo_source=PhotoSource.ON_SITE)
    assert Case.objects.get(pk=case.pk).fee_due_cents == due + 600  # charged once


def test_fingerprint_exemption_only_under_six():
    adult = ready_case(CaseState.CHECKED)
    with pytest.raises(ValidationError, match="aged 6 and over"):
        services.record_biometrics(
            case=adult,
            user=worker_for(adult),
            photo_source=PhotoSource.ON_SITE,
            fingerprints_exempt=True,
        )
    child = ready_case(
        CaseState.CHECKED,
        person=PersonFactory(birth_date=timezone.localdate() - dt.timedelta(days=3 * 365)),
    )
    services.record_biometrics(
        case=child,
        user=worker_for(child),
        photo_source=PhotoSource.ON_SITE,
        fingerprints_exempt=True,
    )
    assert Case.objects.get(pk=child.pk).fingerprints_exempt


def test_documents_are_marked_received_on_the_checklist():
    case = ready_case(documents=[("income", "Proof of income", False)])
    worker = worker_for(case)
    services.mark_document_received(case=case, user=worker, code="income")
    doc = CaseDocument.objects.get(case=case, code="income")
    assert doc.received and doc.received_at is not None
    with pytest.raises(ValidationError):
        services.mark_document_received(case=case, user=worker, code="unknown")
    counter = counter_staff()
    with pytest.raises(PermissionDenied):  # not at the Service Point's steps
        services.mark_document_received(case=case, user=counter, code="income", received=False)


def test_card_delivery_needs_an_open_order():
    case = ready_case(CaseState.BIOMETRICS)
    worker = worker_for(case)
    services.fire_transition(case=case, user=worker, transition="order_card")
    order = services.record_card_delivered(case=case, user=counter_staff())
    assert order.status == CardOrderStatus.DELIVERED and order.delivered_at
    with pytest.raises(ValidationError, match="no open card order"):
        services.record_card_delivered(case=case, user=worker)
    assert CardOrder.objects.get(case=case).status == CardOrderStatus.DELIVERED


def test_update_case_respects_editable_fields_and_recomputes_the_fiktion_flag():
    case = ready_case()
    worker = worker_for(case)
    services.update_case(
        case=case,
        user=worker,
        changes={"is_extension": True, "title_expires_on": timezone.localdate() - dt.timedelta(1)},
    )
    assert Case.objects.get(pk=case.pk).filed_in_time is False
    with pytest.raises(ValidationError):
        services.update_case(case=case, user=worker, changes={"state": "refused"})
    checked = ready_case(CaseState.CHECKED)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_case(case=checked, user=worker_for(checked), changes={"channel": "post"})


# -- people: comments, reassignment, sharing, access log ----------------------------------------


def test_comments_need_text_and_a_working_role():
    case = ready_case()
    worker = worker_for(case)
    comment = services.add_comment(case=case, user=worker, text="  Called the applicant. ")
    assert comment.text == "Called the applicant."
    with pytest.raises(ValidationError):
        services.add_comment(case=case, user=worker, text="   ")
    with pytest.raises(PermissionDenied):
        services.add_comment(case=case, user=MembershipFactory().user, text="hello")
    assert CaseComment.objects.count() == 1


def test_only_the_supervisor_reassigns_and_only_to_the_departments_caseworkers():
    case = ready_case()
    supervisor = worker_for(case, Role.SUPERVISOR)
    worker = worker_for(case)
    services.reassign(case=case, user=supervisor, assignee=worker)
    assert Case.objects.get(pk=case.pk).assigned_to == worker == case.assigned_to
    with pytest.raises(PermissionDenied):
        services.reassign(case=case, user=worker, assignee=worker)
    with pytest.raises(ValidationError):
        services.reassign(case=case, user=supervisor, assignee=MembershipFactory().user)
    assert Case.objects.get(pk=case.pk).assigned_to == worker


def test_a_reassignment_is_a_row_of_the_history_and_keeps_the_state():
    case = ready_case()
    supervisor = worker_for(case, Role.SUPERVISOR)
    first = worker_for(case)
    first.first_name, first.last_name = "Sabine", "Krüger"
    first.save()
    second = worker_for(case)
    services.reassign(case=case, user=supervisor, assignee=first)
    services.reassign(case=case, user=supervisor, assignee=first)  # no change: no row
    services.reassign(case=case, user=supervisor, assignee=second)
    services.reassign(case=case, user=supervisor, assignee=None)
    rows = list(CaseHistory.objects.filter(case=case, transition="reassign").order_by("id"))
    assert [(r.by, r.from_state, r.to_state) for r in rows] == [
        (supervisor, case.state, case.state)
    ] * 3
    assert [r.comment for r in rows] == [
        "Previously: nobody. Now: Sabine Krüger.",
        f"Previously: Sabine Krüger. Now: {second.username}.",
        f"Previously: {second.username}. Now: nobody.",
    ]
    # A refused reassignment writes nothing.
    with pytest.raises(ValidationError):
        services.reassign(case=case, user=supervisor, assignee=MembershipFactory().user)
    assert CaseHistory.objects.filter(case=case, transition="reassign").count() == 3


def test_sharing_opens_one_case_until_it_expires_and_can_be_revoked():
    case = ready_case()
    supervisor = worker_for(case, Role.SUPERVISOR)
    colleague = MembershipFactory().user  # another department
    assert not policy_for(colleague).may_view(case)
    grant = services.share_case(
        case=case,
        user=supervisor,
        grantee_user=colleague,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert grant.granted_by == supervisor
    assert case_roles(colleague, case) == {"viewer"}
    assert case in cases_visible_to(colleague)
    assert not policy_for(colleague).editable_fields(case)
    assert available_transitions(case=case, user=colleague) == []
    grant.expires_at = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    assert not policy_for(colleague).may_view(case) and case not in cases_visible_to(colleague)
    assert services.revoke_share(case=case, user=supervisor, grantee_user=colleague) == 1


def test_sharing_with_a_group_and_its_limits():
    case = ready_case()
    supervisor = worker_for(case, Role.SUPERVISOR)
    group = Group.objects.create(name="Integration course office")
    member = UserFactory()
    member.groups.add(group)
    services.share_case(
        case=case,
        user=supervisor,
        grantee_group=group,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert policy_for(member).may_view(case)
    soon = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.share_case(case=case, user=worker_for(case), grantee_user=member, expires_at=soon)
    for kwargs in (
        {"grantee_user": member, "grantee_group": group, "expires_at": soon},
        {"grantee_user": member, "expires_at": timezone.now() - dt.timedelta(days=1)},
        {"grantee_user": member, "expires_at": timezone.now() + dt.timedelta(days=400)},
    ):
        with pytest.raises(ValidationError):
            services.share_case(case=case, user=supervisor, **kwargs)


def test_access_log_records_who_opened_the_file_and_only_supervisors_read_it():
    case = ready_case()
    worker = worker_for(case)
    supervisor = worker_for(case, Role.SUPERVISOR)
    services.log_case_access(case=case, user=worker, route="backoffice")
    services.log_case_access(case=case, user=worker, route="api")
    with pytest.raises(ValidationError):
        services.log_case_access(case=case, user=worker, route="telepathy")
    rows = list(access_log(case=case, user=supervisor).values_list("user", "route"))
    assert rows == [(worker.pk, "api"), (worker.pk, "backoffice")]
    with pytest.raises(PermissionDenied):
        access_log(case=case, user=worker)
    assert CaseAccessLog.objects.count() == 2


# -- selectors and permission helpers ------------------------------------------------------------


def test_service_point_sees_and_edits_only_its_steps():
    case = ready_case(CaseState.CHECKED)
    counter = counter_staff()
    assert {o.name for o in available_transitions(case=case, user=counter)} == {"take_biometrics"}
    assert editable_fields(case=case, user=counter) == {
        "fee_paid_cents",
        "fee_reduction_reason",
        "photo_source",
        "photo_reference",
        "fingerprints_exempt",
        "signature_taken",
    }
    policy = policy_for(counter)
    assert policy.may_fire(case, "take_biometrics") and not policy.may_fire(case, "refuse")
    received = ready_case(CaseState.RECEIVED)
    assert (
        not policy_for(counter).may_view(received)
        and editable_fields(case=received, user=counter) == set()
    )


def test_caseworker_sees_unavailable_transitions_with_reasons():
    case = ready_case(documents=[("income", "Proof of income", False)])
    options = {o.name: o for o in available_transitions(case=case, user=worker_for(case))}
    assert set(options) == {"check", "request_documents", "intend_refusal", "withdraw", "forward"}
    assert not options["check"].allowed
    assert options["check"].reasons == ["missing: Proof of income"]
    assert options["intend_refusal"].allowed
    assert options["intend_refusal"].inputs == ("grounds", "due_on")


def test_case_history_lists_rows_oldest_first():
    case = ready_case()
    worker = worker_for(case)
    services.fire_transition(
        case=case, user=worker, transition="check", data={"granted_until": valid_until()}
    )
    services.fire_transition(case=case, user=worker, transition="withdraw")
    # The check's invitation letter writes its row after the step's own.
    assert [(row.transition, row.to_state) for row in case_history(case=case)] == [
        ("check", "checked"),
        ("letter_sent", "checked"),
        ("withdraw", "withdrawn"),
    ]


# -- family members and documents from the applicant ------------------------------------------


def test_a_family_member_is_linked_to_the_main_applicants_case(case_type):
    main = services.create_case(person=PersonFactory(), case_type=case_type, channel="online")
    child = services.create_case(
        person=PersonFactory(),
        case_type=case_type,
        channel="online",
        filed_with=main,
        family_relation="child",
    )
    assert child.filed_with == main and child.family_relation == "child"
    assert list(main.family_cases.all()) == [child]
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            person=PersonFactory(),
            case_type=case_type,
            channel="online",
            filed_with=child,
            family_relation="child",
        )
    assert "filed_with" in exc.value.message_dict, "members link to the main case only"
    with pytest.raises(ValidationError):
        services.create_case(
            person=PersonFactory(), case_type=case_type, channel="online", family_relation="child"
        )


def test_documents_from_the_applicant_are_received_with_history_and_an_announcement(
    case_type, django_capture_on_commit_callbacks
):
    case = services.create_case(person=PersonFactory(), case_type=case_type, channel="online")
    heard = []

    def listen(sender, case=None, change=None, **kwargs):
        heard.append(change)

    services.case_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.receive_applicant_documents(case=case, files={"income": "cases/x/income.pdf"})
    finally:
        services.case_changed.disconnect(listen)
    income = CaseDocument.objects.get(case=case, code="income")
    assert income.received and income.file == "cases/x/income.pdf"
    row = CaseHistory.objects.filter(case=case).last()
    assert (row.transition, row.via, row.by) == ("documents_received", "online", None)
    assert "Proof of income" in row.comment
    assert heard == ["documents"]


def test_documents_not_on_the_checklist_change_nothing(case_type):
    case = services.create_case(person=PersonFactory(), case_type=case_type, channel="online")
    with pytest.raises(ValidationError):
        services.receive_applicant_documents(
            case=case, files={"income": "a.pdf", "unknown": "b.pdf"}
        )
    assert not CaseDocument.objects.filter(case=case, received=True).exists()
    assert CaseHistory.objects.filter(case=case).count() == 1
