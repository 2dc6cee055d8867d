"""The online application end to end through the test client."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Site

from applications.models import Submission
from casework.constants import CaseState, Channel
from casework.models import Case, CaseDocument, Person
from tests.casework.factories import PersonFactory

from .conftest import Wizard, image_bytes, pdf_bytes, personal_data, upload

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_index_lists_the_three_forms(client, case_types):
    response = client.get(reverse("applications:index"))
    assert response.status_code == 200
    for kind in ("employment", "settlement", "ukraine"):
        assert reverse("applications:apply", kwargs={"kind": kind}) in response.text


def test_unknown_form_is_404(client, case_types):
    assert client.get("/de/antrag/unknown/").status_code == 404


def test_submit_creates_person_and_received_case_with_documents(
    client, case_types, settings, django_capture_on_commit_callbacks
):
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=True):
        response, token = wizard.finish(
            documents={"doc_passport": upload("pass.pdf", pdf_bytes())},
            photo={"photo_source": "qr_code", "photo_reference": "DM-4711-ABCD"},
        )
    submission = Submission.objects.get(token=token)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:confirmation", kwargs={"token": token})
    case = submission.case
    assert case.state == CaseState.RECEIVED
    assert case.channel == Channel.ONLINE
    assert case.file_number.startswith(f"ABH-{timezone.localdate().year}-")
    assert case.photo_source == "qr_code"
    assert case.photo_reference == "DM-4711-ABCD"
    person = case.person
    assert (person.family_name, person.family_name_native) == ("SHEVCHENKO", "Шевченко")
    assert person.passport_number == "FA123456"
    assert person.preferred_language == "uk"
    passport = CaseDocument.objects.get(case=case, code="passport")
    assert passport.received and passport.file.startswith(f"cases/{case.file_number}/")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / passport.file).read_bytes().startswith(b"%PDF")
    assert not CaseDocument.objects.get(case=case, code="contract").received
    # The uploads are not under the public media root.
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.pdf")
    )
    # Temporary copies of the form's uploads are gone.
    assert not list((Path(settings.PRIVATE_MEDIA_ROOT) / "incoming").glob("*"))

    page = client.get(response["Location"])
    assert case.file_number in page.text


def test_confirmation_email_is_sent_after_commit_in_the_applicants_language(
    client, case_types, django_capture_on_commit_callbacks
):
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _, token = wizard.finish()
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    case = Submission.objects.get(token=token).case
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena@example.org"]
    assert case.file_number in message.subject
    assert "Ваш номер справи" in message.body  # Ukrainian, the language chosen in the form
    assert "Arbeitsvertrag" in message.body  # missing document listed
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_confirmation_email_links_to_the_status_page_on_the_sites_own_address(
    client, case_types, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = ""
    Site.objects.filter(is_default_site=True).update(hostname="abh.example.org", port=443)
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=True):
        wizard.finish()
    body = mail.outbox[0].body
    assert "https://abh.example.org/uk/status/" in body  # the applicant's language
    assert "127.0.0.1" not in body


def test_double_submission_creates_exactly_one_case(
    client, case_types, django_capture_on_commit_callbacks
):
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=True):
        first, token = wizard.finish()
        second = wizard.post("summary", {"token": token})  # double click / reload
        third = wizard.post("summary", {"token": token})  # retry after a timeout
    assert Case.objects.count() == 1
    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"] == third["Location"]
    assert len(mail.outbox) == 1


def test_same_token_in_the_service_answers_the_first_case(case_types):
    from applications.services import submit_application

    person = personal_data(birth_date=dt.date(1990, 5, 17), passport_number="FA1")
    person["passport_valid_until"] = timezone.localdate() + dt.timedelta(days=400)
    kwargs = {
        "token": "t" * 43,
        "kind": "employment",
        "personal": person,
        "application": {"case_type": case_types["18b"], "is_extension": False},
        "uploads": {},
        "photo": {"photo_source": "on_site"},
    }
    first = submit_application(**kwargs)
    again = submit_application(**kwargs)
    assert first.created and not again.created
    assert first.submission.case_id == again.submission.case_id
    assert Case.objects.count() == 1


def test_existing_person_is_linked_by_passport_number_and_birth_date(
    client, case_types, django_capture_on_commit_callbacks
):
    existing = PersonFactory(
        family_name="SHEVCHENKO",
        given_names="OLENA",
        birth_date=dt.date(1990, 5, 17),
        passport_number="FA123456",
        email="",
    )
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=True):
        _, token = wizard.finish()
    submission = Submission.objects.get(token=token)
    assert submission.case.person_id == existing.pk
    assert submission.linked_existing_person
    assert Person.objects.count() == 1
    existing.refresh_from_db()
    assert existing.email == "olena@example.org"  # blank contact data filled in


def test_same_passport_with_other_birth_date_is_a_new_person(client, case_types):
    PersonFactory(birth_date=dt.date(1980, 1, 1), passport_number="FA123456")
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    wizard.finish()
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("days_left", "marker", "text"),
    [
        (30, 'data-testid="in-time"', "received in time"),
        (-3, 'data-testid="late"', "not received in time"),
    ],
)
def test_extension_confirmation_says_whether_it_arrived_in_time(
    client, case_types, days_left, marker, text, django_capture_on_commit_callbacks
):
    expires = timezone.localdate() + dt.timedelta(days=days_left)
    wizard = Wizard(client, kind="employment")
    wizard.fill_until_documents(
        case_types["18b"],
        application={
            "is_extension": "1",
            "current_title": "Aufenthaltserlaubnis § 18b AufenthG",
            "title_expires_on": expires.isoformat(),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response, token = wizard.finish()
    case = Submission.objects.get(token=token).case
    assert case.is_extension and case.title_expires_on == expires
    page = client.get(response["Location"].replace("/de/", "/en/", 1))
    assert marker in page.text
    assert text in page.text.lower() or text.capitalize() in page.text
    if days_left > 0:
        assert "§ 81 (4)" in mail.outbox[0].body


def test_settlement_form_has_no_extension_question(client, case_types):
    wizard = Wizard(client, kind="settlement")
    wizard.post("personal", personal_data())
    form = wizard.response.context["form"]
    assert "is_extension" not in form.fields
    assert list(form.fields["case_type"].queryset) == [case_types["9"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pass.pdf", b"MZ\x90\x00 not a pdf at all", "keine PDF-, JPEG- oder PNG-Datei"),
        ("pass.pdf", b"%PDF-1.4\n1 0 obj broken", "beschädigt"),
        ("photo.png", image_bytes("PNG")[:30], "beschädigt"),
    ],
)
def test_bad_upload_gets_a_field_error_and_nothing_is_saved(
    client, case_types, settings, name, content, message
):
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    response = wizard.post("documents", {"doc_passport": upload(name, content)})
    assert response.context["wizard"]["steps"].current == "documents"
    errors = response.context["form"].errors["doc_passport"]
    assert message in errors[0]
    assert stored_files(settings) == []
    assert Person.objects.count() == Case.objects.count() == Submission.objects.count() == 0


def test_oversized_upload_is_rejected_and_nothing_is_saved(client, case_types, settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 500
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    response = wizard.post(
        "documents", {"doc_passport": upload("big.png", image_bytes(size=(400, 400)))}
    )
    assert "zu groß" in response.context["form"].errors["doc_passport"][0]
    assert stored_files(settings) == []
    assert Case.objects.count() == 0


def test_failed_submission_leaves_no_case_and_no_file(client, case_types, settings, monkeypatch):
    """If anything fails inside the transaction, the case is rolled back and files removed."""
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    wizard.post("documents", {"doc_passport": upload("pass.pdf", pdf_bytes())})
    wizard.post("photo", {"photo_source": "on_site"})
    wizard.post("consent", {"consent": "on", "truthful": "on"})

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(Submission, "save", broken_save)
    with pytest.raises(RuntimeError):
        wizard.post("summary", {"token": wizard.token})
    assert Case.objects.count() == Person.objects.count() == 0
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "cases").exists() or not any(
        (Path(settings.PRIVATE_MEDIA_ROOT) / "cases").rglob("*.pdf")
    )


def test_receipt_is_a_pdf_containing_the_file_number(client, case_types):
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    _, token = wizard.finish()
    case = Submission.objects.get(token=token).case
    for language in ("de", "uk"):
        response = client.get(f"/{language}/antrag/bestaetigung/{token}/quittung.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert case.file_number in text
    assert "Квитанція" in text or "заяв" in text


def test_confirmation_and_receipt_of_unknown_token_are_404(client, case_types):
    assert client.get("/de/antrag/bestaetigung/nope/").status_code == 404
    assert client.get("/de/antrag/bestaetigung/nope/quittung.pdf").status_code == 404


def test_form_posts_need_a_csrf_token(case_types):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(reverse("applications:apply", kwargs={"kind": "employment"}))
    response = client.post(
        reverse("applications:apply", kwargs={"kind": "employment"}),
        {"application_employment-current_step": "personal"},
    )
    assert response.status_code == 403
    response = client.post(reverse("applications:status"), {"file_number": "x"})
    assert response.status_code == 403


def test_form_posts_are_throttled_per_client(client, case_types, settings):
    settings.APPLICATION_FORM_RATE = "3/h"
    wizard = Wizard(client)
    for _ in range(3):
        assert wizard.post("personal", {"family_name": ""}).status_code == 200
    response = wizard.post("personal", personal_data())
    assert response.status_code == 429
    other = Wizard(client.__class__(REMOTE_ADDR="10.9.9.9"))
    assert other.post("personal", {"family_name": ""}).status_code == 200


def test_failing_mail_server_still_shows_the_confirmation(
    client, case_types, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    wizard = Wizard(client)
    wizard.fill_until_documents(case_types["18b"])
    with django_capture_on_commit_callbacks(execute=True):
        response, token = wizard.finish()
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert Submission.objects.get(token=token).case is not None
