"""No back-office page asks another host for anything (no Gravatar, no CDN, no validator).

Every request of the browser context goes through a route that lets only the live server
through; an attempt to reach any other host is recorded and aborted, and the test fails with
the list. Screenshots of the avatar menu and the API docs go to test-artifacts/casework/.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from casework.demo import OFFICE_ADMIN_GROUP
from tests.casework.backoffice import build_office, member
from tests.casework.factories import UserFactory, WorkflowCaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Back-office pages (paths below the live server); ``{case}`` is a case's file number.
PAGES = [
    "/admin/",
    "/admin/cases/",
    "/admin/cases/mine/",
    "/admin/cases/overdue/",
    "/admin/cases/workflow/",
    "/admin/cases/case/{case}/",
    "/admin/cases/tokens/",
    "/admin/case-search/?q=Shevchenko",
    "/admin/operations/",
    "/admin/operations/continuation/",
    "/admin/appointments/",
    "/admin/snippets/",
    "/admin/users/",
    "/admin/account/",
    "/api/v1/docs",
]


def _login(page, base: str, username: str) -> None:
    # Password and one-time code through the real pages (tests/accounts/login.py).
    from tests.accounts.login import browser_sign_in

    browser_sign_in(page, base, username)


def test_back_office_pages_request_nothing_from_other_hosts(live_server, make_page, artifacts_dir):
    office = build_office()
    case = WorkflowCaseFactory(
        case_type=office.type_a,
        person__family_name="SHEVCHENKO",
        assigned_to=office.worker_a,
    )
    # Staff with real e-mail addresses: the ones a Gravatar URL would be built from.
    admin = UserFactory(username="technik", email="technik@abh.example.org", is_superuser=True)
    manager = member(office.dept_a, user__username="amtsleitung", user__email="a@example.org")
    manager.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])

    own = urlsplit(live_server.url).netloc
    foreign: list[str] = []

    def only_our_host(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own:
            foreign.append(f"{route.request.resource_type} {url}")
            route.abort()
        else:
            route.continue_()

    page = make_page(width=1280, height=900)
    page.context.route("**/*", only_our_host)
    for username in (admin.username, manager.username):
        _login(page, live_server.url, username)
        for path in PAGES:
            response = page.goto(live_server.url + path.format(case=case.file_number))
            assert response is not None and response.status < 500, path
            page.wait_for_load_state("networkidle")
        page.context.clear_cookies()
    assert not foreign, "requests to other hosts:\n" + "\n".join(sorted(set(foreign)))

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "ABH API" in page.locator(".swagger-ui .info .title").inner_text()
    folder = artifacts_dir / "casework"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / "api-docs.png"))
    assert not foreign
