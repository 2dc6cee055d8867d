"""During a hearing the applicant comments on the status page; issued letters are there too."""

import hashlib
import re

import pytest
from django.utils import formats, translation

from casework.constants import CaseState, HearingAnswerVia, HistoryEvent, NoticeKind
from casework.models import Case
from tests.casework.factories import PersonFactory, WorkflowCaseFactory

from .conftest import pdf_bytes, upload
from .test_status import BIRTH, look_up

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


@pytest.fixture
def case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the letter's file is published
        return WorkflowCaseFactory(hearing=True, person=PersonFactory(birth_date=BIRTH))


def test_the_applicant_comments_once_with_a_document(client, case):
    response = look_up(client, case.file_number, BIRTH)
    html = response.text
    assert response.status_code == 200, html[-2000:]
    due = case.hearings.get().due_on
    with translation.override("en"):
        shown = formats.date_format(due, "SHORT_DATE_FORMAT")
    assert 'id="answer-hearing"' in html and shown in html
    # The hearing letter is there to read again.
    links = re.findall(r'href="(/en/status/bescheid/[^"]+)"', html)
    assert len(links) == 1
    pdf = client.get(links[0])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    token = _token(html)
    empty = client.post("/en/status/stellungnahme/", {"token": token, "answer": "  "})
    assert empty.status_code == 400 and "Please write your comments" in empty.text
    response = client.post(
        "/en/status/stellungnahme/",
        {
            "token": token,
            "answer": "Ich habe inzwischen eine Arbeitsstelle.",
            "attachment": upload("vertrag.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 200 and 'id="hearing-answered"' in response.text
    hearing = Case.objects.get(pk=case.pk).hearings.get()
    assert hearing.answer_via == HearingAnswerVia.STATUS_PAGE and hearing.answer_recorded_by is None
    assert len(hearing.answer_files) == 1 and hearing.answer_files[0].endswith(".pdf")
    row = case.history.get(transition=HistoryEvent.HEARING_ANSWER)
    assert row.by is None and row.actor
    # A second answer from the page is not taken (it goes by post).
    again = client.post("/en/status/stellungnahme/", {"token": token, "answer": "Nachtrag"})
    assert 'id="answer-hearing"' not in again.text
    assert Case.objects.get(pk=case.pk).hearings.get().answer.count("Nachtrag") == 0


def test_a_forged_or_old_notice_link_is_404(client, case):
    assert client.get("/en/status/bescheid/not-a-token/").status_code == 404


def test_the_applicant_sees_the_refusal_notice_once_issued(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refused = WorkflowCaseFactory(refused=True, person=PersonFactory(birth_date=BIRTH))
    html = look_up(client, refused.file_number, BIRTH).text
    assert "Refusal notice" in html and "Hearing letter" in html
    assert 'id="answer-hearing"' not in html
    links = re.findall(r'href="(/en/status/bescheid/[^"]+)"', html)
    notice = refused.notices.get(kind=NoticeKind.REFUSAL)
    bodies = [b"".join(client.get(link).streaming_content) for link in links]
    assert notice.sha256 in {hashlib.sha256(body).hexdigest() for body in bodies}
    assert refused.state == CaseState.REFUSED
