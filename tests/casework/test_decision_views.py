"""The case file's hearing and notices panel: answer, approve (four eyes), PDF as sent."""

import hashlib

import pytest
from django.urls import reverse

from casework.constants import CaseState, NoticeKind, NoticeStatus
from casework.models import Case

from .backoffice import build_office, member
from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def _url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.file_number, *args])


def test_the_caseworker_records_the_answer_and_drafts_the_refusal(client, office):
    case = WorkflowCaseFactory(hearing=True, case_type=office.type_a)
    client.force_login(office.worker_a)
    page = client.get(_url("case", case)).content.decode()
    assert 'data-panel="decisions"' in page
    assert _url("hearing_answer", case) in page
    # Drafting before the answer: the guard says why, in the case file.
    assert "Stellungnahme" in page and "Anhörungsfrist läuft bis" in page
    client.post(_url("hearing_answer", case), {"via": "letter", "answer": "Ich habe Arbeit."})
    assert Case.objects.get(pk=case.pk).hearings.get().answered
    client.post(
        _url("transition", case, "draft_refusal"),
        {"t-draft_refusal-state": CaseState.HEARING, "t-draft_refusal-reason": "Nein."},
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.REFUSAL_DRAFTED
    page = client.get(_url("case", case)).content.decode()
    notice = Case.objects.get(pk=case.pk).notices.get(kind=NoticeKind.REFUSAL)
    assert "wartet auf eine zweite Person" in page
    assert _url("approve_notice", case, notice.pk) not in page


def test_the_supervisor_approves_in_the_case_file_and_the_drafter_cannot(client, office):
    case = WorkflowCaseFactory(refusal_drafted=True, case_type=office.type_a)
    notice = case.notices.get(kind=NoticeKind.REFUSAL)
    assert notice.drafted_by == office.worker_a
    client.force_login(office.worker_a)
    client.post(_url("approve_notice", case, notice.pk))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFTED
    client.force_login(office.supervisor_a)
    page = client.get(_url("case", case)).content.decode()
    assert _url("approve_notice", case, notice.pk) in page
    client.post(_url("approve_notice", case, notice.pk), {"note": "ok"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED and notice.approved_by == office.supervisor_a


def test_the_issued_pdf_is_served_as_stored_and_not_to_another_department(
    client, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = WorkflowCaseFactory(refused=True, case_type=office.type_a)
    notice = case.notices.get(kind=NoticeKind.REFUSAL)
    client.force_login(office.supervisor_a)
    response = client.get(_url("notice_file", case, notice.pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == notice.sha256
    client.force_login(member(office.dept_b))
    assert client.get(_url("notice_file", case, notice.pk)).status_code == 404
    assert client.post(_url("approve_notice", case, notice.pk)).status_code == 404
    assert client.post(_url("hearing_answer", case), {"via": "letter"}).status_code == 404
