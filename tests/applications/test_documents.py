"""Uploaded documents are served only to staff who may see the case."""

from pathlib import Path

import pytest

from applications.uploads import store_document
from casework import services
from casework.constants import Role
from casework.models import CaseAccessLog
from tests.casework.factories import (
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
    WorkflowCaseFactory,
)

from .conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(settings, django_capture_on_commit_callbacks):
    case = WorkflowCaseFactory(documents=[("passport", "Reisepass")])
    # The file takes its name when the transaction commits (casework.files).
    with django_capture_on_commit_callbacks(execute=True):
        name = store_document(
            upload=upload("pass.pdf", pdf_bytes()), file_number=case.file_number, code="passport"
        )
    (received,) = services.receive_applicant_documents(case=case, files={"passport": name})
    return received


def url(document):
    return f"/de/antrag/intern/dokument/{document.pk}/"


def test_files_are_stored_outside_the_web_root(document, settings):
    path = Path(settings.PRIVATE_MEDIA_ROOT) / document.file
    assert path.is_file()
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert Path(settings.STATIC_ROOT) not in path.parents


def test_caseworker_of_the_department_gets_the_file_and_it_is_logged(client, document):
    member = MembershipFactory(department=document.case.department, role=Role.CASEWORKER)
    client.force_login(member.user)
    response = client.get(url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert CaseAccessLog.objects.filter(case=document.case, user=member.user).exists()


def test_caseworker_of_another_department_gets_404(client, document):
    other = MembershipFactory(department=DepartmentFactory(code="einbuergerung"))
    client.force_login(other.user)
    assert client.get(url(document)).status_code == 404
    listing = f"/de/antrag/intern/akte/{document.case.file_number}/"
    assert client.get(listing).status_code == 404


def test_staff_without_department_gets_404(client, document):
    client.force_login(UserFactory())
    assert client.get(url(document)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, document):
    response = client.get(url(document))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_case_document_list_links_the_files(client, document):
    member = MembershipFactory(department=document.case.department, role=Role.SUPERVISOR)
    client.force_login(member.user)
    response = client.get(f"/de/antrag/intern/akte/{document.case.file_number}/")
    assert url(document) in response.text


def test_private_root_is_not_served_under_media_or_static(client, document):
    assert client.get(f"/media/{document.file}").status_code == 404
    assert client.get(f"/static/{document.file}").status_code == 404
