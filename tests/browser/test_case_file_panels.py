"""The case file's panels from other apps in a real browser: appointment and uploads.

The screenshot goes to test-artifacts/casework/case-file-panels.png.
"""

import pytest

from applications.uploads import store_document
from appointments.services import book_slot
from casework.models import CaseDocument
from casework.services import receive_applicant_documents
from tests.applications.conftest import pdf_bytes, upload
from tests.appointments.factories import CounterFactory, ServiceFactory, SlotFactory
from tests.casework.backoffice import build_office
from tests.casework.factories import WorkflowCaseFactory, advance

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_caseworker_sees_the_appointment_and_opens_an_upload(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    case = WorkflowCaseFactory(case_type=office.type_a, documents=[("passport", "Reisepass")])
    name = store_document(
        upload=upload("pass.pdf", pdf_bytes()), file_number=case.file_number, code="passport"
    )
    receive_applicant_documents(case=case, files={"passport": name})
    case = advance(case, "check")
    slot = SlotFactory(
        service=ServiceFactory(kind="biometrics"), counter=CounterFactory(name="Schalter 3")
    )
    book_slot(case=case, slot=slot)

    page = make_page(width=1280, height=900)
    admin_login(page, office.worker_a.username)
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")

    panel = page.locator("[data-panel=appointments]")
    assert "Schalter 3" in panel.inner_text()
    uploads = page.locator("[data-panel=uploads]")
    assert uploads.locator("a", has_text="Reisepass").count() == 1
    assert_accessible(page)

    folder = artifacts_dir / "casework"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2200})
    page.screenshot(path=str(folder / "case-file-panels.png"))

    with page.expect_popup() as popup:
        uploads.locator("a", has_text="Reisepass").click()
    assert popup.value.url.endswith(f"/antrag/intern/dokument/{CaseDocument.objects.get().pk}/")
