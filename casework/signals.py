"""Signals casework sends for others to act on (search, appointments, the security log).

:data:`case_changed` is the one announcement of changed cases. It is sent once per transaction,
after it committed (never for work that was rolled back), with every case the transaction
changed::

    case_changed.send(sender=Case, case_ids=(1, 2, …), changes=frozenset({"title", …}),
                      case=<the Case> or None, change="check" or …)

``case`` and ``change`` are set when exactly one case changed (the instance the service worked
on, and what the service did); bulk work (a § 24 continuation of thousands of titles) sends one
signal with all ids. Services announce through :func:`announce`; saves of cases, persons and
comments outside a service (the admin, a shell, fixtures) are announced too (see
:mod:`casework.apps`), so a receiver never misses a change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

__all__ = ["announce", "api_token_event", "case_changed"]

#: Sent after the transaction that changed cases has committed (see the module docstring).
case_changed = Signal()

#: ``kind`` is "issued", "revoked" or "refused"; also ``token``, ``request``, ``by``.
api_token_event = Signal()

#: What model saves outside a service announce (a service names its change itself).
SAVED = "saved"


class _Pending:
    """The changes of the current transaction, by case id (in order of first announcement)."""

    def __init__(self):
        self.changes: dict[int, list[str]] = {}
        self.instances: dict[int, object] = {}
        self.sent = False

    def add(self, ids: Iterable[int], change: str, case=None) -> None:
        for pk in ids:
            changes = self.changes.setdefault(pk, [])
            if change not in changes:
                changes.append(change)
        if case is not None:
            self.instances[case.pk] = case

    def send(self) -> None:
        if self.sent or not self.changes:
            return
        self.sent = True
        from .models import Case

        ids = tuple(sorted(self.changes))
        every = frozenset(c for changes in self.changes.values() for c in changes)
        case = change = None
        if len(ids) == 1:
            changes = self.changes[ids[0]]
            named = [c for c in changes if c != SAVED]
            change = named[0] if named else SAVED
            case = self.instances.get(ids[0])
            if case is None:
                case = Case.objects.select_related("person", "case_type").filter(pk=ids[0]).first()
        case_changed.send(sender=Case, case_ids=ids, changes=every, case=case, change=change)


def announce(case_ids: Iterable[int], change: str, *, case=None) -> None:
    """Announce that these cases changed (``change`` says how) once the transaction commits.

    Outside a transaction the signal is sent at once. Within one, the announcements of one
    piece of work (the same savepoint: a service's saves, history rows and its own
    announcement) are collected and sent together by a single commit hook.
    """
    ids = [int(pk) for pk in case_ids if pk is not None]
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        pending = _Pending()
        pending.add(ids, change, case)
        pending.send()
        return
    here = set(connection.savepoint_ids)
    for sids, func, _robust in reversed(connection.run_on_commit):
        owner = getattr(func, "__self__", None)
        if isinstance(owner, _Pending) and sids == here and not owner.sent:
            owner.add(ids, change, case)
            return
    pending = _Pending()
    pending.add(ids, change, case)
    transaction.on_commit(pending.send)
