"""Keeping the index current: search listens to casework's ``case_changed`` signal only.

casework sends it once per transaction, after the commit, with every case the transaction
changed (a bulk continuation: thousands at once). Connected in
:meth:`search.apps.SearchConfig.ready`; casework knows nothing about search.

Indexing runs off the request path: the receiver only hands the changed case ids to the
process's outbox writer (:mod:`search.sync`), whose thread writes them to the outbox for the
database index and every external index and has the background worker drain it (one pending
job per index at a time). A rolled-back change is
never announced, so it never reaches the index; a change whose announcement was lost (the
process died right after the commit) is found and repaired by ``manage.py verify_case_index``.
"""

from __future__ import annotations

import logging

from . import sync

logger = logging.getLogger(__name__)

__all__ = ["case_changed"]


def _index(ids, delete: bool) -> None:
    """Queue the cases for every index and have the worker drain the queues."""
    try:
        sync.enqueue(ids)
    except Exception:  # the case change has committed; verify_case_index repairs the index
        logger.exception("Queueing the search index update failed for %s", ids)


def case_changed(sender, case_ids=None, case=None, changes=frozenset(), **kwargs):
    ids = list(case_ids or ())
    if not ids and case is not None and case.pk is not None:
        ids = [case.pk]
    if ids:
        _index(sorted(set(ids)), delete=set(changes or ()) == {"deleted"})
