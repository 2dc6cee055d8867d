"""Sold-out markers: once every released slot of a service is booked, say so without a lock.

At a release instant hundreds of applicants ask for the same few hundred slots. Those who come
after the last one went should hear "none free" at once instead of queueing for row locks.
The marker lives in the default cache, so every worker sees it when the cache is shared
(``REDIS_URL``); with the per-process local-memory cache each process learns it on its own.

The database stays the only judge of a booking. A marker only ever short-cuts the answer "no
free appointment", and it is trusted only while nothing can have freed or added a slot:

* it is written after a plain read (no lock, fresh snapshot) found no free released slot; a
  slot held by a booking that has not committed yet still counts as free there;
* every write that may free or add a slot (a cancellation, new or changed slots, counters or
  services) replaces the cache's *availability version*, at once and again when it has
  committed, and a marker holds the version read *before* its database read, so a marker that
  raced such a write is void from the start;
* it ends at the next release instant of the service's hidden slots and after
  :data:`MARKER_SECONDS` at the latest, which also bounds how long another process with its own
  local-memory cache may answer from a stale marker.
"""

import datetime as dt
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min

from .models import Slot
from .selectors import free_slots

__all__ = ["changed", "is_sold_out", "note_sold_out"]

VERSION_KEY = "appointments:availability:version"
#: The longest a marker is trusted; stale markers of other processes end with it.
MARKER_SECONDS = 30


def _marker_key(service_id: int) -> str:
    return f"appointments:sold-out:{service_id}"


def _bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed() -> None:
    """A slot may have been freed or added: void every marker, now and again on commit.

    The second time covers a marker written from a read that still saw the old rows.
    """
    _bump_version()
    transaction.on_commit(_bump_version)


def is_sold_out(service, now: dt.datetime) -> bool:
    """True only while a valid marker says that no released slot of ``service`` is free."""
    key = _marker_key(service.pk)
    values = cache.get_many([VERSION_KEY, key])
    marker = values.get(key)
    if marker is None or values.get(VERSION_KEY) is None:
        return False
    version, since, until = marker
    return version == values[VERSION_KEY] and since <= now < until


def note_sold_out(service, now: dt.datetime) -> bool:
    """Look (without locks) whether any released slot is free; if none, write the marker.

    Call it after a booking found no free slot, outside the booking's transaction. Returns
    whether the service is sold out.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if version is None or free_slots(service=service, now=now).exists():
        return False
    next_release = Slot.objects.filter(
        service=service, counter__active=True, released_at__gt=now, start__gt=now
    ).aggregate(at=Min("released_at"))["at"]
    until = now + dt.timedelta(seconds=MARKER_SECONDS)
    if next_release is not None:
        until = min(until, next_release)
    cache.set(_marker_key(service.pk), (version, now, until), timeout=MARKER_SECONDS)
    return True
