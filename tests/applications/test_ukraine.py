"""The § 24 form takes the people it is for: an ID card or no document instead of a passport,
no extension question, and family members who each get a person and a case of their own."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Submission
from casework.constants import FamilyRelation
from casework.models import Case, CaseDocument, Person, RequiredDocument

from .conftest import Wizard, form_errors, pdf_bytes, personal_data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def protection(case_types):
    """The § 24 checklist as the office words it: any identity document."""
    case_type = case_types["24"]
    case_type.required_documents.filter(code="passport").delete()
    RequiredDocument.objects.create(
        case_type=case_type,
        code="identity-document",
        name="Reisepass oder ukrainische ID-Karte (falls vorhanden)",
        sort_order=0,
    )
    return case_type


def _ukraine(client, *, personal=None, family=None, application=None):
    wizard = Wizard(client, kind="ukraine")
    wizard.fill_until_documents(
        wizard_case_type(),
        personal=personal or personal_data(),
        application=application,
        family=family,
    )
    return wizard


def wizard_case_type():
    from casework.models import CaseType

    return CaseType.objects.get(code="24")


def test_a_ukrainian_id_card_instead_of_a_passport(client, protection):
    personal = personal_data(
        id_document="id_card", passport_number="001234567", passport_valid_until=""
    )
    wizard = _ukraine(client, personal=personal)
    _response, token = wizard.finish()
    person = Submission.objects.get(token=token).case.person
    assert (person.id_card_number, person.passport_number) == ("001234567", "")


def test_an_expired_passport_is_accepted_as_proof_of_identity(client, protection):
    expired = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    wizard = _ukraine(client, personal=personal_data(passport_valid_until=expired))
    _response, token = wizard.finish()
    assert Submission.objects.get(token=token).case.person.passport_number == "FA123456"


def test_an_expired_passport_is_still_refused_on_other_forms(client, case_types):
    expired = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    wizard = Wizard(client, kind="employment")
    response = wizard.post("personal", personal_data(passport_valid_until=expired))
    assert "passport_valid_until" in response.context["form"].errors


def test_no_identity_document_at_all(client, protection):
    personal = personal_data(id_document="none", passport_number="", passport_valid_until="")
    wizard = _ukraine(client, personal=personal)
    _response, token = wizard.finish()
    person = Submission.objects.get(token=token).case.person
    assert (person.passport_number, person.id_card_number) == ("", "")


def test_a_passport_needs_its_number(client, protection):
    wizard = Wizard(client, kind="ukraine")
    response = wizard.post("personal", personal_data(id_document="passport", passport_number=""))
    assert response.context["form"].errors["passport_number"]


def test_the_protection_form_asks_no_extension_question(client, protection):
    wizard = Wizard(client, kind="ukraine")
    response = wizard.post("personal", personal_data())
    html = response.content.decode()
    assert "is_extension" not in html
    assert 'id="no-extension-needed"' in html
    wizard.post("application", {"case_type": protection.pk, "is_extension": "1"})
    wizard.post_family([])
    _response, token = wizard.finish()
    assert Submission.objects.get(token=token).case.is_extension is False


def test_family_members_each_get_a_person_and_a_linked_case(
    client, protection, settings, django_capture_on_commit_callbacks
):
    family = [
        {
            "relation": FamilyRelation.CHILD,
            "family_name": "SHEVCHENKO",
            "given_names": "DARYNA",
            "family_name_native": "Шевченко",
            "given_names_native": "Дарина",
            "birth_date": "2019-08-01",
            "nationality": "UKR",
            "id_document": "birth_certificate",
            "document_number": "",
            "document": upload("geburtsurkunde.pdf", pdf_bytes()),
        },
        {
            "relation": FamilyRelation.SPOUSE,
            "family_name": "SHEVCHENKO",
            "given_names": "TARAS",
            "birth_date": "1988-01-30",
            "nationality": "UKR",
            "id_document": "id_card",
            "document_number": "005550001",
        },
    ]
    wizard = _ukraine(client, family=family)
    with django_capture_on_commit_callbacks(execute=True):
        response, token = wizard.finish()
    main = Submission.objects.get(token=token).case
    members = list(Case.objects.filter(filed_with=main).order_by("pk"))
    assert [m.family_relation for m in members] == ["child", "spouse"]
    assert all(m.case_type == protection and m.channel == "online" for m in members)
    child, spouse = (m.person for m in members)
    assert (child.given_names, child.given_names_native, child.birth_date) == (
        "DARYNA",
        "Дарина",
        dt.date(2019, 8, 1),
    )
    assert (child.street, child.email, child.preferred_language) == (
        "Hauptstraße 1",
        "olena@example.org",
        "uk",
    ), "the applicant's address, contact and language"
    assert spouse.id_card_number == "005550001"
    assert Person.objects.count() == 3
    birth_certificate = CaseDocument.objects.get(case=members[0], code="identity-document")
    assert birth_certificate.received and birth_certificate.file
    assert members[0].history.filter(transition="documents_received").exists()

    page = client.get(response["Location"])
    for member in members:
        assert member.file_number in page.text
    assert all(m.file_number in mail.outbox[0].body for m in members)


def test_adding_a_family_member_keeps_what_was_typed(client, protection):
    wizard = Wizard(client, kind="ukraine")
    wizard.post("personal", personal_data())
    wizard.post("application", {"case_type": protection.pk})
    response = wizard.post_family(
        [{"relation": "child", "family_name": "SHEVCHENKO", "given_names": "DARYNA"}],
        family_add="1",
    )
    assert response.context["wizard"]["steps"].current == "family"
    formset = response.context["form"]
    assert len(formset.forms) == 2
    assert formset.forms[1]["nationality"].value() == "UKR", "the new entry has the defaults"
    html = response.content.decode()
    assert 'value="DARYNA"' in html
    assert 'id="error-summary"' not in html, "the half-typed member is not complained about yet"
    response = wizard.post_family(
        [
            {
                "relation": "child",
                "family_name": "SHEVCHENKO",
                "given_names": "DARYNA",
                "birth_date": "2019-08-01",
                "nationality": "UKR",
                "id_document": "birth_certificate",
            },
            {"nationality": "UKR", "id_document": "passport"},  # the added one, left empty
        ]
    )
    assert response.context["wizard"]["steps"].current == "documents", form_errors(response)


def test_a_family_member_without_a_birth_date_gets_an_error(client, protection):
    wizard = Wizard(client, kind="ukraine")
    wizard.post("personal", personal_data())
    wizard.post("application", {"case_type": protection.pk})
    response = wizard.post_family(
        [{"relation": "child", "family_name": "SHEVCHENKO", "given_names": "DARYNA"}]
    )
    assert response.context["wizard"]["steps"].current == "family"
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_family-0-birth_date"' in html
