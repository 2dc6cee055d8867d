"""The children in a person's household (§ 25b (1) AufenthG: four years of toleration instead
of six with a minor unmarried child), recorded and removed on a case file of the person.

Each change is one transaction under a lock of the parent's row (a double click records one
child), and writes a history row on each of the parent's cases, as a change of the person's
details does. Who may: :meth:`casework.policy.UserCasePolicy.may_record_household`.

A child is a person of the register: one picked there (a child filed with the parent's case),
one the register already knows by date of birth and name (any spelling: the name matcher an
app registers under :data:`PERSON_NAME_SCORE_HOOK`, search's), or a new person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from ..constants import HistoryEvent
from ..models import Case, CaseHistory, HouseholdChild, Person
from ..policy import policy_for
from ..signals import announce
from ._common import _deny, _event_row, _text
from .persons import register_person

__all__ = [
    "NEW_CHILD_FIELDS",
    "PERSON_NAME_SCORE_HOOK",
    "SAME_PERSON_SCORE",
    "add_household_child",
    "log_household_change",
    "remove_household_child",
]

#: ``fn(family_name, given_names, person) -> float`` (0..1 and a little more): how well the
#: typed name fits a person of the register. Search registers its name matcher.
PERSON_NAME_SCORE_HOOK = "casework_person_name_score"
#: From this score a person with the same date of birth and nationality is the child typed in
#: (the threshold the register import uses for likely duplicates).
SAME_PERSON_SCORE = 0.9
#: What a new child needs (and may have) on the case file.
NEW_CHILD_FIELDS = ("family_name", "given_names", "birth_date", "nationality")


def _describe(child: Person, *, married: bool = False) -> str:
    text = _("%(name)s, born %(date)s") % {
        "name": child,
        "date": formats.date_format(child.birth_date, "SHORT_DATE_FORMAT"),
    }
    if married:
        return _("%(child)s (married)") % {"child": text}
    return text


def log_household_change(
    *, person_id: int, event: str, child: Person, user, at: dt.datetime, married: bool = False
) -> None:
    """The history row of a household change on each of the person's cases (call it in the
    transaction of the change); the cases are announced after the commit."""
    cases = list(Case.objects.filter(person_id=person_id).values_list("pk", "state"))
    comment = _describe(child, married=married)
    CaseHistory.objects.bulk_create(
        _event_row(pk, state, event, at=at, by=user, comment=comment) for pk, state in cases
    )
    announce([pk for pk, _state in cases], "person")


def _check_child(parent: Person, child: Person, today: dt.date) -> None:
    if child.pk == parent.pk:
        raise ValidationError({"child": _("A person cannot be their own child.")})
    if child.birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if child.birth_date <= parent.birth_date:
        raise ValidationError({"child": _("The child must be younger than the parent.")})


def _new_child_data(data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    unknown = set(data) - set(NEW_CHILD_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name, limit in (("family_name", 200), ("given_names", 200)):
        try:
            fields[name] = _text(
                data.get(name), field=name, required=name == "family_name", max_length=limit
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    nationality = str(data.get("nationality") or "").strip().upper()
    if len(nationality) != 3 or not nationality.isalpha():
        errors["nationality"] = _("Enter the nationality as three letters (ISO 3166), e.g. SYR.")
    fields["nationality"] = nationality
    birth_date = data.get("birth_date")
    if not isinstance(birth_date, dt.date):
        errors["birth_date"] = _("Enter the date of birth.")
    elif birth_date > today:
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    fields["birth_date"] = birth_date
    if errors:
        raise ValidationError(errors)
    return fields


def _folded(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _known_person(fields: Mapping[str, Any], *, exclude: int) -> Person | None:
    """The person of the register the typed child is: same date of birth and nationality, and
    the name (any spelling, if an app registered a matcher; else the same letters)."""
    candidates = list(
        Person.objects.filter(
            birth_date=fields["birth_date"], nationality=fields["nationality"]
        ).exclude(pk=exclude)[:200]
    )
    if not candidates:
        return None
    matchers = hooks.get_hooks(PERSON_NAME_SCORE_HOOK)
    family, given = fields["family_name"], fields.get("given_names", "")
    if matchers:
        scored = [(matchers[-1](family, given, person), person.pk, person) for person in candidates]
        best = max(scored, key=lambda row: (row[0], -row[1]))
        return best[2] if best[0] >= SAME_PERSON_SCORE else None
    wanted = (_folded(family), _folded(given))
    for person in sorted(candidates, key=lambda p: p.pk):
        if (_folded(person.family_name), _folded(person.given_names)) == wanted:
            return person
    return None


def add_household_child(
    *,
    case: Case,
    user,
    child: Person | None = None,
    new_child: Mapping[str, Any] | None = None,
    married: bool = False,
    at: dt.datetime | None = None,
) -> tuple[HouseholdChild, bool]:
    """Record a child in the household of ``case``'s person: ``child`` (a person of the
    register) or ``new_child`` (:data:`NEW_CHILD_FIELDS`; the register's person of that date
    of birth and name if there is one, else a new person). Answers the row and whether the
    child was a person the register knew already.

    A child recorded already is refused (no second row), as is the parent itself, a child not
    younger than the parent and a date of birth in the future."""
    if not policy_for(user).may_record_household(case):
        raise _deny()
    if (child is None) == (new_child is None):
        raise ValidationError(_("Choose a child of the register or enter a new one."))
    at = at or timezone.now()
    today = timezone.localdate(at)
    fields = _new_child_data(new_child, today) if new_child is not None else None
    with transaction.atomic():
        # The parent's row serialises two clicks (or two caseworkers) on the same household.
        parent = Person.objects.select_for_update().get(pk=case.person_id)
        known = True
        if fields is not None:
            child = _known_person(fields, exclude=parent.pk)
            if child is None:
                _check_child(parent, Person(**fields), today)
                child, known = register_person(**fields), False
        _check_child(parent, child, today)
        if HouseholdChild.objects.filter(person=parent, child=child).exists():
            raise ValidationError(
                {"child": _("%(child)s is already recorded in this household.") % {"child": child}}
            )
        row = HouseholdChild.objects.create(
            person=parent, child=child, married=married, recorded_by=user, recorded_at=at
        )
        log_household_change(
            person_id=parent.pk,
            event=HistoryEvent.HOUSEHOLD_CHILD_ADDED,
            child=child,
            user=user,
            at=at,
            married=married,
        )
    return row, known


def remove_household_child(
    *, case: Case, user, child_id: int, at: dt.datetime | None = None
) -> Person:
    """The child no longer lives in the household of ``case``'s person (moved out): the row
    goes, a history row stays. Answers the child; a child not (or no longer) recorded is
    refused."""
    if not policy_for(user).may_record_household(case):
        raise _deny()
    at = at or timezone.now()
    with transaction.atomic():
        list(Person.objects.select_for_update().filter(pk=case.person_id).values_list("pk"))
        row = (
            HouseholdChild.objects.select_related("child")
            .filter(person_id=case.person_id, child_id=child_id)
            .first()
        )
        if row is None:
            raise ValidationError(
                {"child": _("This child is not recorded in the household (any more).")}
            )
        row.delete()
        log_household_change(
            person_id=case.person_id,
            event=HistoryEvent.HOUSEHOLD_CHILD_REMOVED,
            child=row.child,
            user=user,
            at=at,
        )
    return row.child
