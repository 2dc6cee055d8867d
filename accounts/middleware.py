"""Sign-in rules for the back office, enforced on every request under /admin/.

* :class:`IdleTimeoutMiddleware` signs a staff member out after a period without activity
  (``STAFF_IDLE_TIMEOUT_MINUTES``, default 30); Wagtail's background pings do not count.
* :class:`SecondFactorMiddleware` lets a signed-in account into the back office only once
  its second factor is confirmed in this session; an account without one is sent to set
  up an authenticator app first.

Both come after Django's ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

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
