"""Issue 10: "request documents" reaches the applicant — an e-mail with the letter, or a letter
for the office to post when there is no e-mail address."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from casework import services
from operations.models import DocumentRequest
from operations.services import send_document_request
from tests.casework.test_workflow import ready_case, worker_for

pytestmark = pytest.mark.django_db

DUE = dt.date.today() + dt.timedelta(days=21)


def request_documents(case, worker, capture):
    with capture(execute=True):
        services.fire_transition(
            case=case,
            user=worker,
            transition="request_documents",
            data={"due_on": DUE, "documents": ["income"]},
        )


def documented_case(**person):
    case = ready_case(
        documents=[("income", "Einkommensnachweis", False), ("passport", "Reisepass", True)]
    )
    for name, value in person.items():
        setattr(case.person, name, value)
    case.person.save()
    return case


def test_the_applicant_gets_an_email_in_their_language_with_the_letter(
    django_capture_on_commit_callbacks,
):
    case = documented_case(email="olena@example.org", preferred_language="uk")
    request_documents(case, worker_for(case), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena@example.org"]
    assert case.file_number in message.subject and "документи" in message.subject
    assert "Einkommensnachweis" in message.body and "Reisepass" not in message.body
    assert DUE.strftime("%d.%m.%Y") in message.body
    assert "/uk/status/" in message.body  # where to upload them
    (name, pdf, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Einkommensnachweis" in text and "Unterlagen" in text  # with a German part
    letter = DocumentRequest.objects.get(case=case)
    assert letter.emailed_at is not None and letter.language == "uk"
    # Once per request: running again sends nothing more.
    send_document_request(case_id=case.pk)
    assert len(mail.outbox) == 1 and DocumentRequest.objects.count() == 1


def test_without_an_email_address_the_case_file_offers_the_letter_to_post(
    client, django_capture_on_commit_callbacks
):
    case = documented_case(email="")
    worker = worker_for(case)
    request_documents(case, worker, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    letter = DocumentRequest.objects.get(case=case)
    assert letter.emailed_at is None and letter.letter

    from django.contrib.auth.models import Permission

    worker.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(worker)
    html = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    url = reverse("operations:document_request_letter", args=[letter.pk])
    assert url in html  # the panel of the letters, with the PDF to print
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    # Someone of another department cannot fetch it.
    from tests.casework.factories import CaseTypeFactory

    stranger = worker_for(ready_case(case_type=CaseTypeFactory()))
    client.force_login(stranger)
    assert client.get(url).status_code == 404
