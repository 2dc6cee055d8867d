"""Hearing before a refusal and notices with four eyes (issue 13)."""

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from casework import services
from casework.constants import (
    CaseState,
    HearingAnswerVia,
    HistoryEvent,
    NoticeDelivery,
    NoticeKind,
    NoticeStatus,
    Role,
)
from casework.exceptions import TransitionNotAllowed
from casework.models import Case, CaseHistory, Notice
from casework.notices import notice_storage
from casework.selectors import available_transitions

from .factories import MembershipFactory, PersonFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reasons are read in English here (the office's default language is German)."""
    with translation.override("en"):
        yield


GROUNDS = "Der Lebensunterhalt ist nicht gesichert (§ 5 Abs. 1 Nr. 1 AufenthG)."


def _staff(case, role):
    return MembershipFactory(department=case.department, role=role).user


def _caseworker(case):
    return case.department.memberships.filter(role=Role.CASEWORKER).first().user


def _intend(case, user, days=14):
    return services.fire_transition(
        case=case,
        user=user,
        transition="intend_refusal",
        data={"grounds": GROUNDS, "due_on": timezone.localdate() + dt.timedelta(days=days)},
    )


def _draft(case, user):
    return services.fire_transition(
        case=case, user=user, transition="draft_refusal", data={"reason": "Nicht gesichert."}
    )


def test_a_refusal_without_hearing_is_impossible():
    """From an open case the only way to a refusal is the hearing: "refuse" and "draft the
    refusal" do not leave the states before it, and say so."""
    case = WorkflowCaseFactory(checked=True)
    worker = _caseworker(case)
    for name in ("refuse", "draft_refusal"):
        with pytest.raises(TransitionNotAllowed) as exc:
            services.fire_transition(case=case, user=worker, transition=name, data={})
        assert "not possible in state" in str(exc.value)
    names = {o.name for o in available_transitions(case=case, user=worker)}
    assert "intend_refusal" in names and "refuse" not in names


def test_intend_refusal_issues_the_hearing_letter_with_its_deadline(
    django_capture_on_commit_callbacks,
):
    person = PersonFactory(email="olena@example.org", preferred_language="uk")
    case = WorkflowCaseFactory(person=person)
    worker = _caseworker(case)
    mail.outbox.clear()
    with pytest.raises(TransitionNotAllowed) as exc:
        _intend(case, worker, days=5)
    assert "at least 14 days" in str(exc.value)
    case = Case.objects.get(pk=case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _intend(case, worker, days=21)
    case.refresh_from_db()
    assert case.state == CaseState.HEARING
    hearing = case.hearings.get()
    assert hearing.grounds == GROUNDS and not hearing.answered
    letter = case.notices.get(kind=NoticeKind.HEARING)
    assert letter.status == NoticeStatus.ISSUED and letter.issued_by == worker
    assert [s["language"] for s in letter.sections] == ["de", "uk"]
    assert GROUNDS in "\n".join(letter.sections[0]["paragraphs"])
    due = hearing.due_on.strftime("%d.%m.%Y")
    assert due in "\n".join(letter.sections[0]["paragraphs"])
    with notice_storage().open(letter.file, "rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == letter.sha256
    assert letter.delivery == NoticeDelivery.EMAIL
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olena@example.org"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    letter.refresh_from_db()
    assert letter.emailed_at is not None


def test_refusal_is_drafted_only_after_the_answer_or_the_deadline(monkeypatch):
    case = WorkflowCaseFactory(hearing=True)
    worker = _caseworker(case)
    with pytest.raises(TransitionNotAllowed) as exc:
        _draft(case, worker)
    due = case.hearings.get().due_on
    assert f"runs until {due:%d.%m.%Y}" in str(exc.value)
    # After the deadline without an answer: possible.
    later = due + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    case = Case.objects.get(pk=case.pk)
    _draft(case, worker)
    assert Case.objects.get(pk=case.pk).state == CaseState.REFUSAL_DRAFTED


def test_an_answer_recorded_allows_the_draft_at_once_and_is_in_the_history():
    case = WorkflowCaseFactory(hearing=True)
    worker = _caseworker(case)
    with pytest.raises(ValidationError):
        services.record_hearing_answer(case=case, user=worker, answer="", via="letter")
    services.record_hearing_answer(
        case=case, user=worker, answer="Ich habe eine Stelle in Aussicht.", via="letter"
    )
    row = case.history.get(transition=HistoryEvent.HEARING_ANSWER)
    assert row.by == worker and "Stelle" in row.comment
    _draft(Case.objects.get(pk=case.pk), worker)
    notice = Case.objects.get(pk=case.pk).notices.get(kind=NoticeKind.REFUSAL)
    text = "\n".join(notice.sections[0]["paragraphs"])
    # The German notice carries the office's instructions on legal remedies under a German
    # heading (whatever language the caseworker uses).
    assert "Rechtsbehelfsbelehrung" in text and "Klage" in text
    assert notice.status == NoticeStatus.DRAFTED


def test_the_applicant_answers_on_the_status_page_without_a_user():
    case = WorkflowCaseFactory(hearing=True)
    services.record_hearing_answer(
        case=case, user=None, answer="Bitte berücksichtigen Sie …", via=HearingAnswerVia.STATUS_PAGE
    )
    with pytest.raises(ValidationError):
        services.record_hearing_answer(
            case=case, user=None, answer="noch einmal", via=HearingAnswerVia.STATUS_PAGE
        )
    with pytest.raises(PermissionDenied):
        services.record_hearing_answer(case=case, user=None, answer="x", via="letter")
    assert case.history.get(transition=HistoryEvent.HEARING_ANSWER).actor


def test_the_drafter_cannot_approve_and_the_caseworker_has_no_approval_role():
    case = WorkflowCaseFactory(refusal_drafted=True)
    worker = _caseworker(case)
    notice = case.notices.get(kind=NoticeKind.REFUSAL)
    with pytest.raises(PermissionDenied):
        services.approve_notice(notice=notice, user=_staff(case, Role.CASEWORKER))
    # A supervisor who drafted it themselves: four eyes say no, with the reason.
    supervisor = _staff(case, Role.SUPERVISOR)
    case = Case.objects.get(pk=case.pk)
    services.fire_transition(case=case, user=worker, transition="revise_refusal", note="neu")
    case = Case.objects.get(pk=case.pk)
    _draft(case, supervisor)
    own = Case.objects.get(pk=case.pk).notices.get(status=NoticeStatus.DRAFTED)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.approve_notice(notice=own, user=supervisor)
    assert "drafted a notice cannot approve it" in str(exc.value)
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DISCARDED


def test_issue_needs_approval_then_freezes_the_pdf_and_marks_it_for_post(
    django_capture_on_commit_callbacks,
):
    case = WorkflowCaseFactory(refusal_drafted=True, person=PersonFactory(email=""))
    worker = _caseworker(case)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.fire_transition(case=case, user=worker, transition="refuse")
    assert "not been approved by a second person" in str(exc.value)
    notice = case.notices.get(kind=NoticeKind.REFUSAL)
    supervisor = _staff(case, Role.SUPERVISOR)
    services.approve_notice(notice=notice, user=supervisor, note="Einverstanden.")
    assert case.history.filter(transition=HistoryEvent.NOTICE_APPROVED, by=supervisor).exists()
    case = Case.objects.get(pk=case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.fire_transition(case=case, user=worker, transition="refuse")
    notice.refresh_from_db()
    assert Case.objects.get(pk=case.pk).state == CaseState.REFUSED
    assert notice.status == NoticeStatus.ISSUED and notice.approved_by == supervisor
    assert notice.delivery == NoticeDelivery.POST and notice.posted_at is None
    with notice_storage().open(notice.file, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == notice.sha256
    services.mark_notice_posted(notice=notice, user=worker)
    assert Notice.objects.get(pk=notice.pk).posted_at is not None


def test_an_issued_notice_cannot_be_changed_or_deleted():
    case = WorkflowCaseFactory(refused=True)
    notice = case.notices.get(kind=NoticeKind.REFUSAL)
    assert notice.status == NoticeStatus.ISSUED
    notice.sections = [{"language": "de", "subject": "anders", "paragraphs": ["x"]}]
    with pytest.raises(ValueError, match="cannot be changed"):
        notice.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        Notice.objects.get(pk=notice.pk).delete()
    stored = Notice.objects.get(pk=notice.pk)
    with pytest.raises(TransitionNotAllowed):
        services.approve_notice(notice=stored, user=_staff(case, Role.SUPERVISOR))
    assert Notice.objects.get(pk=notice.pk).sections[0]["subject"] != "anders"


def test_every_step_of_the_refusal_writes_its_history():
    case = WorkflowCaseFactory(refused=True)
    steps = list(CaseHistory.objects.filter(case=case).values_list("transition", flat=True))
    assert steps == [
        "create",
        "intend_refusal",
        "hearing_answer",
        "draft_refusal",
        "notice_approved",
        "refuse",
    ]


def test_the_legal_remedy_stands_before_the_closing_under_a_heading(
    django_capture_on_commit_callbacks,
):
    """The instructions on legal remedies are part of what the office signs: in every
    language they come before "Mit freundlichen Grüßen", their title a heading (bold, and an
    H2 in the tagged PDF), the closing stays last."""
    import io

    from pypdf import PdfReader

    person = PersonFactory(preferred_language="uk")
    case = WorkflowCaseFactory(hearing=True, person=person)
    worker = _caseworker(case)
    services.record_hearing_answer(case=case, user=worker, answer="Stelle", via="letter")
    _draft(Case.objects.get(pk=case.pk), worker)
    notice = Case.objects.get(pk=case.pk).notices.get(kind=NoticeKind.REFUSAL)
    german, ukrainian = notice.sections
    for section in (german, ukrainian):
        (heading,) = section["headings"]
        assert heading < len(section["paragraphs"]) - 1
        assert "{{" not in section["paragraphs"][-1]
    assert german["paragraphs"][-1].startswith("Mit freundlichen Grüßen")
    assert german["paragraphs"][german["headings"][0]] == "Rechtsbehelfsbelehrung"
    assert ukrainian["paragraphs"][ukrainian["headings"][0]].startswith("Роз'яснення")

    boss = _staff(case, Role.SUPERVISOR)
    services.approve_notice(notice=notice, user=boss)
    with django_capture_on_commit_callbacks(execute=True):
        services.fire_transition(
            case=Case.objects.get(pk=case.pk), user=worker, transition="refuse", data={}
        )
    notice.refresh_from_db()
    with notice_storage().open(notice.file, "rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    german_text = text[: text.index(ukrainian["subject"][:20])]
    assert german_text.index("Rechtsbehelfsbelehrung") < german_text.index("Mit freundlichen")
    kinds = []
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if "/S" in node:
            kinds.append(str(node["/S"]))
        kids = node.get("/K")
        for kid in [] if kids is None else kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                pending.append(kid)
    assert kinds.count("/H2") == 2, kinds  # one heading per language


# -- grant notices (four eyes before the card) ---------------------------------------------


def _pay(case):
    open_cents = case.fee_due_cents - case.fee_paid_cents
    if open_cents > 0:
        services.record_fee_payment(case=case, user=_caseworker(case), amount_cents=open_cents)
    return Case.objects.get(pk=case.pk)


def test_the_check_drafts_the_grant_notice_and_the_card_waits_for_its_approval_and_issue(
    django_capture_on_commit_callbacks,
):
    """A grant is decided by a notice: the check drafts it from the templates (validity and
    the instructions on legal remedies in it); the card is ordered only after a second person
    approved it and it was issued, and the state machine says which of the two is missing."""
    person = PersonFactory(email="", preferred_language="ru")
    case = WorkflowCaseFactory(biometrics=True, person=person)
    worker = _caseworker(case)
    notice = case.notices.get(kind=NoticeKind.GRANT)
    assert notice.status == NoticeStatus.DRAFTED and notice.drafted_by == worker
    assert [s["language"] for s in notice.sections] == ["de", "ru"]
    german = "\n".join(notice.sections[0]["paragraphs"])
    assert f"{case.granted_until:%d.%m.%Y}" in german and "Rechtsbehelfsbelehrung" in german
    case = _pay(case)

    def order():
        services.fire_transition(
            case=Case.objects.get(pk=case.pk), user=worker, transition="order_card"
        )

    with pytest.raises(TransitionNotAllowed) as exc:
        order()
    assert "grant notice has not been approved by a second person" in str(exc.value)
    # Issuing before the approval: the notice's own workflow says why not.
    with pytest.raises(TransitionNotAllowed) as exc:
        services.issue_notice(notice=notice, user=worker)
    assert "not been approved by a second person" in str(exc.value)
    supervisor = _staff(case, Role.SUPERVISOR)
    services.approve_notice(notice=notice, user=supervisor)
    with pytest.raises(TransitionNotAllowed) as exc:
        order()
    assert "approved grant notice has not been issued yet" in str(exc.value)
    # The Service Point takes biometrics but does not decide.
    with pytest.raises(PermissionDenied):
        services.issue_notice(notice=notice, user=_staff(case, Role.SERVICE_POINT))
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_notice(notice=notice, user=worker)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.issued_by == worker
    with notice_storage().open(notice.file, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == notice.sha256
    row = case.history.get(transition=HistoryEvent.NOTICE_ISSUED)
    assert row.by == worker and row.from_state == row.to_state == CaseState.BIOMETRICS
    order()
    assert Case.objects.get(pk=case.pk).state == CaseState.PRODUCED
    # Issued is final: no second issue, no new draft.
    with pytest.raises(TransitionNotAllowed):
        services.issue_notice(notice=notice, user=worker)
    with pytest.raises(ValidationError):
        services.draft_grant_notice(case=Case.objects.get(pk=case.pk), user=worker)


def test_drafting_the_grant_notice_again_discards_the_open_draft_and_needs_a_new_approval():
    case = WorkflowCaseFactory(checked=True)
    worker = _caseworker(case)
    first = case.notices.get(kind=NoticeKind.GRANT)
    services.approve_notice(notice=first, user=_staff(case, Role.SUPERVISOR))
    again = services.draft_grant_notice(case=Case.objects.get(pk=case.pk), user=worker)
    first.refresh_from_db()
    assert first.status == NoticeStatus.DISCARDED
    assert again.status == NoticeStatus.DRAFTED and again.pk != first.pk
    assert case.history.filter(transition=HistoryEvent.NOTICE_DRAFTED, by=worker).count() == 1
    # Not before the check, and not by someone who does not decide.
    with pytest.raises(PermissionDenied):
        services.draft_grant_notice(
            case=Case.objects.get(pk=case.pk), user=_staff(case, Role.SERVICE_POINT)
        )
    received = WorkflowCaseFactory()
    with pytest.raises(ValidationError):
        services.draft_grant_notice(case=received, user=_caseworker(received))
    assert not received.notices.exists()
