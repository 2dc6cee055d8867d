"""Persons: registered with their first application, their details changed with a history row
on each of their cases (old and new value: a passport number, an address)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import Channel, HistoryEvent
from ..models import Case, CaseHistory, Person
from ..signals import announce
from ._common import _event_row
from .history import field_changes

#: Fields of a person :func:`update_person` may change (identity, document, address, contact).
PERSON_FIELDS = (
    "family_name",
    "given_names",
    "family_name_native",
    "given_names_native",
    "birth_date",
    "birth_place",
    "nationality",
    "other_nationalities",
    "passport_number",
    "passport_valid_until",
    "id_card_number",
    "id_card_valid_until",
    "street",
    "postal_code",
    "town",
    "email",
    "phone",
    "preferred_language",
)


def _unknown(fields) -> None:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )


def register_person(**fields: Any) -> Person:
    """A new person (before their first case is created); no case, so no history yet."""
    _unknown(fields)
    return Person.objects.create(**fields)


def update_person(
    *,
    person: Person,
    changes: Mapping[str, Any],
    user=None,
    via: str = "",
    only_blank: bool = False,
) -> list[str]:
    """Change details of a person; each of their cases gets a history row with the old and new
    values, and the cases are announced. ``only_blank`` fills empty fields only (what an online
    application adds to a known person). ``via`` names the channel when no staff member acts.
    Answers the names of the fields changed."""
    _unknown(changes)
    if via and via not in Channel.values:
        raise ValidationError({"via": _("Unknown channel “%(channel)s”.") % {"channel": via}})
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        wanted = {
            name: value
            for name, value in changes.items()
            if not (only_blank and getattr(locked, name) not in ("", None))
        }
        before = {name: getattr(locked, name) for name in wanted}
        changed = field_changes(before, wanted)
        if not changed:
            return []
        names = [entry["field"] for entry in changed]
        for name in names:
            setattr(locked, name, wanted[name])
        locked.save(update_fields=[*names, "updated_at"])
        now = timezone.now()
        cases = list(Case.objects.filter(person=locked).values_list("pk", "state"))
        entries = [{**entry, "field": f"person.{entry['field']}"} for entry in changed]
        CaseHistory.objects.bulk_create(
            _event_row(pk, state, HistoryEvent.UPDATED, at=now, by=user, via=via, changes=entries)
            for pk, state in cases
        )
        announce([pk for pk, _state in cases], "person")
    for name in names:
        setattr(person, name, getattr(locked, name))
    return names
