"""Booking and cancelling an appointment in a real browser, in German and English.

Screenshots of each step go to test-artifacts/appointments/; axe-core checks every page.
"""

import os
from pathlib import Path

import pytest

from appointments.constants import BookingStatus
from appointments.models import Booking
from casework.constants import CaseState
from tests.appointments.factories import ServiceFactory, SlotFactory
from tests.casework.factories import CaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appointments"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def shot(page, language: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{language}-{name}.png"), full_page=True)
    violations = Axe().run(page).response["violations"]
    serious = [v for v in violations if v.get("impact") in {"serious", "critical"}]
    assert not serious, (name, [(v["id"], v["nodes"][0]["target"]) for v in serious])


TEXTS = {
    "de": {"show": "Freie Zeiten anzeigen", "book": "Diese Uhrzeit buchen",
           "booked": "Ihr Termin ist gebucht", "cancel": "Diesen Termin absagen",
           "cancelled": "Termin abgesagt", "unknown": "keinen Vorgang"},
    "en": {"show": "Show free times", "book": "Book this time",
           "booked": "Your appointment is booked", "cancel": "Cancel this appointment",
           "cancelled": "Appointment cancelled", "unknown": "could not find a case"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["de", "en"])
def test_book_and_cancel_an_appointment(browser_page, live_server, settings, language):
    settings.APPOINTMENTS_RATE_LIMIT = "off"
    page, text = browser_page, TEXTS[language]
    service = ServiceFactory(kind="biometrics", name="Biometrie")
    slot = SlotFactory(service=service)
    SlotFactory(service=service)
    case = CaseFactory(state=CaseState.CHECKED)

    page.goto(f"{live_server.url}/{language}/termin/")
    shot(page, language, "1-lookup")

    # A wrong date of birth: an error summary linked to the fields, nothing booked.
    page.fill("#id_file_number", case.file_number)
    page.fill("#id_birth_date", "1950-01-01")
    page.get_by_role("button", name=text["show"]).click()
    assert text["unknown"] in page.locator("#error-summary").inner_text()
    shot(page, language, "2-unknown")

    page.fill("#id_birth_date", case.person.birth_date.isoformat())
    page.get_by_role("button", name=text["show"]).click()
    page.locator(f'input[name="slot"][value="{slot.pk}"]').check()
    shot(page, language, "3-choose")
    page.get_by_role("button", name=text["book"]).click()
    assert page.locator("h1").inner_text() == text["booked"]
    assert slot.counter.name in page.locator("#appointment-counter").inner_text()
    shot(page, language, "4-confirmation")
    booking = Booking.objects.get(case=case)
    assert booking.slot == slot

    page.locator("#cancel-link").click()
    shot(page, language, "5-cancel")
    page.get_by_role("button", name=text["cancel"]).click()
    assert page.locator("h1").inner_text() == text["cancelled"]
    shot(page, language, "6-cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_service_point_records_a_no_show_in_the_admin(browser_page, live_server):
    """The day view per counter in the Wagtail admin; a no-show is recorded and kept."""
    import datetime as dt

    from django.contrib.auth.models import Permission
    from django.test import Client
    from django.utils import timezone

    from appointments.services import book_slot
    from casework.constants import Role
    from tests.casework.factories import DepartmentFactory, MembershipFactory

    service = ServiceFactory(kind="biometrics", name="Biometrie")
    slot = SlotFactory(service=service, start=timezone.now() + dt.timedelta(minutes=10))
    case = CaseFactory(state=CaseState.CHECKED)
    booking = book_slot(case=case, slot=slot).booking
    staff = MembershipFactory(
        department=DepartmentFactory(code="service-point"), role=Role.SERVICE_POINT
    ).user
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(staff)
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/appointments/")
    row = page.locator(f'tr[data-booking="{booking.pk}"]')
    assert case.file_number in row.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-1-day.png"), full_page=True)
    row.locator('button[value="no_show"]').click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "staff-2-no-show.png"), full_page=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
