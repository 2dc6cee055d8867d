"""The receipt names the applicant, the date of birth, the family members and the office's
address; a receipt in another language repeats everything in German for employers."""

import io

import pytest
from pypdf import PdfReader
from wagtail.models import Site

from applications.models import Submission
from cms.models import OfficeSettings

from .conftest import Wizard, personal_data

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
            "email": "abh@example.org",
        },
    )


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def _file(client, case_types, *, language: str, family=None) -> str:
    wizard = Wizard(client, kind="ukraine", language=language)
    wizard.fill_until_documents(case_types["24"], family=family)
    _response, token = wizard.finish()
    return token


def test_a_ukrainian_receipt_names_applicant_birth_date_office_and_has_a_german_part(
    client, case_types
):
    child = {
        "relation": "child",
        "family_name": "SHEVCHENKO",
        "given_names": "DARYNA",
        "birth_date": "2019-08-01",
        "nationality": "UKR",
        "id_document": "birth_certificate",
    }
    token = _file(client, case_types, language="uk", family=[child])
    case = Submission.objects.get(token=token).case
    (child_case,) = case.family_cases.all()
    pages = _pages(client.get(f"/uk/antrag/bestaetigung/{token}/quittung.pdf"))
    assert len(pages) == 2
    ukrainian, german = pages
    for text in pages:
        assert case.file_number in text
        assert "SHEVCHENKO, OLENA (Шевченко Олена)" in text
        assert "Düsseldorfer Straße 26" in text and "40822 Mettmann" in text
        assert "DARYNA" in text and child_case.file_number in text
    assert "Заявник" in ukrainian and "17 травня 1990" in ukrainian
    assert "Antragsteller" in german and "17. Mai 1990" in german
    assert "Arbeitgeber" in german and "Jobcenter" in german
    assert "Kind" in german and "Eingangsbestätigung" in german


def test_a_german_receipt_has_no_second_german_part(client, case_types):
    token = _file(client, case_types, language="de")
    pages = _pages(client.get(f"/de/antrag/bestaetigung/{token}/quittung.pdf"))
    assert len(pages) == 1
    assert "SHEVCHENKO, OLENA" in pages[0] and "17. Mai 1990" in pages[0]
    assert "Arbeitgeber" not in pages[0]


def test_the_e_mailed_receipt_has_the_german_part_too(
    client, case_types, django_capture_on_commit_callbacks
):
    wizard = Wizard(client, kind="ukraine", language="de")
    wizard.fill_until_documents(case_types["24"], personal=personal_data(language="ru"))
    with django_capture_on_commit_callbacks(execute=True):
        wizard.finish()
    from django.core import mail

    (_name, content, _type) = mail.outbox[0].attachments[0]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) == 2 and "Заявитель" in pages[0] and "Antragsteller" in pages[1]
