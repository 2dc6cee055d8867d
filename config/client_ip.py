"""The client's IP address for rate limits, correct behind the office's reverse proxies.

``TRUSTED_PROXY_COUNT`` says how many proxies of our own sit in front of the application
(0 when gunicorn faces the internet). Each of them appends the address it saw to
``X-Forwarded-For``, so the client is the entry that many places from the right; anything
further left was written by the client itself and cannot be trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Address to rate-limit on; REMOTE_ADDR when there is no trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
