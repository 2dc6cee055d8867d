"""Keeping the search indices in step with the database, through an outbox.

When casework announces changed cases (``case_changed``, after the commit), an
:class:`~search.models.IndexOutbox` row is written per case and index — the database index
and each external one (Elasticsearch) — and a background job
(:func:`search.tasks.drain_index_outbox`, django-tasks) drains the outbox; for an external
index:

1. read a batch of rows queued before the drain started;
2. rewrite the database index rows that are older than their outbox row (a process that died
   between the commit and the index write left them behind);
3. write the documents to the search index (:meth:`sync` of the backend) in one bulk request;
4. delete the rows that were not queued again meanwhile (``queued_at`` unchanged).

If the cluster cannot take the batch, the rows stay, the failure is recorded in
:class:`~search.models.IndexSyncState` and one retry is scheduled (one per backend, with a
growing delay up to five minutes), so case work never waits for the search cluster and
nothing is lost while it is down. When the cluster answers again the retry drains everything
that queued up; ``manage.py sync_case_index --verify`` then compares database and index.

The database index (:class:`~search.models.CaseIndexEntry`, which the database backend searches
and the external indices are copied from) goes the same way, under the outbox name
:data:`DATABASE_INDEX`: no index is written on the request path. :func:`enqueue` is what the
``case_changed`` receiver calls after a commit.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import indexing
from .backends import BaseCaseSearchBackend, get_search_backend, get_search_backends
from .backends.interface import SearchUnavailable
from .models import CaseIndexEntry, IndexOutbox, IndexSyncState

__all__ = [
    "DATABASE_INDEX",
    "DrainResult",
    "drain",
    "enqueue",
    "external_backends",
    "flush",
    "kick",
    "outbox_names",
    "pending",
    "queue",
]

logger = logging.getLogger(__name__)

BATCH = 1000
MAX_RETRY_DELAY = 300
#: The outbox name of the database index (no search backend is called this).
DATABASE_INDEX = "@database"


def external_backends() -> dict[str, BaseCaseSearchBackend]:
    """Configured backends with an index of their own (Elasticsearch), by name."""
    return {name: b for name, b in get_search_backends().items() if b.external}


def queue(case_ids, backends: list[str] | None = None) -> list[str]:
    """Record that these cases changed, for every external backend; returns their names."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    names = list(external_backends()) if backends is None else backends
    if not ids or not names:
        return names
    now = timezone.now()
    IndexOutbox.objects.bulk_create(
        [IndexOutbox(backend=name, case_id=pk, queued_at=now) for name in names for pk in ids],
        update_conflicts=True,
        unique_fields=["backend", "case_id"],
        update_fields=["queued_at"],
        batch_size=1000,
    )
    return names


#: A drain job starts this many seconds after the change that asked for it; changes in that
#: window (from the same process) ride along instead of asking again.
KICK_DELAY = 1.0
_next_kick: dict[str, float] = {}


def enqueue(case_ids) -> list[str]:
    """After a commit: queue the cases for the database index and every external index, and
    have the worker drain those queues. Answers the outbox names written.

    With a background worker (django-tasks' database backend, as in production) the request
    pays for nothing but handing the ids to this process's :class:`OutboxWriter`, which
    writes them from a thread of its own moments later (``SEARCH_OUTBOX_THREAD``; off, as in
    the tests, the request writes them after its commit); without a worker (the tests'
    immediate backend) the ids are written and drained at once.
    """
    names = outbox_names()
    ids = sorted({int(pk) for pk in case_ids if pk is not None})
    if not ids:
        return names
    if _defers():
        if getattr(settings, "SEARCH_OUTBOX_THREAD", True):
            writer.add(ids)
        else:
            _write(ids)
    else:
        _upsert(ids, names)
        kick(names)  # the immediate backend of the tests: drain now
    return names


def outbox_names() -> list[str]:
    """The database index and every external index (names are read from the settings)."""
    return [DATABASE_INDEX, *external_backends()]


def _write(ids: list[int]) -> None:
    """Queue ``ids`` for every index: on PostgreSQL a single upsert whose commit does not
    wait for the disk (a queue row lost in a server crash is found by ``verify_case_index``);
    at most once a second per process and index a drain job is queued to start a second
    later, so it also takes every change made meanwhile."""
    names = outbox_names()
    _upsert(ids, names)
    now = time.monotonic()
    due = [name for name in names if _next_kick.get(name, 0.0) <= now]
    if due:
        for name in due:
            _next_kick[name] = now + KICK_DELAY
        kick(due, delay=KICK_DELAY)


class OutboxWriter:
    """Writes the changed case ids to the outbox from a thread of its own (one per process,
    started when first needed, with its own database connection): the request that changed
    a case only adds the ids to a set. The thread gathers what arrives within
    :attr:`delay` seconds into one upsert, so the index lags the commit by that much more.

    Ids that could not be written (the database away) are kept and tried again; what a
    process still holds when it ends is written by :func:`flush` at exit; a process killed
    outright loses at most the last moment's ids, which ``verify_case_index`` finds and
    repairs (as a queue row lost in a server crash).
    """

    def __init__(self, delay: float = 0.02, retry: float = 1.0) -> None:
        self.delay = delay
        self.retry = retry
        self._ids: set[int] = set()
        self._lock = threading.Lock()  # guards _ids and the thread
        self._writing = threading.Lock()  # held while a batch is written
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, ids) -> None:
        with self._lock:
            self._ids.update(ids)
            self._ensure_thread()
        self._wake.set()

    def _ensure_thread(self) -> None:
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="search-outbox-writer", daemon=True
            )
            self._thread.start()

    @property
    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._ids)

    def _run(self) -> None:
        from django.db import connection as own_connection  # this thread's

        while True:
            self._wake.wait()
            time.sleep(self.delay)  # what else arrives meanwhile rides along
            self._wake.clear()
            if not self.flush():
                own_connection.close_if_unusable_or_obsolete()
                time.sleep(self.retry)
                self._wake.set()

    def flush(self) -> bool:
        """Write what is held now (from any thread; waits for a write under way). Answers
        whether everything held was written."""
        with self._writing:
            with self._lock:
                ids, self._ids = sorted(self._ids), set()
            if not ids:
                return True
            try:
                _write(ids)
            except Exception:
                logger.exception("Queueing %d cases for the search index failed", len(ids))
                with self._lock:
                    self._ids.update(ids)
                return False
            return True


#: This process's writer (see :class:`OutboxWriter`).
writer = OutboxWriter()


def flush() -> bool:
    """Write the ids this process still holds for the outbox (at exit; a bench's rounds)."""
    return writer.flush()


atexit.register(flush)


def _upsert(ids: list[int], names: list[str]) -> None:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        queue(ids, names)
        return
    table = connection.ops.quote_name(IndexOutbox._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # One statement, one round trip; set_config(..., true) is SET LOCAL for it.
            f"WITH fast AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
            f"INSERT INTO {table} (backend, case_id, queued_at, attempts) "
            "SELECT b, c, %s, 0 FROM unnest(%s::text[]) AS b, unnest(%s::bigint[]) AS c, fast "
            "ON CONFLICT (backend, case_id) DO UPDATE SET queued_at = EXCLUDED.queued_at",
            [timezone.now(), names, ids],
        )


def _defers() -> bool:
    from .tasks import drain_index_outbox

    return drain_index_outbox.get_backend().supports_defer


def kick(backends: list[str], *, delay: float = 0) -> None:
    """Have the background worker drain the outbox of these backends (``delay`` seconds on)."""
    from .tasks import drain_index_outbox

    task = drain_index_outbox
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    for name in backends:
        task.enqueue(name)


def pending(backend: str) -> int:
    return IndexOutbox.objects.filter(backend=backend).count()


@dataclass
class DrainResult:
    synced: int = 0
    failed: bool = False
    error: str = ""
    left: int = 0

    def as_dict(self) -> dict:
        return {
            "synced": self.synced,
            "failed": self.failed,
            "error": self.error,
            "left": self.left,
        }


def drain(backend_name: str, *, batch: int = BATCH, max_batches: int | None = None) -> DrainResult:
    """Write queued cases to the backend's index; on failure keep them and schedule a retry."""
    if backend_name == DATABASE_INDEX:
        return _drain_database_index(batch=batch, max_batches=max_batches)
    backend = get_search_backend(backend_name)
    result = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        started = timezone.now()
        rows = list(
            IndexOutbox.objects.filter(backend=backend_name, queued_at__lte=started)
            .order_by("queued_at", "case_id")
            .values_list("case_id", "queued_at")[:batch]
        )
        if not rows:
            break
        ids = [pk for pk, _queued in rows]
        try:
            _refresh_database_index(rows)
            backend.sync(ids)
        except SearchUnavailable as exc:
            IndexOutbox.objects.filter(backend=backend_name, case_id__in=ids).update(
                attempts=F("attempts") + 1
            )
            result.failed, result.error = True, str(exc)[:2000]
            _failed(backend_name, result.error)
            break
        with transaction.atomic():
            # Rows queued again while this batch was written stay for the next round.
            IndexOutbox.objects.filter(
                backend=backend_name, case_id__in=ids, queued_at__lte=started
            ).delete()
        result.synced += len(ids)
    if not result.failed:
        _succeeded(backend_name)
    result.left = pending(backend_name)
    if result.left and not result.failed and (max_batches is None) and _defers():
        kick([backend_name], delay=KICK_DELAY)
    return result


def _drain_database_index(*, batch: int, max_batches: int | None) -> DrainResult:
    """The database index rows of the queued cases written again (or removed)."""
    result = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        started = timezone.now()
        ids = list(
            IndexOutbox.objects.filter(backend=DATABASE_INDEX, queued_at__lte=started)
            .order_by("queued_at", "case_id")
            .values_list("case_id", flat=True)[:batch]
        )
        if not ids:
            break
        indexing.index_cases(ids)  # also removes rows of cases that no longer exist
        with transaction.atomic():
            IndexOutbox.objects.filter(
                backend=DATABASE_INDEX, case_id__in=ids, queued_at__lte=started
            ).delete()
        result.synced += len(ids)
    result.left = pending(DATABASE_INDEX)
    if result.left and max_batches is None and _defers():
        kick([DATABASE_INDEX], delay=KICK_DELAY)
    return result


def _refresh_database_index(rows: list[tuple[int, dt.datetime]]) -> None:
    """Index rows older than their outbox entry are written again from the cases."""
    queued = dict(rows)
    current = dict(
        CaseIndexEntry.objects.filter(case_id__in=list(queued)).values_list("case_id", "indexed_at")
    )
    stale = [pk for pk, at in queued.items() if pk not in current or current[pk] < at]
    if stale:
        indexing.index_cases(stale)  # also removes rows of cases that no longer exist


def _succeeded(backend_name: str) -> None:
    now = timezone.now()
    updated = IndexSyncState.objects.filter(backend=backend_name).update(
        failing_since=None, failures=0, retry_at=None, last_error="", last_synced_at=now
    )
    if not updated:
        IndexSyncState.objects.get_or_create(backend=backend_name, defaults={"last_synced_at": now})


def _failed(backend_name: str, error: str) -> None:
    """Record the failure; schedule one retry per backend (growing delay)."""
    now = timezone.now()
    state, _created = IndexSyncState.objects.get_or_create(backend=backend_name)
    failures = state.failures + 1
    delay = min(MAX_RETRY_DELAY, 5 * 2 ** min(failures, 8))
    retry_at = now + dt.timedelta(seconds=delay)
    # Only the first failure after the last scheduled retry schedules the next one.
    claimed = IndexSyncState.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now), backend=backend_name
    ).update(retry_at=retry_at)
    IndexSyncState.objects.filter(backend=backend_name).update(
        failing_since=state.failing_since or now, failures=failures, last_error=error
    )
    logger.warning(
        "Search index %s is unavailable (%s); %d cases wait in the outbox.",
        backend_name,
        error[:200],
        pending(backend_name),
    )
    if claimed:
        _schedule_retry(backend_name, retry_at)


def _schedule_retry(backend_name: str, retry_at: dt.datetime) -> None:
    from .tasks import drain_index_outbox

    if not drain_index_outbox.get_backend().supports_defer:
        return  # e.g. the immediate backend of the tests: drained by the next change
    drain_index_outbox.using(run_after=retry_at).enqueue(backend_name)
