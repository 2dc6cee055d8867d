"""Keeping the index current: after a commit, changed cases are indexed again.

Connected in :meth:`search.apps.SearchConfig.ready`; casework knows nothing about search.
Updates are collected per transaction and written once in ``on_commit``; a rolled-back change
never reaches the index.
"""

from __future__ import annotations

import logging

from django.db import transaction

from .backends import get_search_backends

logger = logging.getLogger(__name__)

__all__ = ["case_changed", "case_deleted", "comment_changed", "person_changed", "schedule"]


def schedule(case_ids, *, delete: bool = False) -> None:
    ids = [pk for pk in case_ids if pk is not None]
    if not ids:
        return

    def run():
        for name, backend in get_search_backends().items():
            try:
                if delete:
                    backend.remove_cases(ids)
                else:
                    backend.index_cases(ids)
            except Exception:  # the index can be rebuilt; the case change has committed
                logger.exception("Updating the case index %s failed for %s", name, ids)

    transaction.on_commit(run)


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


def case_changed(sender, case=None, **kwargs):
    """casework's own signal (sent after commit, e.g. after a bulk reassignment)."""
    if case is not None:
        schedule([case.pk])
