"""Deleting a person with everything that hangs off them (retention, DSGVO Art. 17)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from ..models import Case, CaseDocument, Hearing, Notice, Person
from ..policy import policy_for


@dataclass
class ErasureResult:
    """What :func:`erase_person` deleted: rows per model label, and the stored files to remove.

    ``files`` are ``(model label, field name, stored name)`` of every file field (and of the
    case documents' ``file``) on a deleted row; the caller removes them from the disk after
    the commit, so a rollback never leaves rows whose files are gone.
    """

    counts: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str, str]] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    file_numbers: list[str] = field(default_factory=list)


def _stored_files(collector: Collector) -> list[tuple[str, str, str]]:
    """The file names held by the rows a collector is about to delete, any model."""
    files: list[tuple[str, str, str]] = []

    def add(model, rows) -> None:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if model in (CaseDocument, Notice):
            fields.append(model._meta.get_field("file"))
        for f in fields:
            for row in rows:
                name = str(getattr(row, f.attname) or "")
                if name:
                    files.append((model._meta.label, f.name, name))
        if model is Hearing:
            for row in rows:
                for name in row.answer_files or ():
                    files.append((model._meta.label, "answer_files", str(name)))

    for model, instances in collector.data.items():
        add(model, instances)
    for queryset in collector.fast_deletes:
        add(queryset.model, queryset)
    return files


def erase_person(*, person: Person, user) -> ErasureResult:
    """Delete a person with every case and whatever hangs off them, in one transaction.

    For the deletion released under the office's retention rules (office management only).
    Every row that refers to the person or a case through a cascading foreign key goes with
    them, whichever app declared it; a row that protects a case (``PROTECT``) stops the
    erasure with ``ProtectedError``: its app must remove it first. Files on disk are *not*
    touched here (see :class:`ErasureResult`).
    """
    if not policy_for(user).is_office_admin:
        raise PermissionDenied(_("Only office management may delete personal data."))
    result = ErasureResult()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        cases = list(Case.objects.select_for_update().filter(person=person).order_by("pk"))
        result.case_ids = [case.pk for case in cases]
        result.file_numbers = [case.file_number for case in cases]
        # The cases first: they protect the person.
        for rows, origin in ((cases, cases[0] if cases else None), ([person], person)):
            if not rows:
                continue
            collector = Collector(using=Person.objects.db, origin=origin)
            collector.collect(rows)
            result.files += _stored_files(collector)
            _total, counts = collector.delete()
            for label, n in counts.items():
                if n:
                    result.counts[label] = result.counts.get(label, 0) + n
        # No ``case_changed``: its receivers work on live cases. Search removes the index
        # entries on the cases' ``post_delete``; the caller asks search to forget the rest.
    return result
