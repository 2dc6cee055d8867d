"""Shared fixtures for browser tests: Debian's chromium through Playwright, a live server with
the public site's demo content, an artifacts folder and an axe-core accessibility check.

Use them from any tests/browser/test_*.py::

    pytestmark = pytest.mark.browser

    def test_something(demo_live_server, make_page, assert_accessible, artifacts_dir):
        page = make_page(width=375)
        page.goto(demo_live_server.url + "/de/")
        assert_accessible(page)
        page.screenshot(path=artifacts_dir / "home.png")

Back-office pages need a staff sign-in with password and one-time code; ``admin_login`` does
both through the real sign-in pages::

    def test_backoffice(live_server, make_page, admin_login):
        page = make_page()
        admin_login(page, "sachbearbeitung")          # password "demo", then the TOTP code
        page.goto(live_server.url + "/admin/cases/")
"""

import io
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = ("serious", "critical")
DEMO_PASSWORD = "demo"  # noqa: S105 - the demo and test accounts' password


@pytest.fixture
def chromium_browser():
    """A headless chromium, one per test (function scope keeps other tests' own Playwright
    sessions from colliding with a long-lived one)."""
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async guard would refuse them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def make_page(chromium_browser):
    """Factory: ``make_page(width=1280, height=900, locale="de-DE")`` opens a fresh page in its
    own browser context (no cookies shared between pages)."""
    contexts = []

    def factory(*, width: int = 1280, height: int = 900, locale: str = "de-DE"):
        context = chromium_browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
        )
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """test-artifacts/ at the repository root (git-ignored), created on demand."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def assert_accessible():
    """Callable that runs axe-core on a page and fails on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    from .journeys import settle

    axe = Axe()

    def check(page, *, impacts=BLOCKING_IMPACTS) -> None:
        settle(page)
        results = axe.run(page)
        violations = [v for v in results.response["violations"] if v.get("impact") in set(impacts)]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe found violations on {page.url}:\n{report}"

    return check


@pytest.fixture
def demo_live_server(live_server, transactional_db, django_db_serialized_rollback):
    """pytest-django's live server with the public site's demo content loaded.

    Serialized rollback restores what migrations created (tree root, default locale, site)
    after each test's flush, so the loader finds the same starting point every time.
    """
    from django.core.cache import cache
    from django.core.management.color import no_style

    from cms import demo

    cache.clear()
    demo.load(stdout=io.StringIO(), style=no_style())
    yield live_server
    cache.clear()


@pytest.fixture
def admin_login(live_server):
    """Callable ``admin_login(page, username, password="demo")``: signs in through the
    admin's sign-in page and the second-factor page (the user's authenticator is set up
    with the test key if it has none) and waits for the dashboard. Any user the test
    created works; the user needs back-office access (``wagtailadmin.access_admin``)."""
    from tests.accounts.login import browser_sign_in

    def login(page, username: str, password: str = DEMO_PASSWORD, *, next_path: str = "/admin/"):
        return browser_sign_in(page, live_server.url, username, password, next_path=next_path)

    return login


@pytest.fixture(autouse=True)
def _browser_tests_restore_migrated_data(request):
    """A transactional browser test that does not restore the migrated rows (content types,
    permissions, the page tree root) breaks every browser test after it: require it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        pytest.fail("Mark browser tests django_db(transaction=True, serialized_rollback=True).")


# --- journeys: the demo office, every page checked, the background worker -------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite's test database in a file, not in memory: the background worker a journey starts
    (``background_worker``) is a process of its own and must open the same database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        folder = Path(__file__).resolve().parents[2] / "var"
        folder.mkdir(exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(folder / f"test-browser-{os.getpid()}.db")


@pytest.fixture
def demo_office(live_server, transactional_db, django_db_serialized_rollback, settings):
    """The live server with the whole demo office ``make run`` loads (every app's loader)."""
    from django.core.cache import cache
    from django.core.management.color import no_style

    from demo import loader

    cache.clear()
    loader.load_all(stdout=io.StringIO(), style=no_style())
    # The site's own address, as an office configures it: links in e-mails lead here.
    settings.PUBLIC_BASE_URL = live_server.url
    yield live_server
    cache.clear()


@pytest.fixture
def journey(live_server, request, artifacts_dir):
    """One journey through the real UI, as several people in browser contexts of their own.

    ``journey.open(role)`` gives a page; every page it shows is, before the browser leaves it
    (and at the end), checked with axe-core (no serious or critical finding) and
    photographed to ``test-artifacts/journeys/<test>/``. The journey fails at its end on any
    request to another host (blocked), any response of 500 or above, any error logged on the
    server (``django.request`` and every other logger) and any accessibility finding.
    """
    from .journeys import Journey

    folder = artifacts_dir / "journeys" / _safe_name(request.node.name)
    with Journey(live_server.url, folder) as trip:
        yield trip
        trip.close()
        trip.assert_clean()


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")


@pytest.fixture
def background_worker(live_server, settings, tmp_path):
    """The background worker as ``make run`` starts it (``manage.py run_worker``, which keeps a
    ``db_worker`` running) against the live server's database; tasks the pages enqueue go to
    the database queue. Yields the worker's log file; fails if the worker logged a traceback."""
    from .journeys import start_worker, stop_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # One cache for server and worker (as `make run` shares one): a page the worker publishes
    # is seen by the server at once.
    cache_dir = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
        }
    }
    log = tmp_path / "worker.log"
    process = start_worker(settings, log, cache_dir=cache_dir)
    try:
        yield log
    finally:
        stop_worker(process)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, f"the background worker failed:\n{output[-4000:]}"
