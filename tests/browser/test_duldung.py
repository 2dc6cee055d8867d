"""A Duldung (§ 60a AufenthG) through the real back office: its own workflow, no card.

The caseworker of Asyl/EU checks identity and the ground for suspending deportation (the
guard says why not first: the validity asked is too long), prints the certificate; the
Service Point hands it over. Each page is checked with axe (no serious or critical finding
on our part of the page); screenshots go to test-artifacts/casework/duldung-*.png.
"""

import datetime as dt

import pytest
from django.utils import timezone

from casework.constants import CaseState
from casework.models import CaseHistory, HandOver
from tests.browser.journeys import save_shot
from tests.casework.backoffice import build_office, member
from tests.casework.factories import CaseTypeFactory, WorkflowCaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name: str) -> None:
    save_shot(page, artifacts_dir / "casework", f"duldung-{name}", height=2000)


def _login(page, live_server, username: str) -> None:
    from tests.accounts.login import browser_sign_in

    browser_sign_in(page, live_server.url, username)


def _axe(page, assert_accessible):
    assert_accessible(page)  # no serious or critical finding


def test_duldung_is_checked_printed_and_handed_over_without_a_card(
    live_server, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    duldung = CaseTypeFactory(duldung=True, department=office.dept_b)
    worker = member(office.dept_b, user__username="rueckkehr")
    case = WorkflowCaseFactory(case_type=duldung, documents=[("toleration", "Duldung", True)])
    assert case.workflow_key == "duldung"

    page = make_page(width=1280, height=900)
    _login(page, live_server, worker.username)
    page.goto(f"{live_server.url}/admin/cases/")
    assert case.file_number in page.locator("table.casework-worklist").inner_text()
    page.click(f"text={case.file_number}")
    page.wait_for_selector("[data-testid=case-state]")
    # Its own procedure: no fees, biometrics or card order on the file.
    assert "Duldung" in page.locator("[data-testid=case-workflow]").inner_text()
    for section in ("#fees", "#biometrics", "#card"):
        assert page.locator(section).count() == 0
    shot(page, artifacts_dir, "01-received")
    _axe(page, assert_accessible)

    check = page.locator("li[data-transition=check]")
    check.locator("summary").click()
    check.get_by_label("Grund der Aussetzung der Abschiebung").select_option("60a2_1")
    too_long = timezone.localdate() + dt.timedelta(days=400)
    check.get_by_label("Duldung gültig bis").fill(too_long.isoformat())
    check.locator("button[type=submit]").click()
    # The guard says why not, and nothing changed.
    page.wait_for_selector(".messages li.error")
    assert "höchstens 6 Monate" in page.locator(".messages").inner_text()
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    shot(page, artifacts_dir, "02-guard-says-why-not")

    check = page.locator("li[data-transition=check]")
    check.locator("summary").click()
    check.get_by_label("Grund der Aussetzung der Abschiebung").select_option("60a2_1")
    until = timezone.localdate() + dt.timedelta(days=90)
    check.get_by_label("Duldung gültig bis").fill(until.isoformat())
    check.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    assert "Bescheinigung zu drucken" in page.locator("[data-testid=case-state]").inner_text()

    printing = page.locator("li[data-transition=print_certificate]")
    printing.locator("summary").click()
    printing.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    case.refresh_from_db()
    assert case.state == CaseState.CERTIFICATE_PRINTED
    assert case.granted_until == until and case.duldung_ground == "60a2_1"
    shot(page, artifacts_dir, "03-printed")
    _axe(page, assert_accessible)

    # The Service Point sees the printed certificate's case and hands it over.
    counter_page = make_page(width=1280, height=900)
    _login(counter_page, live_server, office.counter.username)
    counter_page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    hand_over = counter_page.locator("li[data-transition=hand_over]")
    hand_over.locator("summary").click()
    hand_over.get_by_label("Abgeholt von").fill(str(case.person))
    hand_over.locator("button[type=submit]").click()
    counter_page.wait_for_selector(".messages li.success")
    # Back on the worklist under the success message: no serious finding either.
    assert_accessible(counter_page)

    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER
    assert HandOver.objects.filter(case=case).exists()
    assert not case.card_orders.exists()
    steps = list(CaseHistory.objects.filter(case=case).values_list("transition", flat=True))
    assert steps[-3:] == ["check", "print_certificate", "hand_over"]

    # The history names the steps as the Duldung workflow does.
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    history = page.locator("#history").inner_text()
    assert "Duldungsbescheinigung drucken" in history
    assert "Duldung ausgehändigt" in history
    shot(page, artifacts_dir, "04-handed-over")
    _axe(page, assert_accessible)
