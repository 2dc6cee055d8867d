"""A caseworker records a child in the household on a Duldung case file in a real browser: the
person is tolerated for five years, so the § 25b hint appears only with a minor child (four
years instead of six), and goes again when the child is removed (moved out). axe on each step
(no serious or critical finding).

Screenshots go to test-artifacts/target-groups/ (``household-*.png``).
"""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.constants import HistoryEvent, RecordKind, Role
from casework.models import CaseHistory, HouseholdChild
from casework.target_groups import years_before
from tests.browser.journeys import save_shot
from tests.casework.backoffice import member
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    PersonFactory,
    WorkflowCaseFactory,
)
from tests.operations.test_target_groups import the_25b_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_minor_child_in_the_household_brings_the_25b_hint_and_removing_it_takes_it_away(
    live_server, make_page, artifacts_dir, assert_accessible
):
    from tests.accounts.login import browser_sign_in

    asyl = DepartmentFactory(code="asyl", name="Asyl/EU")
    worker = member(asyl, Role.CASEWORKER)
    group = the_25b_group()
    today = timezone.localdate()
    parent = PersonFactory(
        family_name="Haddad", given_names="Samir", birth_date=dt.date(1984, 2, 1)
    )
    casework_services.record_residence(
        person=parent,
        user=worker,
        department=asyl,
        kind=RecordKind.DULDUNG,
        valid_from=years_before(today, 5),
        valid_until=today + dt.timedelta(days=60),
    )
    case = WorkflowCaseFactory(
        person=parent, case_type=CaseTypeFactory(department=asyl, duldung=True)
    )

    page = make_page()
    browser_sign_in(page, live_server.url, worker.username)
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    panel = page.locator("#panel-household")
    assert panel.get_by_role("heading", name="Kinder im Haushalt").is_visible()
    assert page.locator("[data-testid=target-group-hints]").count() == 0
    assert_accessible(page)

    # Five years tolerated: a minor child is what § 25b's four years need.
    born = years_before(today, 9)
    panel.get_by_label("Familienname").fill("Haddad")
    panel.get_by_label("Vornamen").fill("Lina")
    panel.get_by_label("Geburtsdatum").fill(born.isoformat())
    panel.get_by_label("Staatsangehörigkeit").fill("SYR")
    panel.get_by_role("button", name="Kind erfassen").click()
    page.wait_for_selector("[data-testid=household-children]")

    assert "Haddad, Lina ist jetzt als Kind im Haushalt erfasst" in page.inner_text("body")
    row = panel.locator("[data-testid=household-children] tbody tr")
    assert row.count() == 1
    text = row.inner_text()
    assert "Haddad, Lina" in text and born.strftime("%d.%m.%Y") in text and "minderjährig" in text
    hints = page.locator("[data-testid=target-group-hints]").inner_text()
    assert group.hint in hints and years_before(today, 5).strftime("%d.%m.%Y") in hints
    assert "Kind im Haushalt" in hints  # the shorter duration, and why
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts_dir / "household-panel-with-child.png"))
    save_shot(page, artifacts_dir / "target-groups", "household-01-child-recorded", height=1400)
    assert_accessible(page)
    assert HouseholdChild.objects.filter(person=parent, recorded_by=worker).count() == 1

    # The child moved out: the hint goes.
    panel.get_by_role("button", name="Haddad, Lina entfernen: ausgezogen").click()
    page.wait_for_selector("[data-testid=household-empty]")
    assert page.locator("[data-testid=target-group-hints]").count() == 0
    save_shot(page, artifacts_dir / "target-groups", "household-02-child-removed", height=1400)
    assert_accessible(page)
    assert not HouseholdChild.objects.exists()
    assert list(
        CaseHistory.objects.filter(case=case, transition__startswith="household")
        .order_by("pk")
        .values_list("transition", flat=True)
    ) == [HistoryEvent.HOUSEHOLD_CHILD_ADDED, HistoryEvent.HOUSEHOLD_CHILD_REMOVED]
