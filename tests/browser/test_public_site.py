"""The public site in a real browser: accessible, usable at 375 px, operable by keyboard.

Screenshots of home and a topic page (desktop 1280 px, mobile 375 px) go to
test-artifacts/public-site/.
"""

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/de/",
    "topic": "/de/aufenthaltserlaubnis/",
    "news": "/de/aktuelles/digitale-lichtbilder/",
}


@pytest.mark.parametrize("name", ["home", "topic", "news"])
def test_no_serious_accessibility_violations(demo_live_server, make_page, assert_accessible, name):
    """axe-core finds no serious or critical violation on home, topic and news pages."""
    page = make_page()
    page.goto(demo_live_server.url + PAGES[name])
    assert_accessible(page)


def test_ukrainian_topic_page_is_accessible(demo_live_server, make_page, assert_accessible):
    page = make_page(locale="uk-UA")
    page.goto(demo_live_server.url + "/uk/ukraine/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert_accessible(page)


@pytest.mark.parametrize("name", ["home", "topic"])
def test_no_horizontal_scrolling_at_375_px(demo_live_server, make_page, artifacts_dir, name):
    """At a phone's width the layout reflows instead of scrolling sideways."""
    folder = artifacts_dir / "public-site"
    folder.mkdir(exist_ok=True)
    mobile = make_page(width=375, height=800)
    mobile.goto(demo_live_server.url + PAGES[name])
    width = mobile.evaluate("document.scrollingElement.scrollWidth")
    mobile.screenshot(path=folder / f"{name}-mobile-375.png", full_page=True)
    assert width <= 375

    desktop = make_page(width=1280, height=900)
    desktop.goto(demo_live_server.url + PAGES[name])
    desktop.screenshot(path=folder / f"{name}-desktop-1280.png", full_page=True)


def test_skip_link_is_first_and_moves_focus_to_main(demo_live_server, make_page):
    """The first Tab reaches the skip link; activating it puts focus on the main content."""
    page = make_page()
    page.goto(demo_live_server.url + PAGES["topic"])
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_and_search_work_in_the_browser(demo_live_server, make_page):
    page = make_page()
    page.goto(demo_live_server.url + PAGES["topic"])
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/residence-permit/")
    assert page.locator("h1").inner_text() == "Residence permit"
    page.get_by_role("searchbox", name="Search the website").fill("drugstore")
    page.get_by_role("searchbox", name="Search the website").press("Enter")
    page.wait_for_url("**/en/search/?q=drugstore")
    assert page.get_by_role("link", name="Biometric photo").first.is_visible()
