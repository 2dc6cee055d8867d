"""Limits on applicants proving a case with file number and date of birth.

Every endpoint that takes a file number and a birth date (booking page, waiting list,
booking API, status page) is limited per client address (each view's own limit) and, here,
per file number: wrong birth dates for one file number count together across all these
endpoints and all addresses, so guessing from many addresses gets no further than from
one. Only failed proofs count (the holder may look up their case as often as they like);
once a file number's budget is spent, even the right birth date waits until it refills.

The counters live in the cache (django-ratelimit): in production a cache shared by all
workers (Redis, ``REDIS_URL``), which ``check --deploy`` requires (:mod:`config.checks`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate, is_ratelimited

__all__ = ["proof_allowed", "record_failed_proof"]

PROOF_GROUP = "applicant-proof"
#: Failed proofs per file number: a short and a long window.
DEFAULT_RATES = {"APPLICANT_PROOF_RATE": "10/h", "APPLICANT_PROOF_DAILY_RATE": "30/d"}


def _file_number(value) -> str:
    return "".join(str(value or "").split()).upper()[:40]


def _rate(setting: str):
    def rate(group, request):
        value = getattr(settings, setting, DEFAULT_RATES[setting])
        if not value or str(value).lower() in {"off", "none", "0"}:
            return None
        return value

    return rate


def _check(request, file_number: str, *, increment: bool) -> bool:
    """Whether any window of this file number is used up (and count one, if asked)."""
    key = _file_number(file_number)
    if not key:
        return False
    limited = False
    for setting in DEFAULT_RATES:
        limited = (
            is_ratelimited(
                request,
                group=f"{PROOF_GROUP}:{setting}",
                key=lambda group, request, key=key: key,
                rate=_rate(setting),
                method=ALL,
                increment=increment,
            )
            or limited
        )
    return limited


def proof_allowed(request, file_number: str) -> bool:
    """Whether a proof for this file number may be checked now (counts nothing).

    Reads both windows' counters with one cache round trip, under the keys django-ratelimit
    counts them (``record_failed_proof``), and judges as it does (``count > limit``): a
    booking rush asks this for every applicant.
    """
    key = _file_number(file_number)
    if not key or not getattr(settings, "RATELIMIT_ENABLE", True):
        return True
    limits = {}
    for setting in DEFAULT_RATES:
        group = f"{PROOF_GROUP}:{setting}"
        rate = _rate(setting)(group, request)
        if rate is None:
            continue
        limit, period = _split_rate(rate)
        limits[_make_cache_key(group, _get_window(key, period), rate, key, ALL)] = limit
    if not limits:
        return True
    counts = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].get_many(list(limits))
    return not any(counts.get(name, 0) > limit for name, limit in limits.items())


def record_failed_proof(request, file_number: str) -> None:
    """A wrong birth date (or an unknown file number) for this file number."""
    _check(request, file_number, increment=True)
