"""Is every index right? The database index and each external index compared with the cases.

:func:`verify_case_index` first drains the outboxes (what the worker would do next), then
builds every case's index row from the database as indexing would and compares it with the
stored row (missing, superfluous, out of date), and each external index (Elasticsearch) with
the database index. With ``repair`` it writes what differs. ``manage.py verify_case_index``
runs it; ``sync_case_index --verify`` is the same check.
"""

from __future__ import annotations

from django.db import transaction

from casework.models import Case

from . import indexing, sync
from .backends.interface import IndexDifferences
from .models import CaseIndexEntry

__all__ = ["DATABASE", "database_differences", "verify_case_index"]

#: The name the database index has in :func:`verify_case_index`'s answer.
DATABASE = "database index"
CHUNK = 2000

_COMPARED = [
    f.attname for f in CaseIndexEntry._meta.concrete_fields if f.attname not in ("indexed_at",)
]


def _values(entry: CaseIndexEntry) -> tuple:
    return tuple(getattr(entry, name) for name in _COMPARED)


def database_differences() -> IndexDifferences:
    """Every case's index row as indexing builds it now, against the stored row."""
    missing: list[int] = []
    stale: list[int] = []
    total = 0
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        cases = list(indexing._cases(chunk))
        comments = indexing._comments_by_case(chunk)
        stored = {e.case_id: e for e in CaseIndexEntry.objects.filter(case_id__in=chunk)}
        for case in cases:
            total += 1
            entry = stored.get(case.pk)
            if entry is None:
                missing.append(case.pk)
            elif _values(entry) != _values(indexing.build_entry(case, comments.get(case.pk, ()))):
                stale.append(case.pk)
    extra = sorted(
        CaseIndexEntry.objects.exclude(case_id__in=Case.objects.values("pk")).values_list(
            "case_id", flat=True
        )
    )
    return IndexDifferences(missing, extra, stale, total)


def verify_case_index(*, repair: bool = False, drain: bool = True) -> dict[str, IndexDifferences]:
    """Differences per index (the database index first); with ``repair``, the differences
    are written and the answer is what remains afterwards (nothing, normally)."""
    if drain:
        sync.flush()  # what this process still holds for the outbox
        sync.drain(sync.DATABASE_INDEX)
    found = database_differences()
    if repair and found.count:
        with transaction.atomic():
            indexing.remove_cases(found.extra)
        indexing.index_cases([*found.missing, *found.stale])
        found = database_differences()
    report = {DATABASE: found}
    for name, backend in sync.external_backends().items():
        if drain:
            sync.drain(name)
        differences = backend.verify()
        if repair and differences.count:
            backend.repair(differences)
            differences = backend.verify()
        report[name] = differences
    return report
