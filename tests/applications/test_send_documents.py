"""The status page takes the requested documents (through casework, which writes the history
and announces the change) and names the office's postal address as the other way."""

import re
from pathlib import Path

import pytest
from django.core import signing
from wagtail.models import Site

from applications.views import _SEND_DOCUMENTS_SALT
from casework import services as casework_services
from casework.models import CaseDocument, CaseHistory
from cms.models import OfficeSettings
from tests.casework.factories import WorkflowCaseFactory

from .conftest import pdf_bytes, upload
from .test_status import BIRTH, look_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office():
    OfficeSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "office_name": "Ausländerbehörde Kreis Mettmann",
            "street": "Düsseldorfer Straße 26",
            "postcode": "40822",
            "city": "Mettmann",
            "phone": "02104 99 0000",
        },
    )


@pytest.fixture
def case():
    """A case waiting for the pay slips; the passport is in."""
    return WorkflowCaseFactory(
        documents=[
            ("income", "Gehaltsnachweise der letzten drei Monate"),
            ("passport", "Reisepass", True),
        ],
        documents_requested=True,
        person__birth_date=BIRTH,
    )


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def test_the_status_page_offers_the_upload_and_the_postal_address(client, case):
    response = look_up(client, case.file_number, BIRTH)
    html = response.text
    assert 'id="send-documents"' in html and 'name="doc_income"' in html
    assert 'name="doc_passport"' not in html, "only what is missing"
    address = html.split('data-testid="office-address"', 1)[1]
    assert "Düsseldorfer Straße 26" in address and "40822 Mettmann" in address
    assert "02104 99 0000" in address


def test_uploading_a_requested_document_files_it_with_history_and_an_announcement(
    client, case, settings, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, case=None, change=None, **kwargs):
        heard.append(change)

    token = _token(look_up(client, case.file_number, BIRTH))
    casework_services.case_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/en/status/unterlagen/",
                {"token": token, "doc_income": upload("gehalt.pdf", pdf_bytes())},
            )
    finally:
        casework_services.case_changed.disconnect(listen)
    assert response.status_code == 200
    assert 'id="documents-sent"' in response.text
    assert (
        "Gehaltsnachweise der letzten drei Monate" in response.text.split('id="documents-sent"')[1]
    )
    income = CaseDocument.objects.get(case=case, code="income")
    assert income.received and income.file.startswith(f"cases/{case.file_number}/")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / income.file).read_bytes().startswith(b"%PDF")
    row = CaseHistory.objects.filter(case=case).last()
    assert (row.transition, row.via, row.by) == ("documents_received", "online", None)
    assert heard == ["documents"]
    assert 'id="send-documents"' not in response.text, "nothing is missing any more"


def test_a_file_that_is_no_document_is_refused_and_changes_nothing(client, case):
    token = _token(look_up(client, case.file_number, BIRTH))
    response = client.post(
        "/en/status/unterlagen/",
        {"token": token, "doc_income": upload("gehalt.pdf", b"MZ\x90\x00 a program")},
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text and "not a PDF, JPEG or PNG" in response.text
    assert not CaseDocument.objects.get(case=case, code="income").received
    assert not CaseHistory.objects.filter(case=case, transition="documents_received").exists()


def test_sending_without_a_file_asks_for_one(client, case):
    token = _token(look_up(client, case.file_number, BIRTH))
    response = client.post("/en/status/unterlagen/", {"token": token})
    assert response.status_code == 400
    assert "Please choose at least one file" in response.text


@pytest.mark.parametrize("kind", ["forged", "unknown case", "another purpose"])
def test_a_wrong_token_sends_nothing(client, case, kind):
    token = {
        "forged": "forged",
        "unknown case": signing.dumps({"case": 10**9}, salt=_SEND_DOCUMENTS_SALT),
        "another purpose": signing.dumps({"case": case.pk}, salt="another purpose"),
    }[kind]
    response = client.post(
        "/uk/status/unterlagen/", {"token": token, "doc_income": upload("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 400
    assert 'id="send-expired"' in response.text
    assert not CaseDocument.objects.filter(case=case, code="income", received=True).exists()


def test_a_closed_case_takes_no_documents(client):
    closed = WorkflowCaseFactory(
        documents=[("income", "Gehaltsnachweise")], refused=True, person__birth_date=BIRTH
    )
    response = look_up(client, closed.file_number, BIRTH)
    assert 'id="send-documents"' not in response.text
