"""The back office in a real browser: log in, worklist, case file, fire a transition.

Screenshots go to test-artifacts/casework/; axe-core checks the worklist and the case file.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from casework.constants import CaseState
from casework.models import Case, CaseHistory
from tests.casework.backoffice import build_office, case_with_documents, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "casework"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def page():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        yield context.new_page()
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Wagtail scrolls inside its own content area: a tall viewport shows the whole page.
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def axe_violations(page, impacts=("critical",)) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
        for v in results.response["violations"]
        if v.get("impact") in impacts
    ]


def test_caseworker_opens_the_oldest_case_and_marks_it_checked(live_server, page):
    office = build_office()
    worker = member(office.dept_a, user__username="sachbearbeitung")
    now = timezone.now()
    oldest = case_with_documents(
        case_type=office.type_a, received=True, received_at=now - dt.timedelta(days=12)
    )
    case_with_documents(case_type=office.type_a, received_at=now - dt.timedelta(days=3))
    case_with_documents(case_type=office.type_b)  # another department: never listed

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", worker.username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/cases/")
    rows = page.locator("table.casework-worklist tbody tr")
    assert rows.count() == 2
    assert oldest.file_number in rows.first.inner_text()
    shot(page, "01-worklist")
    worklist_violations = axe_violations(page)

    page.click(f"text={oldest.file_number}")
    page.wait_for_selector("[data-testid=case-state]")
    shot(page, "02-case-file")
    case_file_violations = axe_violations(page)

    check = page.locator("li[data-transition=check]")
    check.locator("summary").click()
    check.locator("textarea").fill("Voraussetzungen nach § 5 AufenthG erfüllt.")
    check.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    shot(page, "03-after-check")

    oldest.refresh_from_db()
    assert oldest.state == CaseState.CHECKED
    assert (
        page.locator("[data-testid=case-state]").inner_text().strip()
        == str(CaseState.CHECKED.label)
        or oldest.get_state_display() in page.locator("[data-testid=case-state]").inner_text()
    )
    assert CaseHistory.objects.filter(case=oldest, transition="check").count() == 1
    assert Case.objects.filter(state=CaseState.CHECKED).count() == 1
    # Wagtail's own admin chrome is outside this project; our pages must add no critical issue.
    assert not worklist_violations, worklist_violations
    assert not case_file_violations, case_file_violations
