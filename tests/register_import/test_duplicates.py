"""Likely duplicates: same date of birth and the same name in another spelling."""

import datetime as dt

import pytest

from casework.services import ImportedPerson
from register_import.duplicates import likely_duplicates
from register_import.models import LegacyPerson
from tests.casework.factories import PersonFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 3, 9)


def entry(family, given, birth=BIRTH):
    return ImportedPerson(person={"family_name": family, "given_names": given, "birth_date": birth})


@pytest.mark.parametrize(
    ("family", "given"),
    [("SHEVCHENKO", "TARAS"), ("Schevchenko", "Taras"), ("Шевченко", "Тарас")],
)
def test_the_same_name_in_another_spelling_and_script_is_found(family, given):
    known = PersonFactory(family_name=family, given_names=given, birth_date=BIRTH)
    found = likely_duplicates([entry("Schewtschenko", "Taras")])
    assert found[0][0] == known.pk


def test_another_name_or_another_birth_date_is_no_duplicate():
    PersonFactory(family_name="Kowalenko", given_names="Taras", birth_date=BIRTH)
    PersonFactory(family_name="Schewtschenko", given_names="Olena", birth_date=BIRTH)
    PersonFactory(family_name="Schewtschenko", given_names="Taras", birth_date=dt.date(1991, 3, 9))
    assert likely_duplicates([entry("Schewtschenko", "Taras")]) == {}


def test_persons_imported_before_are_found_by_their_key_not_compared_again():
    known = PersonFactory(family_name="Schewtschenko", given_names="Taras", birth_date=BIRTH)
    LegacyPerson.objects.create(key="OLD-1", person=known, digest="x")
    assert likely_duplicates([entry("Schewtschenko", "Taras")]) == {}
