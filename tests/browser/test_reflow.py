"""Every public page type and every back-office table page at 320 px and at 1280 px.

At both widths the page itself never scrolls sideways (WCAG 1.4.10 reflow: nothing sticks out
on the right), and every table sits in a region that scrolls on its own, can be focused with the
keyboard (and then scrolled with the arrow keys) and has a name. axe-core finds no serious or
critical violation on any of these pages (the admin's own menu and header included).

Screenshots of each page at both widths go to test-artifacts/reflow/.
"""

import io

import pytest
from django.core.management.color import no_style

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (320, 1280)

#: One page of every public type, in all four languages between them.
PUBLIC_PAGES = {
    "home": "/de/",
    "topic": "/en/residence-permit/",
    "topic-with-fees": "/de/eat-karte/",
    "news-index": "/uk/news/",
    "news": "/ru/news/digital-photos/",
    "downloads": "/en/forms/",
    "legal-notice": "/de/impressum/",
    "privacy": "/ru/privacy/",
    "accessibility": "/uk/accessibility/",
    "easy-language": "/de/leichte-sprache/",
    "sign-language": "/en/sign-language/",
    "search": "/de/suche/?q=Karte",
    "not-found": "/en/no-such-page/",
    "apply-index": "/de/antrag/",
    "apply-form": "/uk/antrag/employment/",
    "status": "/ru/status/",
    "booking": "/en/termin/",
    "waiting-list": "/de/termin/warteliste/",
}

#: Elements (outside a table region) that end right of the viewport or left of it.
OVERFLOW = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const skip = '.table-region, .table-wrap, .visually-hidden, .w-sr-only, .skip-link';
    if (el.closest(skip)) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 10);
}"""

#: Every table and the region around it: role, tabindex, name, and whether it overflows.
REGIONS = """() => [...document.querySelectorAll('main table')].map((table) => {
  const region = table.closest('.table-region, .table-wrap');
  if (!region) return {table: table.outerHTML.slice(0, 80), region: null};
  const by = region.getAttribute('aria-labelledby');
  const labelled = by && document.getElementById(by)?.textContent.trim();
  const name = region.getAttribute('aria-label') || labelled || '';
  return {
    table: table.outerHTML.slice(0, 80),
    region: region.className,
    role: region.getAttribute('role'),
    tabindex: region.getAttribute('tabindex'),
    name,
    overflows: region.scrollWidth > region.clientWidth + 1,
  };
})"""


def check_reflow(page, width: int, folder, name: str) -> None:
    """No horizontal scrolling of the page; tables only inside focusable, labelled regions."""
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, name
    assert page.evaluate(OVERFLOW, width) == [], (name, width)
    for region in page.evaluate(REGIONS):
        assert region["region"], (name, "table outside a scroll region", region["table"])
        assert region["role"] == "region", (name, region)
        assert region["tabindex"] == "0", (name, region)
        assert region["name"], (name, "region without a name", region)


def scroll_a_wide_table_by_keyboard(page, name: str) -> bool:
    """Focus the first region whose table is wider than it and scroll it with the arrow key."""
    index = page.evaluate(
        """() => [...document.querySelectorAll('.table-region, .table-wrap')]
                 .findIndex((r) => r.scrollWidth > r.clientWidth + 1)"""
    )
    if index < 0:
        return False
    region = page.locator(".table-region, .table-wrap").nth(index)
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region", name
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(i) => document.querySelectorAll('.table-region, .table-wrap')[i].scrollLeft > 0",
        arg=index,
    )
    return True


def test_public_pages_reflow_at_320_and_1280_px(
    demo_live_server, make_page, artifacts_dir, assert_accessible
):
    folder = artifacts_dir / "reflow"
    folder.mkdir(exist_ok=True)
    for width in WIDTHS:
        page = make_page(width=width, height=800)
        for name, path in PUBLIC_PAGES.items():
            page.goto(demo_live_server.url + path)
            check_reflow(page, width, folder, f"public-{name}")
            if width == 320:
                assert_accessible(page)


@pytest.fixture
def demo_office(live_server):
    """The whole demo office (pages, cases, ordinances, appointments, search index) plus one
    booking and an API token, so that the tables have rows."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from appointments.services import book_slot
    from casework.auth import issue_token
    from casework.constants import CaseState
    from casework.models import Case
    from demo.loader import load_all

    cache.clear()
    load_all(stdout=io.StringIO(), style=no_style())
    checked = Case.objects.filter(state=CaseState.CHECKED).order_by("pk").first()
    booking = book_slot(case=checked).booking
    issue_token(user=get_user_model().objects.get(username="sachbearbeitung"), name="Fachverfahren")
    yield {"case": Case.objects.order_by("pk").first(), "booking": booking, "checked": checked}
    cache.clear()


def back_office_pages(data) -> dict[str, tuple[str, str]]:
    """Table pages of the back office: (user, path)."""
    from operations.models import ContinuationOrdinance

    ordinance = ContinuationOrdinance.objects.order_by("pk").first()
    day = data["booking"].slot.start.date().isoformat()
    case = data["checked"].file_number
    return {
        "worklist": ("sachgebietsleitung", "/admin/cases/"),
        "my-cases": ("sachbearbeitung", "/admin/cases/mine/"),
        "overdue": ("sachgebietsleitung", "/admin/cases/overdue/"),
        "case-file": ("sachgebietsleitung", f"/admin/cases/case/{case}/"),
        "case-search": ("sachgebietsleitung", "/admin/case-search/?q=schewtschenko"),
        "access-log": ("amtsleitung", "/admin/cases/access-log/"),
        "api-tokens": ("sachbearbeitung", "/admin/cases/tokens/"),
        "statistics": ("amtsleitung", "/admin/operations/"),
        "council-report": ("amtsleitung", "/admin/operations/?report=council"),
        "ordinances": ("amtsleitung", "/admin/operations/continuation/"),
        "ordinance": ("amtsleitung", f"/admin/operations/continuation/{ordinance.pk}/"),
        "appointments-day": ("admin", f"/admin/appointments/?day={day}"),
        "case-documents": ("sachgebietsleitung", f"/de/antrag/intern/akte/{case}/"),
    }


def test_back_office_table_pages_reflow_at_320_and_1280_px(
    demo_office, live_server, make_page, artifacts_dir, admin_login, assert_accessible
):
    folder = artifacts_dir / "reflow"
    folder.mkdir(exist_ok=True)
    pages = back_office_pages(demo_office)
    users = {user for user, _path in pages.values()}
    scrolled = []
    for width in WIDTHS:
        sessions = {}
        for user in sorted(users):
            sessions[user] = make_page(width=width, height=900)
            admin_login(sessions[user], user)
        for name, (user, path) in pages.items():
            page = sessions[user]
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, response.status)
            assert page.locator("main table").count() > 0 or name in {"overdue", "ordinance"}, name
            check_reflow(page, width, folder, f"backoffice-{name}")
            assert_accessible(page)
            if width == 320 and scroll_a_wide_table_by_keyboard(page, name):
                scrolled.append(name)
    # At a phone's width the wide tables really scroll (and the test saw them do so).
    assert {"worklist", "case-search", "case-file"} <= set(scrolled), scrolled
