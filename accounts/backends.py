"""django-axes' lock-out check, marking the requests it refuses (for the event log); Django's
own backend reading an account with its Wagtail profile."""

from __future__ import annotations

from contextvars import ContextVar

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

#: The reverse relation from an account to its Wagtail profile (language, time zone), which
#: the admin reads on every request.
PROFILE = "wagtail_userprofile"

#: An account already read in this request with its second-factor device
#: (:class:`accounts.middleware.OTPMiddleware`), for :meth:`AccountBackend.get_user`.
preloaded_user: ContextVar = ContextVar("abh_preloaded_user", default=None)


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account before its password is checked, like axes' own backend;
    the request remembers it, so the log says "locked" and not "wrong password"."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.abh_refused_while_locked = True
            raise


class AccountBackend(ModelBackend):
    """Django's ``ModelBackend``; the signed-in account is read with its Wagtail profile, or
    taken as read with its second-factor device earlier in the same request (one query
    instead of three). Django still verifies the session against it."""

    def get_user(self, user_id):
        user = preloaded_user.get()
        if user is None or user.pk != user_id:
            user_model = get_user_model()
            try:
                user = user_model._default_manager.select_related(PROFILE).get(pk=user_id)
            except user_model.DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None
