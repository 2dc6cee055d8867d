"""The register's records on the case file in a real browser: the current status, a replaced
Duldung and a continued title with its history.

The screenshot goes to test-artifacts/casework/residence-records.png.
"""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services
from casework.constants import RecordKind
from tests.casework.backoffice import build_office
from tests.casework.factories import WorkflowCaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_caseworker_sees_the_persons_status_over_time(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    today = timezone.localdate()
    case = WorkflowCaseFactory(handed_over=True, case_type=office.type_a)
    services.record_residence(
        person=case.person,
        user=office.worker_a,
        department=office.type_a.department,
        kind=RecordKind.DULDUNG,
        legal_basis="§ 60a Abs. 2 AufenthG",
        valid_from=today - dt.timedelta(days=800),
        valid_until=today - dt.timedelta(days=600),
        card_number="D-0815",
        employment_permitted=False,
    )
    services.continue_titles(
        case_ids=[case.pk],
        valid_until=case.granted_until + dt.timedelta(days=365),
        user=office.supervisor_a,
        note=lambda _pk, previous: "Fortgeltung durch Verordnung",
    )

    page = make_page(width=1280, height=900)
    admin_login(page, office.worker_a.username)
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    panel = page.locator("[data-panel=residence-records]")
    status = panel.locator("[data-testid=current-status]").inner_text()
    assert "Aufenthaltstitel" in status
    assert (case.granted_until + dt.timedelta(days=365)).strftime("%d.%m.%Y") in status
    rows = panel.locator("[data-record]")
    assert rows.count() == 2
    assert "Duldung" in rows.nth(1).inner_text()
    assert "abgelaufen" in rows.nth(1).inner_text()
    panel.locator("summary").first.click()
    assert "Gültigkeit verlängert" in rows.nth(0).inner_text()
    assert_accessible(page)

    folder = artifacts_dir / "casework"
    folder.mkdir(exist_ok=True)
    panel.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1280, "height": 1400})
    panel.screenshot(path=str(folder / "residence-records.png"))
