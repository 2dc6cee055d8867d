"""Who may call the JSON API: bearer tokens and back-office sessions, one check for both.

A token is shown once when it is issued; the database keeps only its SHA-256 digest. Tokens
are long random strings, so a fast digest is enough (no password stretching needed), and a
lookup by digest is one indexed query. Every token expires (at most ``API_TOKEN_MAX_DAYS``
after it was issued) and can be revoked by its owner and by office management; a revoked
token stays listed, with who revoked it and when.

Whether the token's user may still work with case files is asked on every call, through
the policy's ``may_use_back_office``, the same check the back office asks: leaving
the department or the "Casework staff" group ends API access at once.
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken
from .policy import policy_for
from .signals import api_token_event

__all__ = [
    "SessionAuth",
    "TokenAuth",
    "issue_token",
    "max_token_days",
    "revoke_token",
    "session_auth",
    "token_auth",
]

logger = logging.getLogger("abh.security")

TOKEN_PREFIX = "abh_"  # noqa: S105 (a public marker, not a secret)
#: Writing ``last_used_at`` on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def max_token_days() -> int:
    return int(getattr(settings, "API_TOKEN_MAX_DAYS", 90))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(
    *, user, name: str = "", expires_at: dt.datetime | None = None, request=None
) -> tuple:
    """Create a token for ``user``; returns ``(ApiToken, plaintext key)``.

    Without ``expires_at`` (or beyond the maximum) it expires after ``API_TOKEN_MAX_DAYS``.
    """
    now = timezone.now()
    latest = now + dt.timedelta(days=max_token_days())
    if expires_at is None or expires_at > latest:
        expires_at = latest
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=_digest(key),
        expires_at=expires_at,
    )
    api_token_event.send(ApiToken, kind="issued", token=token, request=request, by=user)
    return token, key


def revoke_token(*, token: ApiToken, by=None, request=None) -> None:
    """Stop the token at once; the row stays (who revoked it, when) for the log."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    api_token_event.send(ApiToken, kind="revoked", token=token, request=request, by=by)


def user_for_key(key: str, request=None):
    """The user a key belongs to, if the token is current and the user may still work with
    case files; ``None`` otherwise (unknown, expired, revoked, access ended)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=_digest(key))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.revoked_at is not None:
        return None
    if token.expires_at is None or token.expires_at <= now:
        return None
    if not policy_for(token.user).may_use_back_office():
        api_token_event.send(ApiToken, kind="refused", token=token, request=request, by=None)
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; sets ``request.user`` to the token's user."""

    def authenticate(self, request, token):
        user = user_for_key(token, request)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """A back-office session (the browser's own calls): signed in with both factors and
    passing the same check as a token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        verified = getattr(user, "is_verified", None)
        if verified is None or not verified():
            return None  # password only: the second factor is still missing
        return user if policy_for(user).may_use_back_office() else None


#: One instance for routers to share (``Router(auth=token_auth)``).
token_auth = TokenAuth()
session_auth = SessionAuth()
