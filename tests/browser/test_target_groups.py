"""A supervisor walks the target groups in a real browser: picks the § 25b group from the
operations menu, previews the persons of their departments, sends the information letter
(once: the button's second press sends nothing more), opens a letter; the caseworker then sees
the hint on the Duldung extension's case file. axe on each page (no serious or critical finding).

Screenshots go to test-artifacts/target-groups/.
"""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.constants import RecordKind, Role
from casework.target_groups import years_before
from operations.models import TargetGroup, TargetGroupLetter
from tests.browser.journeys import save_shot
from tests.casework.backoffice import member
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name: str) -> None:
    save_shot(page, artifacts_dir / "target-groups", name, height=1400)


def test_a_supervisor_sends_the_25b_letter_once_and_the_case_file_shows_the_hint(
    live_server, make_page, artifacts_dir, assert_accessible
):
    from tests.accounts.login import browser_sign_in

    asyl = DepartmentFactory(code="asyl", name="Asyl/EU")
    other = DepartmentFactory(code="aufenthalt", name="Aufenthalt")
    worker, boss = member(asyl, Role.CASEWORKER), member(asyl, Role.SUPERVISOR)
    other_worker = member(other, Role.CASEWORKER)
    group, _created = TargetGroup.objects.get_or_create(
        hint="Möglicher Fall für § 25b AufenthG",
        defaults={"name": "Bleiberecht bei nachhaltiger Integration (§ 25b AufenthG)"},
    )
    today = timezone.localdate()

    def tolerated(name, years, *, department=asyl, user=worker, **fields):
        person = PersonFactory(family_name=name, **fields)
        casework_services.record_residence(
            person=person,
            user=user,
            department=department,
            kind=RecordKind.DULDUNG,
            valid_from=years_before(today, years),
            valid_until=today + dt.timedelta(days=60),
        )
        return person

    haddad = tolerated("Haddad", 7, preferred_language="ar", email="haddad@example.org")
    tolerated("Rahimi", 6, preferred_language="ru")
    tolerated("Short", 3)
    tolerated("Elsewhere", 8, department=other, user=other_worker)
    case = WorkflowCaseFactory(
        person=haddad, case_type=CaseTypeFactory(department=asyl, duldung=True)
    )

    page = make_page()
    browser_sign_in(page, live_server.url, boss.username)
    page.goto(f"{live_server.url}/admin/operations/target-groups/")
    shot(page, artifacts_dir, "01-groups")
    assert_accessible(page)
    page.get_by_role("link", name=group.name).click()

    count = page.locator("[data-testid=candidate-count]").inner_text()
    assert count.startswith("2 ")
    preview = page.locator("#preview-heading ~ * table").first.inner_text()
    assert "Haddad" in preview and "Rahimi" in preview
    assert "Short" not in preview and "Elsewhere" not in preview
    shot(page, artifacts_dir, "02-preview")
    assert_accessible(page)

    page.locator("[data-testid=send-letters]").click()
    page.wait_for_selector("[data-testid=mailing-status]")
    assert page.locator("[data-testid=letter-count]").inner_text().startswith("2 ")
    shot(page, artifacts_dir, "03-sent")
    assert_accessible(page)
    assert TargetGroupLetter.objects.filter(group=group).count() == 2

    # Pressing the button again (a second click, later): nobody gets a second letter.
    page.locator("[data-testid=send-letters]").click()
    page.wait_for_selector("[data-testid=mailing-status]")
    assert TargetGroupLetter.objects.filter(group=group).count() == 2
    with page.expect_download() as download:
        page.locator("a[href$='.pdf']").first.evaluate(
            "a => { a.setAttribute('download', ''); a.click(); }"
        )
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # The caseworker opens the Duldung extension: the hint, with the letter sent.
    worker_page = make_page()
    browser_sign_in(worker_page, live_server.url, worker.username)
    worker_page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    hints = worker_page.locator("[data-testid=target-group-hints]")
    text = hints.inner_text()
    assert "25b" in text and years_before(today, 7).strftime("%d.%m.%Y") in text
    assert today.strftime("%d.%m.%Y") in text  # the letter's day
    shot(worker_page, artifacts_dir, "04-case-file-hint")
    assert_accessible(worker_page)
