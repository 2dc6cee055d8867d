"""The back office in a real browser: log in, worklist, case file, fire a transition.

Screenshots go to test-artifacts/casework/; axe-core checks the worklist and the case file.
"""

import datetime as dt

import pytest
from django.utils import timezone

from casework.constants import CaseState
from casework.models import Case, CaseHistory
from tests.browser.journeys import save_shot
from tests.casework.backoffice import build_office, case_with_documents, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name: str) -> None:
    save_shot(page, artifacts_dir / "casework", name, height=2000)


def test_caseworker_opens_the_oldest_case_and_marks_it_checked(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    page = make_page(width=1280, height=900)
    office = build_office()
    worker = member(office.dept_a, user__username="sachbearbeitung")
    now = timezone.now()
    oldest = case_with_documents(
        case_type=office.type_a, received=True, received_at=now - dt.timedelta(days=12)
    )
    case_with_documents(case_type=office.type_a, received_at=now - dt.timedelta(days=3))
    case_with_documents(case_type=office.type_b)  # another department: never listed

    admin_login(page, worker.username)

    page.goto(f"{live_server.url}/admin/cases/")
    rows = page.locator("table.casework-worklist tbody tr")
    assert rows.count() == 2
    assert oldest.file_number in rows.first.inner_text()
    shot(page, artifacts_dir, "01-worklist")
    assert_accessible(page)

    page.click(f"text={oldest.file_number}")
    page.wait_for_selector("[data-testid=case-state]")
    shot(page, artifacts_dir, "02-case-file")
    assert_accessible(page)

    check = page.locator("li[data-transition=check]")
    check.locator("summary").click()
    check.locator("textarea").fill("Voraussetzungen nach § 5 AufenthG erfüllt.")
    # The validity date is required for a title granted for a limited time.
    check.locator("button[type=submit]").click()
    assert check.get_by_label("Titel gültig bis").evaluate("el => !el.validity.valid")
    until = timezone.localdate() + dt.timedelta(days=365)
    check.get_by_label("Titel gültig bis").fill(until.isoformat())
    check.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    shot(page, artifacts_dir, "03-after-check")

    oldest.refresh_from_db()
    assert oldest.state == CaseState.CHECKED
    assert (
        page.locator("[data-testid=case-state]").inner_text().strip()
        == str(CaseState.CHECKED.label)
        or oldest.get_state_display() in page.locator("[data-testid=case-state]").inner_text()
    )
    assert CaseHistory.objects.filter(case=oldest, transition="check").count() == 1
    assert Case.objects.filter(state=CaseState.CHECKED).count() == 1
    assert oldest.granted_until == until


def _login(page, live_server, username: str) -> None:
    # Password and one-time code through the real pages (tests/accounts/login.py).
    from tests.accounts.login import browser_sign_in

    browser_sign_in(page, live_server.url, username)


def test_service_point_hands_the_card_over_and_sees_a_confirmation(
    live_server, make_page, artifacts_dir, assert_accessible
):
    """After the hand-over the case leaves the Service Point's sight: it gets a confirmation
    on its worklist that names the case, not a 404."""
    from tests.casework.factories import WorkflowCaseFactory

    office = build_office()
    case = WorkflowCaseFactory(case_type=office.type_b, produced=True, card_delivered=True)
    page = make_page(width=1280, height=900)
    _login(page, live_server, office.counter.username)
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    hand_over = page.locator("li[data-transition=hand_over]")
    hand_over.locator("summary").click()
    hand_over.get_by_label("Abgeholt von").fill("Olena Shevchenko")
    hand_over.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    assert page.url == f"{live_server.url}/admin/cases/"
    message = page.locator(".messages li.success").inner_text()
    assert case.file_number in message
    assert "404" not in page.title()
    shot(page, artifacts_dir, "04-service-point-after-hand-over")
    assert_accessible(page)
    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER


def test_supervisor_reads_the_access_log_through_the_menu_and_filters_it(
    live_server, make_page, artifacts_dir, assert_accessible
):
    from casework.services import log_case_access
    from tests.casework.factories import WorkflowCaseFactory

    office = build_office()
    mine = WorkflowCaseFactory(case_type=office.type_a, serial=262)
    other = WorkflowCaseFactory(case_type=office.type_a)
    foreign = WorkflowCaseFactory(case_type=office.type_b)  # another department: never listed
    for case, user in (
        (mine, office.worker_a),
        (other, office.worker_a),
        (foreign, office.worker_b),
    ):
        log_case_access(case=case, user=user, route="backoffice")

    page = make_page(width=1280, height=900)
    _login(page, live_server, office.supervisor_a.username)
    page.get_by_role("button", name="Vorgänge").click()
    page.get_by_role("link", name="Zugriffsprotokoll").click()
    page.wait_for_selector("table.casework-access-log")
    rows = page.locator("table.casework-access-log tbody tr")
    assert rows.count() == 2
    assert foreign.file_number not in page.content()
    page.get_by_label("Aktenzeichen").fill("262")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**file_number=262**")
    assert rows.count() == 1
    assert mine.file_number in rows.first.inner_text()
    shot(page, artifacts_dir, "05-access-log")
    assert_accessible(page)
