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

The active services (two rows that every booking request asks for) are kept under the same
version: a saved or deleted service replaces it, and another process's copy ends after
:data:`MARKER_SECONDS` at the latest.

Once *every* active service is sold out, one more marker says so (:func:`all_sold_out`), under
the same rules. Then a booking request can be answered "none free" before anything else, from
one cache read: who asks makes no difference to that answer, so it needs neither the case nor
the proof of identity, and it tells nothing about whether a file number exists.
"""

import datetime as dt
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min

from .models import Service, Slot
from .selectors import free_slots

__all__ = ["active_services", "all_sold_out", "changed", "is_sold_out", "note_sold_out"]

VERSION_KEY = "appointments:availability:version"
SERVICES_KEY = "appointments:active-services"
ALL_KEY = "appointments:sold-out:all"
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


def _version() -> str | None:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def active_services() -> list[Service]:
    """The active services in their order, read from the database once per version."""
    values = cache.get_many([VERSION_KEY, SERVICES_KEY])
    version, kept = values.get(VERSION_KEY), values.get(SERVICES_KEY)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    # The version is read before the rows: a change racing this read voids what is kept.
    version = version or _version()
    services = list(Service.objects.filter(active=True))
    if version is not None:
        cache.set(SERVICES_KEY, (version, services), timeout=MARKER_SECONDS)
    return services


def _valid(marker, version, now: dt.datetime) -> bool:
    if marker is None or version is None:
        return False
    marked_version, since, until = marker
    return marked_version == version and since <= now < until


def is_sold_out(service, now: dt.datetime) -> bool:
    """True only while a valid marker says that no released slot of ``service`` is free."""
    key = _marker_key(service.pk)
    values = cache.get_many([VERSION_KEY, key])
    return _valid(values.get(key), values.get(VERSION_KEY), now)


def all_sold_out(now: dt.datetime) -> bool:
    """True only while a valid marker says that no active service has a free released slot.

    One cache read; whoever asks, the answer is the same.
    """
    values = cache.get_many([VERSION_KEY, ALL_KEY])
    return _valid(values.get(ALL_KEY), values.get(VERSION_KEY), now)


def _sold_out_until(service, version: str, now: dt.datetime) -> dt.datetime | None:
    """Write the service's marker if none of its released slots is free; until when it holds."""
    if free_slots(service=service, now=now).exists():
        return None
    next_release = Slot.objects.filter(
        service=service, counter__active=True, released_at__gt=now, start__gt=now
    ).aggregate(at=Min("released_at"))["at"]
    until = now + dt.timedelta(seconds=MARKER_SECONDS)
    if next_release is not None:
        until = min(until, next_release)
    cache.set(_marker_key(service.pk), (version, now, until), timeout=MARKER_SECONDS)
    return until


def note_sold_out(service, now: dt.datetime) -> bool:
    """Look (without locks) whether any released slot is free; if none, write the marker.

    Call it after a booking found no free slot, outside the booking's transaction. Returns
    whether the service is sold out. If so, the other active services are looked at too
    (their valid markers count; one read each for the others), and when none of them has a
    free slot either, the marker for all of them is written.
    """
    version = _version()
    if version is None:
        return False
    until = _sold_out_until(service, version, now)
    if until is None:
        return False
    services = [s for s in active_services() if s.pk != service.pk]
    markers = cache.get_many([_marker_key(s.pk) for s in services]) if services else {}
    ends = [until]
    for other in services:
        marker = markers.get(_marker_key(other.pk))
        if _valid(marker, version, now):
            ends.append(marker[2])
            continue
        other_until = _sold_out_until(other, version, now)
        if other_until is None:
            return True
        ends.append(other_until)
    cache.set(ALL_KEY, (version, now, min(ends)), timeout=MARKER_SECONDS)
    return True
