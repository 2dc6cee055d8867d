"""Every sign-in event into the security event log (django.contrib.auth's and django-axes'
signals)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from casework.signals import api_token_event

from .constants import EventKind
from .middleware import LAST_SEEN_KEY
from .services import record_event


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    request.session[LAST_SEEN_KEY] = int(time.time())
    record_event(EventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if request is None or user is None or getattr(request, "_abh_idle_logout", False):
        return
    record_event(EventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    # Axes refuses a locked-out account before the password is checked: that is logged once,
    # as the lock-out, not again as a wrong password.
    if getattr(request, "abh_refused_while_locked", False):
        return
    record_event(EventKind.LOGIN_FAILED, request=request, username=credentials.get("username", ""))


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record_event(EventKind.LOCKED_OUT, request=request, username=username or "")


@receiver(api_token_event, dispatch_uid="accounts_api_token")
def _api_token(sender, kind, token, request=None, by=None, **kwargs):
    event = {
        "issued": EventKind.TOKEN_ISSUED,
        "revoked": EventKind.TOKEN_REVOKED,
        "refused": EventKind.TOKEN_REFUSED,
    }[kind]
    detail = f"{token.prefix}…"
    if by is not None and by.pk != token.user_id:
        detail += f" by {by.get_username()}"
    record_event(event, request=request, user=token.user, detail=detail)
