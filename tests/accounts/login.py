"""Signing staff in from tests: the password and the second factor.

* ``client.force_login(user)`` (Django's test client) stands for a complete staff sign-in:
  ``tests/conftest.py`` makes it also confirm the second factor, through
  :func:`verify_client_session`. ``password_only_login`` signs in without it.
* Browser tests use the ``admin_login`` fixture of ``tests/browser/conftest.py``, which types
  the password and a real one-time code from :func:`current_code`.
"""

from __future__ import annotations

import base64
import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

#: The key test accounts' authenticators get (Base32, as an app would show it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

_original_force_login = Client.force_login


def ensure_totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator; one with the test key is set up if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user,
            name="authenticator",
            key=base64.b32decode(TEST_TOTP_SECRET).hex(),
            confirmed=True,
        )
    return device


def current_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current one, or the next one if the current one
    was already used (django-otp refuses a code twice; it accepts one step ahead)."""
    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    t = now_t if device.last_t < now_t else device.last_t + 1
    if t > now_t + device.tolerance:  # pragma: no cover - only after many sign-ins per step
        time.sleep(device.step)
        return current_code(device)
    code = totp(device.bin_key, device.step, device.t0, device.digits, t - now_t)
    return f"{code:0{device.digits}d}"


def verify_client_session(client: Client, user) -> None:
    """Mark the test client's session as having passed the second factor."""
    device = ensure_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def verified_force_login(client: Client, user, backend=None) -> None:
    _original_force_login(client, user, backend)
    verify_client_session(client, user)


def password_only_login(client: Client, user, backend=None) -> None:
    """Signed in with the password only: the back office asks for the second factor."""
    _original_force_login(client, user, backend)


def browser_sign_in(
    page, base_url: str, username: str, password: str = "demo", *, next_path="/admin/"
):
    """Sign in through the admin's real pages in a Playwright ``page``: password, then a
    one-time code (the user's authenticator gets the test key if it has none)."""
    from django.contrib.auth import get_user_model

    device = ensure_totp_device(get_user_model().objects.get(username=username))
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/sign-in/verify/**")
    page.fill("input[name=code]", current_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")
    return page
