"""Apply → status → book with the keyboard alone, as someone who cannot use a mouse.

Every step is reached with Tab (from the skip link on), filled by typing, ticked with Space and
sent with Enter. After each failed submit the focus is on the error summary and the page title
starts with "Fehler:", so a screen-reader user hears at once that something needs fixing.
The caseworker's check between status and booking is done through casework's services (it is
the back office's part, tested elsewhere). Screenshots go to test-artifacts/keyboard/.
"""

import datetime as dt
import io

import pytest
from django.core.management.color import no_style
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_TABS = 120


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on ``selector``; fail if the keyboard cannot reach it."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def start_in_main(page) -> None:
    """The first Tab reaches the skip link; Enter puts the focus on the main content."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def type_date(page, selector: str, day: dt.date) -> None:
    """Type a date into a date field, in the order of the browser's own date format.

    The order (day or month first) follows chromium's user-interface language, not the
    page's: a trial date tells which, then Shift+Tab leads back to the first part.
    """
    tab_to(page, selector)
    page.keyboard.type("01022003")
    day_first = page.eval_on_selector(selector, "e => e.value") == "2003-02-01"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(day.strftime("%d%m%Y" if day_first else "%m%d%Y"))
    assert page.eval_on_selector(selector, "e => e.value") == day.isoformat(), selector


def submit_with(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_error_summary_has_focus(page, shot) -> None:
    assert page.evaluate("document.activeElement.id") == "error-summary", page.url
    assert page.title().startswith("Fehler: "), page.title()
    shot("error")
    if page.locator("#error-summary a").count():
        # The first Tab from the summary leads into its list of links to the fields.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#error-summary') !== null")


@pytest.fixture
def office(live_server):
    from django.core.cache import cache

    from demo.loader import load_all

    cache.clear()
    load_all(stdout=io.StringIO(), style=no_style())
    yield live_server
    cache.clear()


def test_apply_status_and_book_with_the_keyboard_only(
    office, make_page, artifacts_dir, assert_accessible
):
    folder = artifacts_dir / "keyboard"
    folder.mkdir(exist_ok=True)
    page = make_page(width=1280, height=900, locale="de-DE")
    steps = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=str(folder / f"{next(steps):02d}-{name}.png"), full_page=True)
        assert_accessible(page)

    today = timezone.localdate()
    birth = dt.date(1991, 4, 23)

    # Apply: the overview, then the employment form.
    page.goto(office.url + "/de/antrag/")
    start_in_main(page)
    tab_to(page, 'main a[href="/de/antrag/employment/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    start_in_main(page)
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    assert_error_summary_has_focus(page, lambda name: shot(f"apply-personal-{name}"))

    type_into(page, "#id_personal-family_name", "KOVALENKO")
    type_into(page, "#id_personal-given_names", "TARAS")
    type_date(page, "#id_personal-birth_date", birth)
    tab_to(page, "#id_personal-nationality")
    page.keyboard.type("Ukraine")
    type_into(page, "#id_personal-passport_number", "FK123456")
    type_date(page, "#id_personal-passport_valid_until", today + dt.timedelta(days=3 * 365))
    type_into(page, "#id_personal-street", "Bahnstraße 5")
    type_into(page, "#id_personal-postal_code", "40822")
    type_into(page, "#id_personal-town", "Mettmann")
    type_into(page, "#id_personal-email", "taras@example.org")
    shot("apply-personal-filled")
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    assert page.locator("input[name='application-case_type']").count(), "still on step 1"

    # The application: the first case type (a radio group: Space picks the focused one).
    tab_to(page, "input[name='application-case_type']")
    page.keyboard.press("Space")
    shot("apply-application")
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    # Documents can follow later; the photo is taken at the office.
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    tab_to(page, "input[name='photo-photo_source']")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name='photo-photo_source'][value='on_site']").is_checked()
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    # Consent: a failed submit first, then both boxes ticked with Space.
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    assert_error_summary_has_focus(page, lambda name: shot(f"apply-consent-{name}"))
    tab_to(page, "#id_consent-consent")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent-truthful")
    page.keyboard.press("Space")
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    shot("apply-summary")
    submit_with(page, "form.application-form button[type=submit]:not([name])")
    file_number = page.locator("[data-testid=file-number]").inner_text().strip()
    shot("apply-confirmation")

    # Status: from the confirmation's link; a wrong date of birth first.
    start_in_main(page)
    tab_to(page, 'main a[href="/de/status/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    start_in_main(page)
    type_into(page, "#id_file_number", file_number)
    type_date(page, "#id_birth_date", birth - dt.timedelta(days=1))
    submit_with(page, "form.application-form button[type=submit]")
    assert_error_summary_has_focus(page, lambda name: shot(f"status-{name}"))
    assert page.locator("[data-testid=not-found]").is_visible()
    type_into(page, "#id_file_number", file_number)
    type_date(page, "#id_birth_date", birth)
    submit_with(page, "form.application-form button[type=submit]")
    assert page.locator("[data-testid=case-status]").is_visible()
    shot("status-received")

    # The caseworker checks the application (back office, through its services).
    _check_case(file_number)

    # Book: the status page now offers it; a failed submit first.
    page.goto(office.url + "/de/status/")
    start_in_main(page)
    type_into(page, "#id_file_number", file_number)
    type_date(page, "#id_birth_date", birth)
    submit_with(page, "form.application-form button[type=submit]")
    tab_to(page, "[data-testid=book-appointment]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    start_in_main(page)
    submit_with(page, "main form button[type=submit]")
    assert_error_summary_has_focus(page, lambda name: shot(f"book-{name}"))
    type_into(page, "#id_file_number", file_number)
    type_date(page, "#id_birth_date", birth)
    submit_with(page, "main form button[type=submit]")
    shot("book-choose")
    # The first free time of the day shown: Tab into the group, Space picks it.
    tab_to(page, "input[name=time]")
    page.keyboard.press("Space")
    submit_with(page, "button[name=book]")
    assert page.locator("#appointment-time").is_visible(), page.url
    shot("book-confirmation")

    from appointments.models import Booking

    booking = Booking.objects.get(case__file_number=file_number)
    assert booking.status == "booked"


def _check_case(file_number: str) -> None:
    from django.contrib.auth import get_user_model

    from casework.models import Case
    from casework.selectors import cases_visible_to
    from casework.services import answer_participation, fire_transition, mark_document_received

    case = Case.objects.get(file_number=file_number)
    worker = next(
        user
        for user in get_user_model().objects.filter(is_active=True, is_superuser=False)
        if cases_visible_to(user).filter(pk=case.pk).exists()
        and user.username.startswith("sachbearbeitung")
    )
    for document in case.documents.filter(received=False):
        mark_document_received(case=case, user=worker, code=document.code)
    # The demo's skilled-worker types ask the Federal Employment Agency: it consents.
    for participation in case.participations.filter(status="requested"):
        answer_participation(participation=participation, user=worker, answer="consent")
    valid_until = timezone.localdate() + dt.timedelta(days=2 * 365)
    fire_transition(
        case=Case.objects.get(pk=case.pk),
        user=worker,
        transition="check",
        data={"granted_until": valid_until},
    )
