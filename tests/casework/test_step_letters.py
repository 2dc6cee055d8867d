"""The letters that go with their step (issue 13, item 5): the check invites the applicant to
the Service Point, the delivered card is announced for collection. Both from the office's
templates in German and the applicant's language, issued at once (no approval: they decide
nothing), kept with the case as sent, e-mailed with the PDF or marked for post, each with a
history row."""

import pytest
from django.core import mail

from casework import services
from casework.constants import HistoryEvent, NoticeDelivery, NoticeKind, NoticeStatus, Role
from casework.effects import send_invitation
from casework.models import Membership
from casework.notices import notice_storage

from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db


def _letters(case, kind):
    return list(case.notices.filter(kind=kind).order_by("id"))


def _pdf(notice) -> bytes:
    with notice_storage().open(notice.file, "rb") as stored:
        return stored.read()


def test_the_check_invites_the_applicant_in_german_and_their_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # the PDF and the e-mail
        case = WorkflowCaseFactory(
            checked=True, person__preferred_language="uk", person__email="olena@example.org"
        )
    (invitation,) = _letters(case, NoticeKind.INVITATION)
    assert invitation.status == NoticeStatus.ISSUED and invitation.approved_by_id is None
    assert [s["language"] for s in invitation.sections] == ["de", "uk"]
    german, ukrainian = invitation.sections
    assert case.file_number in german["subject"] and "Service Point" in german["subject"]
    text = "\n".join(german["paragraphs"])
    assert "/termin/" in text and "Fingerabdrücke" in text and "/status/" in text
    assert "Запрошення" in ukrainian["subject"]
    assert _pdf(invitation).startswith(b"%PDF") and invitation.sha256
    assert invitation.delivery == NoticeDelivery.EMAIL
    sent = [m for m in mail.outbox if m.subject == ukrainian["subject"]]
    assert len(sent) == 1 and sent[0].to == ["olena@example.org"]
    assert sent[0].attachments[0][0] == f"{case.file_number}-invitation.pdf"
    row = case.history.get(transition=HistoryEvent.LETTER_SENT)
    assert row.by == invitation.drafted_by and row.comment == str(invitation.get_kind_display())


def test_one_invitation_per_case_and_by_post_without_an_address():
    case = WorkflowCaseFactory(checked=True)
    (invitation,) = _letters(case, NoticeKind.INVITATION)
    assert invitation.delivery == NoticeDelivery.POST and not invitation.emailed_to
    assert send_invitation(case, invitation.drafted_by, invitation.issued_at) is None
    assert len(_letters(case, NoticeKind.INVITATION)) == 1


def test_the_delivered_card_is_announced_for_collection_by_the_service_point(
    django_capture_on_commit_callbacks,
):
    case = WorkflowCaseFactory(produced=True, person__preferred_language="ru")
    assert _letters(case, NoticeKind.CARD_READY) == []
    counter = Membership.objects.filter(role=Role.SERVICE_POINT).first().user
    history = case.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_card_delivered(case=case, user=counter)
    (letter,) = _letters(case, NoticeKind.CARD_READY)
    assert letter.status == NoticeStatus.ISSUED and letter.issued_by == counter
    assert [s["language"] for s in letter.sections] == ["de", "ru"]
    assert "Abholung" in letter.sections[0]["subject"]
    assert "готова к выдаче" in letter.sections[1]["subject"]
    assert _pdf(letter).startswith(b"%PDF")
    assert case.history.count() == history + 1
    assert case.history.latest("id").transition == HistoryEvent.LETTER_SENT
