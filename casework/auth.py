"""Bearer tokens for the JSON API.

A token is shown once when it is issued; the database keeps only its SHA-256 digest. Tokens
are long random strings, so a fast digest is enough (no password stretching needed), and a
lookup by digest is one indexed query.
"""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken

__all__ = ["TokenAuth", "issue_token", "revoke_token", "token_auth"]

TOKEN_PREFIX = "abh_"  # noqa: S105 (a public marker, not a secret)
#: Writing ``last_used_at`` on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user, name: str = "", expires_at: dt.datetime | None = None) -> tuple:
    """Create a token for ``user``; returns ``(ApiToken, plaintext key)``."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=_digest(key),
        expires_at=expires_at,
    )
    return token, key


def revoke_token(*, token: ApiToken) -> None:
    token.delete()


def user_for_key(key: str):
    """The active user a key belongs to, or ``None`` (unknown, expired, inactive)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=_digest(key))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; sets ``request.user`` to the token's user."""

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is None:
            return None
        request.user = user
        return user


#: One instance for routers to share (``Router(auth=token_auth)``).
token_auth = TokenAuth()
