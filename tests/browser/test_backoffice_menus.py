"""The back office's menus (the ViewSets of casework/backoffice.py) for each role, in chromium:
what the sidebar offers, and two pages reached through it. Screenshots of the open menu and of
both pages go to test-artifacts/backoffice-menus/<role>/."""

import pytest
from django.contrib.auth.models import Group

from casework.demo import OFFICE_ADMIN_GROUP
from tests.casework.backoffice import build_office, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOP_LEVEL = {"Vorgänge", "Vorgangssuche", "Termine", "Behördenbetrieb", "Datenschutz"}

#: role → (what the sidebar shows of TOP_LEVEL, two pages: (submenu or None, link, its URL))
ROLES = {
    "caseworker": (
        {"Vorgänge", "Vorgangssuche", "Termine"},
        [
            ("Vorgänge", "Meine Vorgänge", "**/admin/cases/mine/"),
            (None, "Termine", "**/admin/appointments/"),
        ],
    ),
    "service-point": (
        {"Vorgänge", "Vorgangssuche", "Termine"},
        [
            ("Vorgänge", "Arbeitsliste des Sachgebiets", "**/admin/cases/"),
            (None, "Vorgangssuche", "**/admin/case-search/"),
        ],
    ),
    "supervisor": (
        {"Vorgänge", "Vorgangssuche", "Termine", "Behördenbetrieb"},
        [
            ("Vorgänge", "Zugriffsprotokoll", "**/admin/cases/access-log/"),
            ("Behördenbetrieb", "Statistik", "**/admin/operations/"),
        ],
    ),
    "office-management": (
        TOP_LEVEL,
        [
            ("Datenschutz", "Löschvorschläge", "**/admin/privacy/"),
            ("Einstellungen", "Anmeldesicherheit", "**/admin/sign-in/security/"),
        ],
    ),
}


def _user(office, role: str):
    if role == "caseworker":
        return office.worker_a
    if role == "service-point":
        return office.counter
    if role == "supervisor":
        return office.supervisor_a
    user = member(office.dept_a, user__username="amtsleitung")
    user.memberships.all().delete()
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    return user


def _sidebar(page):
    return page.locator("#wagtail-sidebar")


def _open(page, submenu: str | None, link: str) -> None:
    sidebar = _sidebar(page)
    if submenu:
        sidebar.get_by_role("button", name=submenu, exact=True).click()
    sidebar.get_by_role("link", name=link, exact=True).click()


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_finds_its_screens_in_the_menu(
    role, live_server, make_page, admin_login, artifacts_dir, assert_accessible
):
    shown, pages = ROLES[role]
    folder = artifacts_dir / "backoffice-menus" / role
    folder.mkdir(parents=True, exist_ok=True)
    user = _user(build_office(), role)
    page = make_page(width=1280, height=900)
    admin_login(page, user.username)

    sidebar = _sidebar(page)
    sidebar.locator(".sidebar-main-menu__list").wait_for()
    offered = {
        name
        for name in TOP_LEVEL
        if sidebar.get_by_role("button", name=name, exact=True).count()
        or sidebar.get_by_role("link", name=name, exact=True).count()
    }
    assert offered == shown
    first_submenu = pages[0][0]
    if first_submenu:
        sidebar.get_by_role("button", name=first_submenu, exact=True).click()
    page.screenshot(path=str(folder / "01-menu.png"))

    for number, (submenu, link, url) in enumerate(pages, start=2):
        page.goto(f"{live_server.url}/admin/")
        _open(page, submenu, link)
        page.wait_for_url(url)
        page.wait_for_selector("main h1, main h2")
        assert page.title() and "404" not in page.title()
        page.screenshot(path=str(folder / f"0{number}-{link}.png"))
        assert_accessible(page)
