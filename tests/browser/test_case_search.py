"""The back-office case search in a real browser (issue 10): a partial file number finds the
case, the filters are visible selects with names, facet counts are links that apply them.

Screenshots go to test-artifacts/search/; axe-core checks the page with filters and results.
"""

import pytest

from casework.constants import Role
from search.backends import get_search_backend
from tests.browser.journeys import save_shot
from tests.casework.backoffice import build_office, member
from tests.casework.factories import MembershipFactory, PersonFactory, WorkflowCaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name: str) -> None:
    save_shot(page, artifacts_dir / "search", name, height=1600)


def test_supervisor_filters_by_case_type_and_follows_a_facet(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    supervisor = member(office.dept_a, Role.SUPERVISOR, user__username="leitung")
    MembershipFactory(user=supervisor, department=office.dept_b, role=Role.SUPERVISOR)
    target = WorkflowCaseFactory(
        case_type=office.type_b,
        serial=262,
        person=PersonFactory(family_name="Kovalenko", given_names="Iryna"),
    )
    for name in ("Kovalenko", "Kowalenko", "Bondarenko"):
        WorkflowCaseFactory(case_type=office.type_a, person=PersonFactory(family_name=name))
    WorkflowCaseFactory(case_type=office.type_b, person=PersonFactory(family_name="Kovalenko"))
    get_search_backend().rebuild()

    page = make_page(width=1280, height=900)
    admin_login(page, supervisor.username)
    page.goto(f"{live_server.url}/admin/case-search/")

    # A partial file number in the search box.
    page.get_by_role("searchbox").fill("262")
    page.get_by_role("button", name="Suche", exact=True).click()
    page.wait_for_url("**q=262**")
    rows = page.locator("table.search-results tbody tr")
    assert rows.count() == 1
    assert target.file_number in rows.first.inner_text()

    # The name, then the case type chosen by its name in a visible select.
    page.get_by_role("searchbox").fill("Kovalenko")
    page.get_by_role("combobox", name="Vorgangsart").select_option(label="§ 24 AufenthG – Ukraine")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url("**case_type=24**")
    numbers = {r.get_attribute("data-file-number") for r in rows.all()}
    assert target.file_number in numbers
    assert all(n and office.type_b.cases.filter(file_number=n).exists() for n in numbers)
    # The row shows name, case type and department, not the searched document's raw text.
    row = page.locator(f"tr[data-file-number='{target.file_number}']").inner_text()
    assert "§ 24 AufenthG" in row and "Asyl/EU" in row and "\n\n" not in row
    shot(page, artifacts_dir, "01-filtered-by-case-type")
    assert_accessible(page)

    # Facets: remove the case type again, then apply a department by clicking its count.
    facet = page.locator("ul[data-facet=case_type] a[aria-current=true]")
    facet.click()
    page.wait_for_url(lambda url: "case_type" not in url)
    page.locator("ul[data-facet=department] a", has_text="Aufenthalt/Anerkennung").click()
    page.wait_for_url("**department=aufenthalt**")
    assert page.get_by_role("combobox", name="Sachgebiet").input_value() == "aufenthalt"
    numbers = {r.get_attribute("data-file-number") for r in rows.all()}
    assert numbers and target.file_number not in numbers
    shot(page, artifacts_dir, "02-facet-department")
    assert_accessible(page)
