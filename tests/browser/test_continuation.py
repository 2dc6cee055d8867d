"""The bulk continuation page in a real browser: a run whose worker died shows as stalled,
"Resume" finishes it, the print files are listed for download.

Screenshots go to test-artifacts/operations/.
"""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import WorkerProcess
from casework.constants import Role
from operations import services
from operations.models import ContinuationItem
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
    save_shot(page, artifacts_dir / "operations", name, height=1600)


def test_a_stalled_run_is_shown_as_stalled_and_resumed_from_the_page(
    live_server, make_page, artifacts_dir, assert_accessible
):
    department = DepartmentFactory(code="aufenthalt")
    case_type = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", department=department)
    boss = member(department, Role.SUPERVISOR)
    for name in ("Bondarenko", "Shevchenko", "Kovalenko"):
        WorkflowCaseFactory(  # the title granted and handed over a year before the ordinance
            person=PersonFactory(family_name=name, preferred_language="uk"),
            case_type=case_type,
            handed_over=True,
            granted_until=dt.date(2025, 5, 1),
            at=dt.date(2024, 6, 3),
        )
    ordinance = services.create_ordinance(
        user=boss,
        case_type=case_type,
        cut_off_on=dt.date(2025, 2, 1),
        valid_until=dt.date(2027, 3, 4),
        reference="Fortgeltungsverordnung",
    )
    # What a worker killed in the middle of the run leaves behind: a running task whose
    # worker's heartbeat stopped an hour ago.
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [ordinance.pk], "kwargs": {}},
        task_path="operations.tasks.run_continuation_task",
        backend_name="default",
        status="RUNNING",
        worker_ids=["killed"],
    )
    WorkerProcess.objects.create(
        worker_id="killed", task_id=task.id, seen_at=timezone.now() - dt.timedelta(hours=1)
    )
    ordinance.status, ordinance.task_id, ordinance.run_by, ordinance.total = (
        "running",
        str(task.id),
        boss,
        3,
    )
    ordinance.save()

    page = make_page()
    # Password and one-time code through the real pages (tests/accounts/login.py).
    from tests.accounts.login import browser_sign_in

    browser_sign_in(page, live_server.url, boss.username)
    page.goto(f"{live_server.url}/admin/operations/continuation/{ordinance.pk}/")
    stalled = page.locator("[data-testid=stalled]")
    assert stalled.is_visible()
    shot(page, artifacts_dir, "01-stalled")
    assert_accessible(page)

    stalled.locator("button").click()
    page.wait_for_selector("[data-testid=printed]")
    assert "3 of 3" in page.locator("[data-testid=progress]").inner_text() or "3 von 3" in (
        page.locator("[data-testid=progress]").inner_text()
    )
    assert page.locator("a[href$='certificates.zip']").is_visible()
    assert ContinuationItem.objects.filter(ordinance=ordinance).count() == 3
    shot(page, artifacts_dir, "02-resumed-and-done")
    assert_accessible(page)
