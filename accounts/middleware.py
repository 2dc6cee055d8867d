"""Sign-in rules for the back office, enforced on every request under /admin/.

* :class:`IdleTimeoutMiddleware` signs a staff member out after a period without activity
  (``STAFF_IDLE_TIMEOUT_MINUTES``, default 30); Wagtail's background pings do not count.
* :class:`OTPMiddleware` is django-otp's, reading the account and its Wagtail profile
  (language, time zone, which the admin reads on every request) with the second-factor
  device, in one query instead of three.
* :class:`SecondFactorMiddleware` lets a signed-in account into the back office only once
  its second factor is confirmed in this session; an account without one is sent to set
  up an authenticator app first.

Both come after Django's ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``.
"""

from __future__ import annotations

import time
from contextlib import suppress
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.models import Device

from .backends import PROFILE, preloaded_user
from .constants import EventKind
from .services import has_second_factor, idle_timeout_seconds, record_event

#: Session key of the last request's time (seconds since the epoch).
LAST_SEEN_KEY = "abh_last_seen"
#: The last-seen time is written at most this often (each write is a session save).
LAST_SEEN_RESOLUTION = 30
ADMIN_PREFIX = "/admin/"


def _exempt_paths() -> tuple[str, ...]:
    """Admin paths reachable before the second factor: sign-in, sign-out, set-up, assets."""
    return (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("wagtailadmin_javascript_catalog"),
        reverse("wagtailadmin_sprite"),
        reverse("wagtailadmin_password_reset"),
        reverse("accounts:verify"),
        reverse("accounts:setup"),
    )


def _is_background_ping(path: str) -> bool:
    return "/editing-sessions/" in path


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware; the second-factor device named by the session is read with
    its account and the account's Wagtail profile, and that account is the one
    :class:`~accounts.backends.AccountBackend` hands to Django for the session (which
    Django then verifies as always): one query instead of three."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            devices = Device._filter_persistent_id(persistent_id)
            if devices is not None:
                return devices.select_related(f"user__{PROFILE}").first()
        return None

    def _verify_user_sync(self, request, user):
        device = None
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id and SESSION_KEY in request.session:
            device = self._device_from_persistent_id(persistent_id)
        token = preloaded_user.set(device.user if device is not None else None)
        try:
            self._init_user_fields(user)  # reads the account (Django's get_user)
        finally:
            preloaded_user.reset(token)
        if user.is_authenticated:
            user.otp_device = self._finalize_device(request, user, device)
        return user


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > idle_timeout_seconds():
                minutes = idle_timeout_seconds() // 60
                record_event(
                    EventKind.IDLE_TIMEOUT,
                    request=request,
                    user=request.user,
                    detail=f"{minutes} min",
                )
                request._abh_idle_logout = True
                logout(request)
                if request.path.startswith(ADMIN_PREFIX):
                    messages.info(
                        request,
                        _(
                            "You were signed out after %(minutes)d minutes without activity. "
                            "Please sign in again."
                        )
                        % {"minutes": minutes},
                    )
                    return _redirect_with_next(reverse("wagtailadmin_login"), request)
            elif not _is_background_ping(request.path) and (
                last_seen is None or now - int(last_seen) >= LAST_SEEN_RESOLUTION
            ):
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request):
        path = request.path
        if path.startswith(ADMIN_PREFIX) and request.user.is_authenticated:
            if self._exempt is None:
                self._exempt = _exempt_paths()
            if not path.startswith(self._exempt) and not request.user.is_verified():
                target = "accounts:verify" if has_second_factor(request.user) else "accounts:setup"
                return _redirect_with_next(reverse(target), request)
        return self.get_response(request)


def _redirect_with_next(url: str, request) -> HttpResponseRedirect:
    if request.method == "GET":
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    return HttpResponseRedirect(url)
