"""The online application for naturalisation: its own form, no photo step (no card), the
next steps of its own procedure on the confirmation page, the e-mail and the receipt."""

import pytest
from django.core import mail
from django.utils import translation

from applications.models import Submission
from applications.receipt import receipt_lines
from casework.models import RequiredDocument
from tests.casework.factories import CaseTypeFactory, DepartmentFactory

from .conftest import Wizard, form_errors, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def naturalisation():
    case_type = CaseTypeFactory(
        naturalisation=True,
        department=DepartmentFactory(code="einbuergerung", name="Einbürgerung"),
    )
    RequiredDocument.objects.create(
        case_type=case_type, code="passport", name="Reisepass", sort_order=1
    )
    RequiredDocument.objects.create(
        case_type=case_type,
        code="naturalisation-test",
        name="Zertifikat über den bestandenen Einbürgerungstest",
        sort_order=2,
    )
    return case_type


def test_the_form_asks_no_photo_and_files_a_naturalisation_case(
    client, naturalisation, django_capture_on_commit_callbacks
):
    wizard = Wizard(client, kind="naturalisation")
    wizard.fill_until_documents(naturalisation)
    response = wizard.post("documents", {"doc_passport": upload("pass.pdf", pdf_bytes())})
    # Straight on to the consent: a naturalisation produces no card, so no photo is asked.
    assert response.context["wizard"]["steps"].current == "consent", form_errors(response)
    assert "photo" not in response.context["wizard"]["steps"].all
    response = wizard.post("consent", {"consent": "on", "truthful": "on"})
    assert response.context["wizard"]["steps"].current == "summary", form_errors(response)
    assert "Code" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = wizard.post("summary", {"token": wizard.token}, follow=True)

    submission = Submission.objects.get()
    case = submission.case
    assert case.workflow_key == "naturalisation" and case.case_type == naturalisation
    assert case.photo_source == ""
    page = response.content.decode()
    assert "Einbürgerungstest" in page  # still missing
    assert "Fingerabdrücke" not in page  # the eAT's steps are not this procedure's
    assert "Bekenntnis zum Grundgesetz" in page
    # The e-mail in the applicant's language (Ukrainian here).
    assert "декларацію про відданість конституції" in mail.outbox[-1].body
    with translation.override("de"):
        receipt = " ".join(line.text for line in receipt_lines(submission))
    assert "Einbürgerungszusicherung" in receipt and "Fingerabdrücke" not in receipt


def test_the_eat_forms_keep_the_photo_and_their_next_steps(client, case_types):
    wizard = Wizard(client, kind="employment")
    wizard.fill_until_documents(case_types["18b"])
    response, _token = wizard.finish(
        documents={
            "doc_passport": upload("pass.pdf", pdf_bytes()),
            "doc_contract": upload("vertrag.pdf", pdf_bytes()),
        }
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Fingerabdrücke" in page and "Bundesdruckerei" in page
