"""The Fiktionsbescheinigung as a journey (issue 13, item 4), through the real UI on the demo
office: an extension filed in time whose old title runs out → the caseworker issues the
certificate in the case file → the applicant sees it on the status page ("where is my
case?") and downloads the PDF. The late filing's case file and status page say why no
certificate is offered. Every page is checked with axe (the ``journey`` fixture).

The two applications arrive by post (the office's intake enters them), so the journey
starts at the case file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .journeys import pdf_text
from .test_journeys import BIRTH, LOCALES, look_up, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _extension(*, expires_in: int, filed_days_ago: int, family_name: str, **traits) -> str:
    """A skilled worker's extension of the demo's Aufenthalt department, received by post
    (``checked=True``: checked already, the applicant comes to the Service Point)."""
    from casework.models import CaseType
    from tests.casework.factories import PersonFactory, WorkflowCaseFactory

    today = timezone.localdate()
    case = WorkflowCaseFactory(
        person=PersonFactory(
            family_name=family_name,
            given_names="Olena",
            birth_date=dt.date.fromisoformat(BIRTH),
            email=f"{family_name.lower()}@example.org",
        ),
        case_type=CaseType.objects.get(code="18b"),
        is_extension=True,
        current_title="§ 18b AufenthG",
        title_expires_on=today + dt.timedelta(days=expires_in),
        received_at=timezone.now() - dt.timedelta(days=filed_days_ago),
        **traits,
    )
    return case.file_number


def _issue(journey, page, url: str, until: dt.date) -> str:
    """Open the case file, issue the certificate valid ``until`` in its panel; answers the
    panel's text as it was before."""
    page.goto(url)
    page.wait_for_selector("[data-testid=fiktion]")
    journey.check(page)
    panel = page.locator("[data-testid=fiktion]")
    before = panel.inner_text()
    panel.get_by_label("Bescheinigung gültig bis").fill(until.isoformat())
    panel.get_by_role("button", name="Fiktionsbescheinigung ausstellen").click()
    page.wait_for_selector(".messages li.success")
    journey.check(page)
    return before


def test_a_fiktionsbescheinigung_from_the_case_file_to_the_status_page(
    demo_office, journey, tmp_path
):
    base = demo_office.url
    in_time = _extension(expires_in=10, filed_days_ago=20, family_name="KOVALENKO")
    late = _extension(expires_in=-30, filed_days_ago=5, family_name="BONDARENKO")
    until = timezone.localdate() + dt.timedelta(days=91)

    # The caseworker sees that the old title's rights continue and issues the certificate.
    caseworker = sign_in(journey, base, "sachbearbeitung", "caseworker")
    panel = _issue(journey, caseworker, f"{base}/admin/cases/case/{in_time}/", until)
    assert "§ 81 Abs. 4 AufenthG" in panel
    certificate = caseworker.locator("[data-testid=fiktion-certificate]")
    assert until.strftime("%d.%m.%Y") in certificate.inner_text()
    caseworker.locator("#panel-fiktion").screenshot(path=str(journey.folder / "panel-fiktion.png"))
    # The register holds it as the holder's current status, issued in this case.
    register = caseworker.locator("#panel-residence-records")
    current = register.locator("[data-testid=current-status]").inner_text()
    assert "Fiktionsbescheinigung" in current and until.strftime("%d.%m.%Y") in current, current
    assert "Während eines Vorgangs ausgestellt" in register.inner_text()
    register.screenshot(path=str(journey.folder / "panel-register-fiktion.png"))

    # The applicant finds the certificate on the status page and downloads the PDF.
    applicant = journey.open("applicant", locale=LOCALES["de"])
    applicant.goto(f"{base}/de/")
    journey.check(applicant)  # the home page the applicant starts from
    status = look_up(journey, applicant, base, "de", in_time)
    assert in_time in status
    fiktion = applicant.locator("[data-testid=fiktion]").inner_text()
    assert until.strftime("%d.%m.%Y") in fiktion, fiktion
    links = applicant.locator("[data-testid=notices] a")
    titles = [links.nth(i).inner_text() for i in range(links.count())]
    assert any("Fiktionsbescheinigung" in title for title in titles), titles
    link = links.filter(has_text="Fiktionsbescheinigung").first
    response = applicant.context.request.get(f"{base}{link.get_attribute('href')}")
    assert response.ok and response.body().startswith(b"%PDF")
    (tmp_path / "fiktion.pdf").write_bytes(response.body())
    (journey.folder / "fiktionsbescheinigung.pdf").write_bytes(response.body())
    text = pdf_text(response.body())
    assert "Fiktionsbescheinigung" in text and until.strftime("%d.%m.%Y") in text, text[:1500]
    assert in_time in text

    # Filed after the old title expired: no certificate, and both sides say why.
    caseworker.goto(f"{base}/admin/cases/case/{late}/")
    caseworker.wait_for_selector("[data-testid=fiktion]")
    journey.check(caseworker)
    reason = caseworker.locator("[data-testid=fiktion-reason]").inner_text()
    assert "Fiktionswirkung" in reason, reason
    assert not caseworker.get_by_role("button", name="Fiktionsbescheinigung ausstellen").count()
    look_up(journey, applicant, base, "de", late)
    explained = applicant.locator("[data-testid=fiktion]").inner_text()
    assert "keine Fiktionsbescheinigung" in explained or "nicht" in explained, explained


def test_the_service_point_issues_the_certificate_and_the_register_shows_it(demo_office, journey):
    """A checked extension whose old title runs out in a few days: the applicant is at the
    Service Point for the biometrics, the counter issues the certificate; the caseworker
    then finds it in the register of the case file."""
    base = demo_office.url
    file_number = _extension(expires_in=5, filed_days_ago=30, family_name="MELNYK", checked=True)
    until = timezone.localdate() + dt.timedelta(days=91)

    counter = sign_in(journey, base, "servicepoint", "service-point")
    _issue(journey, counter, f"{base}/admin/cases/case/{file_number}/", until)
    assert (
        until.strftime("%d.%m.%Y")
        in counter.locator("[data-testid=fiktion-certificate]").inner_text()
    )
    # The Service Point does not read the register (the policy): no panel for it.
    assert not counter.locator("#panel-residence-records").count()

    caseworker = sign_in(journey, base, "sachbearbeitung", "caseworker")
    caseworker.goto(f"{base}/admin/cases/case/{file_number}/")
    register = caseworker.locator("#panel-residence-records")
    register.wait_for()
    journey.check(caseworker)
    current = register.locator("[data-testid=current-status]").inner_text()
    assert "Fiktionsbescheinigung" in current and until.strftime("%d.%m.%Y") in current, current
    register.screenshot(path=str(journey.folder / "panel-register-service-point.png"))
