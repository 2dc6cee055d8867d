"""Keeping the index current: after a commit, changed cases are indexed again.

Connected in :meth:`search.apps.SearchConfig.ready`; casework knows nothing about search.
Updates are collected per transaction and written once in ``on_commit``; a rolled-back change
never reaches the index.
"""

from __future__ import annotations

import logging

from django.db import transaction

from . import indexing, sync

logger = logging.getLogger(__name__)

__all__ = ["case_deleted", "case_saved", "comment_changed", "person_changed", "schedule"]


def _index(ids, delete: bool) -> None:
    """The database index now; external indices through the outbox (a background job)."""
    try:
        if delete:
            indexing.remove_cases(ids)
        else:
            indexing.index_cases(ids)
    except Exception:  # the index can be rebuilt; the case change has committed
        logger.exception("Updating the case index failed for %s", ids)
    try:
        backends = sync.queue(ids)  # again, now that the database index row is written
        if backends:
            sync.kick(backends)
    except Exception:  # the rows written in the transaction are still there
        logger.exception("Queueing the search index update failed for %s", ids)


def _flush() -> None:
    connection = transaction.get_connection()
    pending = getattr(connection, "_case_index_pending", None) or {}
    connection._case_index_pending = {}
    removed = sorted(pk for pk, delete in pending.items() if delete)
    changed = sorted(pk for pk, delete in pending.items() if not delete)
    if changed:
        _index(changed, delete=False)
    if removed:
        _index(removed, delete=True)


def schedule(case_ids, *, delete: bool = False) -> None:
    """Index (or remove) the cases once the transaction commits.

    A transaction that saves a case several times (a transition saves the case, its
    documents and its history) indexes it once: ids are collected on the connection and
    a single commit hook writes them.
    """
    ids = [pk for pk in case_ids if pk is not None]
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        sync.queue(ids)
        _index(ids, delete)
        return
    pending = getattr(connection, "_case_index_pending", None)
    if pending is None:
        pending = connection._case_index_pending = {}
    hooked = any(func is _flush for _sids, func, _robust in connection.run_on_commit)
    if pending and not hooked:
        # A rollback discarded the hook: the ids still waiting belong to undone work.
        pending.clear()
    needs_hook = not pending or not hooked
    new = [pk for pk in ids if pk not in pending]
    if new:
        # In the same transaction as the change: if anything fails after the commit, the
        # outbox still knows which cases the search index has to learn about.
        sync.queue(new)
    for pk in ids:
        pending[pk] = delete or pending.get(pk, False)
    if needs_hook:
        transaction.on_commit(_flush)


def case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.pk])


def case_deleted(sender, instance, **kwargs):
    schedule([instance.pk], delete=True)


def person_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from casework.models import Case

    schedule(list(Case.objects.filter(person_id=instance.pk).values_list("pk", flat=True)))


def comment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.case_id])
