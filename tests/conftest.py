import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """The message catalogues are compiled before the tests run, so a single test file run
    right after ``make install`` shows the German texts the tests expect (``make test`` compiles
    them too). Only stale or missing ``.mo`` files are rebuilt, once, by the xdist controller,
    each replaced in one step."""
    msgfmt = shutil.which("msgfmt")
    if hasattr(config, "workerinput") or msgfmt is None:
        return
    for po in [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]:
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Written beside it and moved into place: a test run in the same checkout that
            # loads the catalogue meanwhile reads the old one whole, never half a file (which
            # gettext takes for no German at all).
            partial = mo.with_suffix(f".mo.{os.getpid()}")
            # The repository's own catalogues, no outside input.
            subprocess.run([msgfmt, "--check-format", "-o", str(partial), str(po)], check=True)  # noqa: S603
            os.replace(partial, mo)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, never into the work tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a complete staff sign-in, second factor
    included (see tests/accounts/login.py; ``password_only_login`` for the half-way state)."""
    from django.test import Client

    from tests.accounts.login import verified_force_login

    monkeypatch.setattr(Client, "force_login", verified_force_login)


@pytest.fixture(autouse=True)
def _empty_rate_limit_counters():
    """Rate-limit counters (per address, per file number) start empty in every test: file
    numbers repeat between tests, and a test must not inherit another's failed guesses."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()
