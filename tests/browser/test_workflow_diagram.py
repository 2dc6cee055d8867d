"""The workflow diagram pages in a real browser: the whole drawing is visible, nothing cut off,
and axe finds no serious or critical violation on the page of each workflow.

The screenshot goes to test-artifacts/casework/workflow-diagram.png.
"""

import pytest

from tests.casework.backoffice import build_office

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_supervisor_sees_the_whole_workflow_diagram(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    page = make_page(width=1280, height=900)
    admin_login(page, office.supervisor_a.username)

    page.goto(f"{live_server.url}/admin/cases/workflow/")
    # Two drawings: the case's workflow and a participation's lifecycle.
    svgs = page.locator("figure.casework-diagram svg")
    svgs.first.wait_for()
    assert svgs.count() == 2
    # Every line and label lies inside its drawing's own box, and each drawing inside the page.
    outside = page.evaluate(
        """() => [...document.querySelectorAll("figure.casework-diagram svg")].flatMap(svg => {
            const [minX, minY, w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
            return [...svg.querySelectorAll("polyline, text, rect")].filter(el => {
                if (el.closest("marker")) return false;
                const b = el.getBBox();
                return b.x < minX || b.y < minY || b.x + b.width > minX + w + 0.5
                    || b.y + b.height > minY + h + 0.5;
            }).map(el => el.outerHTML.slice(0, 120));
        })"""
    )
    assert outside == []
    assert_accessible(page)
    figures = page.locator("figure.casework-diagram")
    for index in range(figures.count()):
        assert figures.nth(index).evaluate("f => f.scrollWidth <= f.clientWidth + 1")
        box = svgs.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280

    folder = artifacts_dir / "casework"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.screenshot(path=str(folder / "workflow-diagram.png"))

    # The page of every other workflow (one per workflow of the registry).
    from casework.workflow import CASE_WORKFLOWS

    for key in CASE_WORKFLOWS:
        page.goto(f"{live_server.url}/admin/cases/workflow/{key}/")
        page.locator("figure.casework-diagram svg").first.wait_for()
        assert_accessible(page)
