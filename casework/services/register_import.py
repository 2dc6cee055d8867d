"""Persons and their residence records taken over from an earlier register, in bulk.

The import of a legacy register (the ``register_import`` app) reads and checks a file; this
service writes what it found, for a chunk of persons at a time, inside the caller's
transaction: new persons and their records, changed details of persons imported before,
records matched by their natural key (kind, legal basis, first day) updated instead of
doubled. Each record change writes its history row; a newer record replaces the records in
force on its first day, as :func:`~casework.services.register.record_residence` does. A few
queries per chunk, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import RecordEvent, RecordSource
from ..models import Department, Person, ResidenceRecord, ResidenceRecordHistory
from ..policy import policy_for
from .history import field_change
from .persons import PERSON_FIELDS, _unknown, update_person

__all__ = [
    "ImportedPerson",
    "ImportedRecord",
    "import_register_entries",
    "may_import_register",
]

#: The fields of a record an import may change once it exists (the rest is its natural key).
RECORD_FIELDS = ("title", "valid_until", "card_number", "employment_permitted")


@dataclass
class ImportedRecord:
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    legal_basis: str = ""
    title: str = ""
    card_number: str = ""
    employment_permitted: bool | None = None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        """The natural key: one document of a kind, on one legal basis, from one day."""
        return (self.kind, self.legal_basis, self.valid_from)


@dataclass
class ImportedPerson:
    """One person of the file: their details and records; ``person_id`` when the person is
    in the register already (imported before, or confirmed as a known person on review)."""

    person: dict[str, Any]
    records: list[ImportedRecord] = field(default_factory=list)
    person_id: int | None = None
    #: Fill empty details only (a person the office knew before the import).
    only_blank: bool = False


def may_import_register(user) -> bool:
    """Taking over a whole register is office management's work."""
    return policy_for(user).may_manage_office()


def import_register_entries(
    *,
    entries: list[ImportedPerson],
    user,
    department: Department,
    at: dt.datetime | None = None,
) -> list[int]:
    """Write a chunk of imported persons; answers their person ids, in the order given.

    Runs in one transaction (the caller's, if any): every person with all their records,
    or nothing. ``department`` becomes the responsible department of the new records (who
    may read them follows from it, see the policy's ``residence_records``).
    """
    if not may_import_register(user):
        raise PermissionDenied
    for entry in entries:
        _unknown(entry.person)
    at = at or timezone.now()
    with transaction.atomic():
        new = [entry for entry in entries if entry.person_id is None]
        created = Person.objects.bulk_create(Person(**entry.person) for entry in new)
        for entry, person in zip(new, created, strict=True):
            entry.person_id = person.pk
        _update_known_persons([e for e in entries if e not in new], user=user)
        _write_records(entries, user=user, department=department, at=at)
    return [entry.person_id for entry in entries]


def _update_known_persons(entries: list[ImportedPerson], *, user) -> None:
    if not entries:
        return
    persons = Person.objects.in_bulk([entry.person_id for entry in entries])
    for entry in entries:
        person = persons[entry.person_id]
        wanted = {
            name: value
            for name, value in entry.person.items()
            if name in PERSON_FIELDS
            and getattr(person, name) != value
            and not (entry.only_blank and getattr(person, name) not in ("", None))
        }
        if wanted:
            update_person(person=person, changes=wanted, user=user)


def _write_records(
    entries: list[ImportedPerson], *, user, department: Department, at: dt.datetime
) -> None:
    person_ids = [entry.person_id for entry in entries]
    held: dict[int, list[ResidenceRecord]] = {pk: [] for pk in person_ids}
    for record in ResidenceRecord.objects.select_for_update().filter(person_id__in=person_ids):
        held[record.person_id].append(record)
    to_create: list[ResidenceRecord] = []
    to_update: list[ResidenceRecord] = []
    history: list[ResidenceRecordHistory] = []
    for entry in entries:
        imported = {
            (r.kind, r.legal_basis, r.valid_from): r
            for r in held[entry.person_id]
            if r.source == RecordSource.IMPORTED
        }
        for item in sorted(entry.records, key=lambda r: r.valid_from):
            record = imported.get(item.key)
            if record is None:
                record = ResidenceRecord(
                    person_id=entry.person_id,
                    kind=item.kind,
                    legal_basis=item.legal_basis,
                    title=item.title,
                    department=department,
                    valid_from=item.valid_from,
                    valid_until=item.valid_until,
                    card_number=item.card_number,
                    employment_permitted=item.employment_permitted,
                    source=RecordSource.IMPORTED,
                    created_at=at,
                    updated_at=at,
                )
                to_create.append(record)
                held[entry.person_id].append(record)
                continue
            changes = [
                field_change(name, getattr(record, name), getattr(item, name))
                for name in RECORD_FIELDS
                if getattr(record, name) != getattr(item, name)
            ]
            if changes:
                for name in RECORD_FIELDS:
                    setattr(record, name, getattr(item, name))
                record.updated_at = at
                to_update.append(record)
                history.append(
                    ResidenceRecordHistory(
                        record=record,
                        event=RecordEvent.UPDATED,
                        at=at,
                        by=user,
                        comment=_("Imported again from the earlier register."),
                        changes=changes,
                    )
                )
    ResidenceRecord.objects.bulk_create(to_create)
    if to_update:
        ResidenceRecord.objects.bulk_update(to_update, [*RECORD_FIELDS, "updated_at"])
    history += [
        ResidenceRecordHistory(
            record=record,
            event=RecordEvent.CREATED,
            at=at,
            by=user,
            comment=_("Imported from the earlier register."),
        )
        for record in to_create
    ]
    superseded = _supersede_in_memory(held, {record.pk for record in to_create})
    if superseded:
        ResidenceRecord.objects.bulk_update(superseded, ["superseded_by", "updated_at"])
        history += [
            ResidenceRecordHistory(
                record=record,
                event=RecordEvent.SUPERSEDED,
                at=at,
                by=user,
                comment=str(record.superseded_by),
                changes=[field_change("superseded_by", None, record.superseded_by_id)],
            )
            for record in superseded
        ]
    ResidenceRecordHistory.objects.bulk_create(history)


def _supersede_in_memory(
    held: dict[int, list[ResidenceRecord]], new_ids: set[int]
) -> list[ResidenceRecord]:
    """The rule of ``_supersede`` applied to each new record, oldest first: the person's
    records in force on its first day (begun on or before it, not ended before it, not yet
    replaced) are replaced by it."""
    changed: list[ResidenceRecord] = []
    for records in held.values():
        ordered = sorted(records, key=lambda r: (r.valid_from or dt.date.min, r.pk or 0))
        for new in ordered:
            if new.pk not in new_ids:
                continue
            day = new.valid_from
            for old in ordered:
                if (
                    old is new
                    or old.superseded_by_id is not None
                    or (old.valid_from is not None and old.valid_from > day)
                    or (old.valid_until is not None and old.valid_until < day)
                ):
                    continue
                if old.pk in new_ids and (old.valid_from, old.pk) > (day, new.pk):
                    continue
                old.superseded_by = new
                old.updated_at = new.created_at
                changed.append(old)
    return changed
