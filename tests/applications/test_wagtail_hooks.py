"""The uploads panel in the back office's case file links to the permission-checked file view."""

import pytest
from django.urls import reverse

from applications.uploads import store_document
from casework import services
from tests.casework.backoffice import build_office, member
from tests.casework.factories import WorkflowCaseFactory, advance

from .conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def uploaded(office, django_capture_on_commit_callbacks):
    documents = [("passport", "Reisepass"), ("contract", "Arbeitsvertrag")]
    case = WorkflowCaseFactory(case_type=office.type_a, documents=documents)
    with django_capture_on_commit_callbacks(execute=True):  # the file is renamed at commit
        name = store_document(
            upload=upload("pass.pdf", pdf_bytes()), file_number=case.file_number, code="passport"
        )
    (document,) = services.receive_applicant_documents(case=case, files={"passport": name})
    return document


def _case_file(client, case):
    return client.get(reverse("casework:case", args=[case.file_number]))


def test_case_file_links_each_upload_to_the_checked_document_view(client, office, uploaded):
    client.force_login(office.worker_a)

    response = _case_file(client, uploaded.case)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-panel="uploads"' in html
    link = reverse("applications:document", kwargs={"pk": uploaded.pk})
    assert f'href="{link}"' in html
    assert reverse("applications:case_documents", args=[uploaded.case.file_number]) in html
    # Only stored files are listed: the missing contract has nothing to open.
    panel = html[html.index('data-panel="uploads"') :]
    assert "Arbeitsvertrag" not in panel[: panel.index("</section>")]
    opened = client.get(link)
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content).startswith(b"%PDF")


def test_caseworker_of_another_department_gets_404_for_file_and_link(client, office, uploaded):
    client.force_login(office.worker_b)

    assert _case_file(client, uploaded.case).status_code == 404
    link = reverse("applications:document", kwargs={"pk": uploaded.pk})
    assert client.get(link).status_code == 404


def test_service_point_does_not_get_the_uploads_panel(client, office, uploaded):
    """Like the document checklist, the uploads belong to the full case file only."""
    advance(uploaded.case, "check")
    client.force_login(office.counter)

    response = _case_file(client, uploaded.case)

    assert response.status_code == 200
    assert 'data-panel="uploads"' not in response.content.decode()


def test_case_without_uploads_has_no_uploads_panel(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(member(office.dept_a))

    assert 'data-panel="uploads"' not in _case_file(client, case).content.decode()
