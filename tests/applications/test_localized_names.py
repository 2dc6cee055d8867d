"""Case types and documents in the applicant's language: wizard, confirmation, receipt,
e-mail and status page. Without a translation the German name is shown."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Submission
from casework.models import CaseDocument, RequiredDocument
from tests.casework.factories import PersonFactory, WorkflowCaseFactory

from .conftest import Wizard, pdf_bytes, personal_data, upload

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 9)


@pytest.fixture
def translated(case_types):
    """§ 24 and its checklist with Ukrainian names; the contract stays untranslated."""
    case_types["24"].name_uk = "Тимчасовий захист"
    case_types["24"].name_en = "Temporary protection"
    case_types["24"].save()
    RequiredDocument.objects.filter(case_type=case_types["24"], code="passport").update(
        name_uk="Закордонний паспорт", name_en="Passport"
    )
    return case_types


def test_wizard_in_ukrainian_offers_case_types_by_ukrainian_name(client, translated):
    wizard = Wizard(client, kind="ukraine", language="uk")
    response = wizard.post("personal", personal_data())
    assert response.context["wizard"]["steps"].current == "application"
    html = response.text
    # The German citation is marked as German for screen readers (WCAG 3.1.2).
    assert '<span lang="de">§ 24 AufenthG</span> – Тимчасовий захист' in html
    assert "Vorübergehender Schutz" not in html


def test_wizard_in_german_keeps_the_german_name(client, translated):
    wizard = Wizard(client, kind="ukraine", language="de")
    response = wizard.post("personal", personal_data())
    assert "§ 24 AufenthG – Vorübergehender Schutz" in response.text
    assert "Тимчасовий захист" not in response.text


def test_untranslated_case_type_is_shown_in_german_on_the_ukrainian_page(client, translated):
    wizard = Wizard(client, kind="employment", language="uk")
    response = wizard.post("personal", personal_data())
    assert (
        '<span lang="de">§ 18g AufenthG</span> – <span lang="de">Blaue Karte EU</span>'
        in response.text
    )


def test_documents_summary_confirmation_receipt_and_email_in_ukrainian(
    client, translated, django_capture_on_commit_callbacks
):
    wizard = Wizard(client, kind="ukraine", language="uk")
    response = wizard.fill_until_documents(translated["24"], personal=personal_data())
    # The upload fields carry the Ukrainian name, the untranslated one the German name.
    assert "Закордонний паспорт" in response.text
    assert "Arbeitsvertrag" in response.text
    wizard.post("documents", {"doc_contract": upload("contract.pdf", pdf_bytes())})
    wizard.post("photo", {"photo_source": "on_site"})
    summary = wizard.post("consent", {"consent": "on", "truthful": "on"})
    assert summary.context["wizard"]["steps"].current == "summary"
    assert '<span lang="de">§ 24 AufenthG</span> – Тимчасовий захист' in summary.text
    assert "Закордонний паспорт" in summary.text
    with django_capture_on_commit_callbacks(execute=True):
        token = wizard.token
        response = wizard.post("summary", {"token": token})
    confirmation = client.get(response["Location"])
    assert '<span lang="de">§ 24 AufenthG</span> – Тимчасовий захист' in confirmation.text
    assert "Закордонний паспорт" in confirmation.text  # missing, by its Ukrainian name
    # The case file keeps the German name for the back office.
    case = Submission.objects.get(token=token).case
    assert CaseDocument.objects.get(case=case, code="passport").name == "Reisepass"

    receipt = client.get(f"/uk/antrag/bestaetigung/{token}/quittung.pdf")
    text = _pdf_text(receipt.content)
    assert "Тимчасовий захист" in text and "Закордонний паспорт" in text
    receipt = client.get(f"/de/antrag/bestaetigung/{token}/quittung.pdf")
    text = _pdf_text(receipt.content)
    assert "Vorübergehender Schutz" in text and "Reisepass" in text
    assert "Тимчасовий" not in text

    # The e-mail is in the language chosen in the form (Ukrainian).
    (message,) = mail.outbox
    assert "§ 24 AufenthG – Тимчасовий захист" in message.body
    assert "Закордонний паспорт" in message.body


@pytest.fixture
def case_with_missing_documents(translated):
    person = PersonFactory(birth_date=BIRTH)
    due = timezone.localdate() + dt.timedelta(days=14)
    case = WorkflowCaseFactory(
        person=person,
        case_type=translated["24"],
        documents=[("passport", "Reisepass"), ("contract", "Arbeitsvertrag")],
        documents_requested=True,
        due_on=due,
    )
    # Added by the caseworker, not on the case type's checklist.
    # low-level: no service adds an item of its own to one case's checklist yet
    CaseDocument.objects.create(case=case, code="extra", name="Schulbescheinigung", due_on=due)
    return case


def _look_up(client, case, language):
    return client.post(
        f"/{language}/status/",
        {"file_number": case.file_number, "birth_date": BIRTH.isoformat()},
    )


def test_status_lists_missing_documents_in_the_page_language(client, case_with_missing_documents):
    case = case_with_missing_documents
    response = _look_up(client, case, "uk")
    assert response.context["status"].missing_documents == [
        "Закордонний паспорт",
        "Arbeitsvertrag",  # no Ukrainian name: German
        "Schulbescheinigung",  # not on the checklist: the case's name
    ]
    assert "Закордонний паспорт" in response.text
    response = _look_up(client, case, "de")
    assert response.context["status"].missing_documents == [
        "Reisepass",
        "Arbeitsvertrag",
        "Schulbescheinigung",
    ]
    assert "Reisepass" in response.text and "Закордонний паспорт" not in response.text
    response = _look_up(client, case, "en")
    assert response.context["status"].missing_documents[0] == "Passport"


def test_status_names_come_from_the_cases_own_type(client, case_with_missing_documents, translated):
    """Another case type's checklist item with the same code does not lend its name."""
    RequiredDocument.objects.filter(case_type=translated["18b"], code="contract").update(
        name_uk="Трудовий договір"
    )
    response = _look_up(client, case_with_missing_documents, "uk")
    assert "Трудовий договір" not in response.text
    assert "Arbeitsvertrag" in response.text


def test_status_lookup_fetches_translated_names_with_the_documents(
    client, case_with_missing_documents
):
    """The names come in the query of the missing documents: no query per document, and
    no separate query of the checklist."""
    from wagtail.models import Site

    from cms.models import OfficeSettings

    case = case_with_missing_documents
    # A site has its office settings; the first page otherwise creates them, which renews
    # the configuration cache after the warm-up request below.
    OfficeSettings.for_site(Site.objects.get(is_default_site=True))

    def queries() -> list[str]:
        _look_up(client, case, "uk")  # sessions, sites and caches warmed up
        with CaptureQueriesContext(connection) as captured:
            response = _look_up(client, case, "uk")
        assert response.status_code == 200
        return [query["sql"] for query in captured]

    before = queries()
    for code in ("a", "b", "c"):
        RequiredDocument.objects.create(
            case_type=case.case_type, code=code, name=code, name_uk=code
        )
        CaseDocument.objects.create(case=case, code=code, name=code)  # low-level: more items
    after = queries()
    assert len(after) == len(before)
    assert not [sql for sql in after if sql.startswith('SELECT "casework_requireddocument"')]


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
