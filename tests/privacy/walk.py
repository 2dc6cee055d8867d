"""Generic checks over every table of the project (``apps.get_models()``), so a table added
later is covered without a change here."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from casework.models import Case, Person

Snapshot = dict[str, dict[object, dict[str, object]]]


def all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def snapshot() -> Snapshot:
    """Every row of every table: ``{label: {pk: {attname: value}}}``."""
    out: Snapshot = {}
    for model in all_models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.values_list(*names)
        pk_index = names.index(model._meta.pk.attname)
        out[model._meta.label] = {row[pk_index]: dict(zip(names, row, strict=True)) for row in rows}
    return out


def references_to(person_ids: set[int], case_ids: set[int]) -> list[str]:
    """Rows anywhere that still point at the persons or cases (foreign keys, with or without a
    database constraint, and generic relations)."""
    found = []
    targets = {Person: person_ids, Case: case_ids}
    cts = {ContentType.objects.get_for_model(m).pk: ids for m, ids in targets.items()}
    for model in all_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in targets and targets[f.related_model]:
                hits = model._base_manager.filter(
                    **{f"{f.attname}__in": sorted(targets[f.related_model])}
                ).count()
                if hits:
                    found.append(f"{model._meta.label}.{f.name}: {hits}")
        for gfk in (f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)):
            for ct_id, ids in cts.items():
                if not ids:
                    continue
                hits = model._base_manager.filter(
                    **{
                        f"{gfk.ct_field}_id": ct_id,
                        f"{gfk.fk_field}__in": [str(pk) for pk in ids] + list(ids),
                    }
                ).count()
                if hits:
                    found.append(f"{model._meta.label}.{gfk.name}: {hits}")
    return found


def text_mentions(markers: Iterable[str]) -> list[str]:
    """Rows whose text (char, text, JSON, file names) contains one of the markers."""
    wanted = [m.lower() for m in markers if m]
    found = []
    for model in all_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.FileField
            )
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*(f.attname for f in fields)):
            text = " ".join(
                json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v or "")
                for v in row
            ).lower()
            for marker in wanted:
                if marker in text:
                    found.append(f"{model._meta.label}: {marker!r} in {text[:120]!r}")
    return found


def removed_rows(before: Snapshot, after: Snapshot) -> dict[str, dict]:
    return {
        label: {pk: row for pk, row in rows.items() if pk not in after.get(label, {})}
        for label, rows in before.items()
        if any(pk not in after.get(label, {}) for pk in rows)
    }


def changed_rows(before: Snapshot, after: Snapshot) -> dict[str, list]:
    out = {}
    for label, rows in before.items():
        changed = [
            pk for pk, row in rows.items() if pk in after.get(label, {}) and after[label][pk] != row
        ]
        if changed:
            out[label] = changed
    return out


def owned_by(removed: dict[str, dict], person_ids: set[int], case_ids: set[int]) -> set:
    """The removed rows that hang off the persons or cases, directly or through other removed
    rows (transitively): ``{(label, pk)}``."""
    owned = {("casework.Person", pk) for pk in person_ids} | {
        ("casework.Case", pk) for pk in case_ids
    }
    changed = True
    while changed:
        changed = False
        for label, rows in removed.items():
            model = apps.get_model(label)
            relations = [f for f in model._meta.concrete_fields if f.is_relation]
            for pk, row in rows.items():
                if (label, pk) in owned:
                    continue
                for f in relations:
                    target = (f.related_model._meta.label, row.get(f.attname))
                    if target in owned:
                        owned.add((label, pk))
                        changed = True
                        break
    return owned
