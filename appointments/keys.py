"""Cancellation keys: shown once to the applicant, only their SHA-256 is stored."""

import hashlib
import hmac
import secrets

__all__ = ["hash_key", "key_matches", "new_key"]


def hash_key(key: str) -> str:
    return hashlib.sha256((key or "").encode()).hexdigest()


def new_key() -> tuple[str, str]:
    key = secrets.token_urlsafe(24)
    return key, hash_key(key)


def key_matches(key: str, stored_hash: str | None) -> bool:
    """Constant-time comparison; an unknown booking compares against a dummy hash."""
    return hmac.compare_digest(hash_key(key), stored_hash or "0" * 64) and bool(stored_hash)
