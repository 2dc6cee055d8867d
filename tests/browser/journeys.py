"""What the journeys (``test_journeys.py``) share: people in browser contexts of their own,
a check of every page before the browser leaves it, and the background worker.

A journey checks each page it arrives at (``journey.check(page)``: axe-core and a
screenshot). Every address a person's browser shows is recorded as it loads; at the end the
journey fails if one was never checked (the sign-in pages excepted: tests/browser/
test_sign_in.py checks them), so no page a journey shows can be missed.
"""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
BLOCKING_IMPACTS = {"serious", "critical"}
#: Marks a document as checked (a property of its window, gone with the document).
SEEN = "__journeyChecked"
#: Pages a journey passes through without checking them (the sign-in steps).
UNCHECKED = ("/admin/login/", "/admin/sign-in/")


class _ServerErrors(logging.Handler):
    """Collects every record of level ERROR or above logged in this process (the live
    server runs in a thread of it)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


@dataclass
class Journey:
    base_url: str
    folder: Path
    foreign: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.own = urlsplit(self.base_url).netloc
        self._contexts: list = []
        self._roles: dict = {}
        self._handler = _ServerErrors()
        self._shown: set[str] = set()
        self._checked: set[str] = set()

    # -- lifetime ----------------------------------------------------------------------------

    def __enter__(self) -> Journey:
        import shutil

        from .conftest import CHROMIUM, CHROMIUM_ARGS

        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        import pytest

        sync_api = pytest.importorskip("playwright.sync_api")
        if not CHROMIUM.exists():
            pytest.skip("chromium is not installed at /usr/bin/chromium")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        logging.getLogger().addHandler(self._handler)
        logging.getLogger("django.request").addHandler(self._handler)
        self._playwright = sync_api.sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        return self

    def close(self) -> None:
        """Check the pages still open, then close every browser context."""
        for context in self._contexts:
            for page in context.pages:
                self._check(page)
        for context in self._contexts:
            context.close()
        self._contexts = []

    def __exit__(self, *exc) -> None:
        self.close()
        self._browser.close()
        self._playwright.stop()
        logging.getLogger().removeHandler(self._handler)
        logging.getLogger("django.request").removeHandler(self._handler)

    def assert_clean(self) -> None:
        errors = sorted(set(self._handler.records))
        report = []
        if self.foreign:
            report.append("requests to other hosts:\n  " + "\n  ".join(sorted(set(self.foreign))))
        if self.server_errors or errors:
            report.append(
                "server errors:\n  " + "\n  ".join(sorted(set(self.server_errors)) + errors)
            )
        if self.violations:
            report.append("accessibility (axe-core):\n  " + "\n  ".join(self.violations))
        unchecked = sorted(
            key for key in self._shown - self._checked if not key.startswith(UNCHECKED)
        )
        if unchecked:
            report.append("pages shown but never checked:\n  " + "\n  ".join(unchecked))
        if self.problems:
            report.append("checks that could not run:\n  " + "\n  ".join(self.problems))
        assert not report, "\n".join(report)

    # -- people --------------------------------------------------------------------------------

    def open(self, role: str, *, locale: str = "de-DE", width: int = 1280, height: int = 900):
        """A page for ``role`` in a browser context of its own (own cookies)."""
        context = self._browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(60_000)
        context.route("**/*", self._route)
        self._contexts.append(context)
        page = context.new_page()
        self._roles[id(context)] = role
        page.on("response", self._response)
        page.on("framenavigated", lambda frame: self._navigated(page, frame))
        page.on("crash", lambda crashed: self.problems.append(f"page crashed at {crashed.url}"))
        return page

    def _navigated(self, page, frame) -> None:
        if frame == page.main_frame and frame.url.startswith(self.base_url):
            self._shown.add(_page_key(frame.url))

    def _route(self, route) -> None:
        request = route.request
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.own:
            self.foreign.append(f"{request.resource_type} {request.url}")
            route.abort("blockedbyclient")
            return
        route.continue_()

    def _response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    # -- checking a page -----------------------------------------------------------------------

    def check(self, page) -> None:
        """axe-core and a screenshot of the page as the person sees it now (once per
        document)."""
        page.wait_for_load_state("load")
        # Messages slide and fade in: axe measures colours after they have settled.
        page.evaluate(
            """() => Promise.race([
                Promise.all(document.getAnimations()
                    .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
                    .map(a => a.finished.catch(() => null))),
                new Promise(resolve => setTimeout(resolve, 3000)),
            ])"""
        )
        self._check(page)

    def _check(self, page) -> None:
        if page.is_closed() or not page.url.startswith(self.base_url):
            return
        self._checked.add(_page_key(page.url))
        try:
            fresh = page.evaluate(
                f"""() => {{
                    if (window.{SEEN} || document.contentType !== 'text/html') return false;
                    window.{SEEN} = true;
                    return true;
                }}"""
            )
            if not fresh:
                return
            self._axe(page)
            self._screenshot(page)
        except Exception as exc:  # noqa: BLE001 - reported with the journey's result
            self.problems.append(f"{page.url}: {type(exc).__name__}: {exc}")

    def _axe(self, page) -> None:
        from axe_playwright_python.sync_playwright import Axe

        settle(page)
        results = Axe().run(page)
        path = urlsplit(page.url).path
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:4])
                self.violations.append(
                    f"{path}: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} -> {targets}"
                )

    def _screenshot(self, page) -> None:
        self.visited.append(page.url)
        role = self._roles.get(id(page.context), "page")
        path = urlsplit(page.url).path.strip("/") or "home"
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:60]
        name = f"{len(self.visited):02d}-{role}-{slug}.png"
        # The admin scrolls inside its own content area: a viewport as tall as the content
        # shows the whole page.
        size = page.viewport_size
        tall = page.evaluate(
            """() => Math.max(document.documentElement.scrollHeight,
                ...[...document.querySelectorAll('main, .content-wrapper, .content')]
                    .map(el => el.scrollHeight))"""
        )
        page.set_viewport_size({"width": size["width"], "height": min(max(tall, 600), 6000)})
        try:
            page.screenshot(path=str(self.folder / name), full_page=True)
        finally:
            page.set_viewport_size(size)


def settle(page) -> None:
    """Waits until the page's finite animations have finished (at most 3 s): messages slide and
    fade in, and axe must measure their colours once they have settled (a message caught
    half-transparent fails the contrast rule on a slow machine)."""
    page.evaluate(
        """() => Promise.race([
            Promise.all(document.getAnimations()
                .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
                .map(a => a.finished.catch(() => null))),
            new Promise(resolve => setTimeout(resolve, 3000)),
        ])"""
    )


def _page_key(url: str) -> str:
    """A page's address without query and fragment."""
    return urlsplit(url).path


# -- mail, PDFs ----------------------------------------------------------------------------


def pdf_text(path_or_bytes) -> str:
    from pypdf import PdfReader

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


# -- the background worker -------------------------------------------------------------------


def database_url() -> str:
    """The URL of the database the live server uses (the test database)."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(params["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "The background worker needs the SQLite test database in a file "
                "(tests/browser/conftest.py sets one for browser tests)."
            )
        return f"sqlite:///{name}"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


def start_worker(settings, log: Path, *, cache_dir: Path) -> subprocess.Popen:
    """``manage.py run_worker`` (what ``make run`` starts) on the live server's database and
    cache, running scheduled publishing every 5 seconds."""
    env = {
        **os.environ,
        "ABH_TEST_CACHE_DIR": str(cache_dir),
        "CMS_PUBLISH_SCHEDULED_INTERVAL": "5",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ABH_TEST_TASKS": "database",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "manage.py", "run_worker", "--",
               "--interval", "0.5", "--no-startup-delay"]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM to the supervisor (it stops its worker gracefully), SIGKILL after a while; then
    whatever is left of its process group (its own session), so that no worker keeps a
    connection to the test database."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        time.sleep(2)


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def save_shot(page, folder: Path, name: str, *, height: int = 1600, full_page=False) -> None:
    """A screenshot of ``page`` as ``folder/name.png``. Wagtail scrolls inside its own content
    area, so the back office is shot in a viewport ``height`` pixels tall (then 900 again)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)
    page.set_viewport_size({"width": 1280, "height": 900})
