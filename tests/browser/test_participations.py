"""The case file's panel of other authorities in a real browser: the deadline, the guard's
reason on "check", recording the agency's consent; axe-core finds nothing serious.

Screenshots: test-artifacts/casework/participations-*.png.
"""

import pytest

from casework.models import Participation
from tests.casework.backoffice import build_office
from tests.casework.factories import ParticipationKindFactory, WorkflowCaseFactory
from workflows import ParticipationStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_caseworker_sees_the_deadline_and_records_consent(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible
):
    office = build_office()
    ParticipationKindFactory(case_types=[office.type_a])
    ParticipationKindFactory(security=True, case_types=[office.type_a])
    case = WorkflowCaseFactory(case_type=office.type_a, documents=[("passport", "Pass", True)])
    agency = case.participations.get(kind__code="ba-39")

    page = make_page(width=1280, height=900)
    admin_login(page, office.worker_a.username)
    page.goto(f"{live_server.url}/admin/cases/case/{case.file_number}/")
    panel = page.locator("[data-panel=participations]")
    text = panel.inner_text()
    assert "Bundesagentur für Arbeit" in text and "Sicherheitsbehörden" in text
    assert agency.deemed_on.strftime("%d.%m.%Y") in text
    assert "Bundesagentur für Arbeit: angefragt am" in page.content()
    assert_accessible(page)

    folder = artifacts_dir / "casework"
    folder.mkdir(exist_ok=True)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(folder / "participations-panel.png"))

    row = panel.locator("tr[data-participation=ba-39]")
    row.locator("summary").click()
    row.get_by_label("Antwort der Behörde").select_option("consent")
    row.get_by_label("Aktenzeichen, Auflagen oder Gründe").fill("BA-Az. 4711")
    assert_accessible(page)
    row.get_by_role("button", name="Erfassen").click()
    page.wait_for_load_state()
    agency.refresh_from_db()
    assert agency.status == ParticipationStatus.CONSENTED
    # The confirmation slides in: judge its colours once it stands still.
    page.wait_for_selector(".messages li.success")
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
    panel = page.locator("[data-panel=participations]")
    assert "BA-Az. 4711" in panel.inner_text()
    assert Participation.objects.filter(status=ParticipationStatus.REQUESTED).count() == 1
    assert_accessible(page)
    panel.screenshot(path=str(folder / "participations-answered.png"))
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.screenshot(path=str(folder / "participations-case-file.png"), full_page=True)
