"""Likely duplicates: a person of the file who may be a person the register knew before the
import (entered by the office, or a case's applicant), found with search's name matcher.

Candidates share the date of birth (an unknown day or month is recorded as the 1st, as
everywhere in the register); among them the name decides (:func:`search.names.score`: any
spelling or script of the same name, Schewtschenko / SHEVCHENKO / Шевченко). Persons taken
over from a legacy register are not compared again: their key says who they are.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from casework.models import Person
from casework.services import ImportedPerson
from search.names import parse_query, person_name, score

from .models import LegacyPerson

#: The score from which a pair is shown for review (a close spelling of family and given
#: names with the same date of birth; see the tests for examples on both sides).
THRESHOLD = 0.9


def _query(family: str, given: str):
    return parse_query(f"{family} {given}".strip())


def likely_duplicates(entries: list[ImportedPerson]) -> dict[int, tuple[int, float]]:
    """For each entry (by index) the known person it most likely is, with the score."""
    if not entries:
        return {}
    dates = {entry.person["birth_date"] for entry in entries}
    known: dict = {}
    rows = (
        Person.objects.filter(birth_date__in=dates)
        .filter(~Exists(LegacyPerson.objects.filter(person_id=OuterRef("pk"))))
        .values_list(
            "pk",
            "birth_date",
            "family_name",
            "given_names",
            "family_name_native",
            "given_names_native",
        )
    )
    for pk, birth, *names in rows:
        known.setdefault(birth, []).append((pk, person_name(*names)))
    found: dict[int, tuple[int, float]] = {}
    if not known:
        return found
    for index, entry in enumerate(entries):
        birth = entry.person["birth_date"]
        if birth not in known:
            continue
        query = _query(entry.person["family_name"], entry.person.get("given_names", ""))
        best = max(((score(query, name, birth), pk) for pk, name in known[birth]), default=None)
        if best and best[0] >= THRESHOLD:
            found[index] = (best[1], best[0])
    return found
