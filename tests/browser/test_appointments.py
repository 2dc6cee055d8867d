"""Booking and cancelling an appointment in a real browser, in German and English.

Screenshots of each step go to test-artifacts/appointments/; axe-core checks every page.
"""

import io
import os
from pathlib import Path

import pytest

from appointments.constants import BookingStatus
from appointments.forms import time_value
from appointments.models import Booking
from tests.appointments.factories import ServiceFactory, SlotFactory
from tests.casework.factories import WorkflowCaseFactory

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
    case = WorkflowCaseFactory(checked=True)

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
    page.locator(f'input[name="time"][value="{time_value(slot.start)}"]').check()
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
    case = WorkflowCaseFactory(checked=True)
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


PICKER_TEXTS = {
    "de": {"show": "Freie Zeiten anzeigen", "next": "Nächste Woche", "book": "Diese Uhrzeit buchen",
           "booked": "Ihr Termin ist gebucht", "total": "Freie Zeiten insgesamt"},
    "uk": {"show": "Показати вільний час", "next": "Наступний тиждень",
           "book": "Записатися на цей час", "booked": "Ви записані на прийом",
           "total": "Усього вільних місць"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["de", "uk"])
@pytest.mark.parametrize("width", [1280, 320])
def test_the_slot_picker_one_day_at_a_time_with_afternoons_and_later_weeks(
    demo_live_server, make_page, settings, language, width
):
    """Slots released from the demo's opening hours: each time once, one day per page,
    afternoon times on Thursdays, later weeks reachable, no sideways scrolling at 320 px."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from appointments.models import Slot
    from appointments.services import release_slots

    settings.APPOINTMENTS_RATE_LIMIT = "off"
    call_command("setup_appointments", stdout=io.StringIO())
    now = timezone.now()
    release_slots(now=now - dt.timedelta(days=7))
    release_slots(now=now)
    assert Slot.objects.exists()
    case = WorkflowCaseFactory(checked=True)
    text = PICKER_TEXTS[language]
    page = make_page(width=width, height=800)
    page.goto(f"{demo_live_server.url}/{language}/termin/")
    page.fill("#id_file_number", case.file_number)
    page.fill("#id_birth_date", case.person.birth_date.isoformat())
    page.get_by_role("button", name=text["show"]).click()
    assert text["total"] in page.locator("#slot-summary").inner_text()
    times = page.locator('input[name="time"]')
    values = times.evaluate_all("els => els.map(e => e.value)")
    assert values and len(values) == len(set(values)), "each time once"
    first = page.locator(".slot-list li").first.bounding_box()
    label = page.locator(".slot-list label").first.bounding_box()
    assert abs(first["y"] - label["y"]) < first["height"], "radio and time on one line"
    no_sideways_scroll(page)
    shot(page, language, f"picker-{width}-1-first-day")

    # A Thursday shows afternoon times (14:00–17:30 in the demo's opening hours).
    thursday = page.locator(".day-list button", has_text=THURSDAY[language])
    if not thursday.count():
        page.get_by_role("button", name=text["next"]).click()
        thursday = page.locator(".day-list button", has_text=THURSDAY[language])
    thursday.first.click()
    labels = page.locator(".slot-list label").all_inner_texts()
    assert any(label.startswith(("14", "15", "16", "17")) for label in labels), labels
    shot(page, language, f"picker-{width}-2-thursday")

    page.get_by_role("button", name=text["next"]).click()
    later = page.locator('input[name="time"]').first.get_attribute("value")
    assert later > values[-1], "a later week"
    no_sideways_scroll(page)
    shot(page, language, f"picker-{width}-3-next-week")
    page.locator(".slot-list label").first.click()
    page.get_by_role("button", name=text["book"]).click()
    assert page.locator("h1").inner_text() == text["booked"]
    shot(page, language, f"picker-{width}-4-booked")
    assert Booking.objects.get(case=case).slot.start.strftime("%Y%m%dT%H%M%SZ") <= later


THURSDAY = {"de": "Do", "uk": "чт"}


def no_sideways_scroll(page) -> None:
    """Nothing of the booking pages' own content is wider than the window (the header's search
    field is issue 17's and measured there)."""
    overflow = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('main *')].map(
            el => el.getBoundingClientRect().right)) - document.documentElement.clientWidth"""
    )
    assert overflow <= 0, f"the content reaches {overflow} px beyond the window"
