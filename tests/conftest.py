import pytest


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
