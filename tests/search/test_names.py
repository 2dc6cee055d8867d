"""Name variants: the phenomena of issue 4, checked on the ranking function directly."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import names


def rank_first(query: str, target: tuple, *others: tuple) -> bool:
    parsed = names.parse_query(query)
    target_score = names.score(parsed, names.person_name(*target), None)
    return all(
        target_score > names.score(parsed, names.person_name(*other), None) for other in others
    )


SHEVCHENKO = ("SHEVCHENKO", "OLEKSANDR", "Шевченко", "Олександр")
DISTRACTORS = (("Sevcenko", "Oleksandr"), ("Shevchuk", "Oleksandr"), ("Savchenko", "Olena"))


@pytest.mark.parametrize(
    "query",
    [
        "Schewtschenko",  # German transcription
        "Шевченко",  # native script
        "Shevchenko",  # passport (ICAO)
        "Sehvchenko",  # one transposition typo
        "Oleksandr Schewtschenko",  # given + family
        "Schewtschenko Oleksandr",  # any order
        "Шевчeнко",  # a Latin "e" inside the Cyrillic word (homoglyph)
    ],
)
def test_cyrillic_name_found_in_every_spelling(query):
    """Passport, German transcription, native script, a typo: the person outranks neighbours."""
    assert rank_first(query, SHEVCHENKO, *DISTRACTORS)


@pytest.mark.parametrize(
    ("query", "target", "others"),
    [
        ("Andriy Melnyk", ("MELNYK", "ANDRII"), [("Melnychenko", "Andrii"), ("Oliinyk", "Ivan")]),
        ("Julija Kowaltschuk", ("Kovalchuk", "Yuliia"), [("Kovalenko", "Yuliia")]),
        ("Oeztuerk", ("Öztürk", "Çağlar"), [("Ozdemir", "Ayse")]),
        ("Ozturk Caglar", ("Öztürk", "Çağlar"), [("Ozturan", "Can")]),
        ("Lukasz Wisniewski", ("Wiśniewski", "Łukasz"), [("Wisnowski", "Lukas")]),
        ("Nguyen Thi Huong", ("Nguyễn", "Thị Hương"), [("Nguyen Van", "Huong")]),
        ("Mohamad Alahmad", ("Al-Ahmad", "Mohammed"), [("Alahmadi", "Mohammed")]),
        ("El Ahmad Muhammad", ("Al-Ahmad", "Mohammed"), [("Alahmadi", "Mohammed")]),
        ("Hussein Ali", ("Hussain", "Ali"), [("Husseini", "Ali"), ("Hassan", "Omar")]),
        ("Tesfaye Gebre Medhin", ("Gebremedhin", "Tesfay"), [("Tesfaye", "Kidane")]),
        ("Mohammadreza Ahmadi", ("Ahmadi", "Mohammad Reza"), [("Alahmadi", "Mohammed")]),
        ("Abd al-Rahman Yousef", ("Abdelrahman", "Youssef"), [("Rahman", "Abdel")]),
        ("Mueller Juergen", ("Müller", "Jürgen"), [("Miller", "Jörg")]),
    ],
)
def test_spelling_phenomena(query, target, others):
    """Diacritics, umlauts, Arabic variants, articles, joined and split names, swapped order."""
    assert rank_first(query, target, *others)


def test_birth_date_in_german_notation_decides_between_namesakes():
    parsed = names.parse_query("Schewtschenko 21.07.1969")
    assert parsed.dates == [dt.date(1969, 7, 21)]
    person = names.person_name(*SHEVCHENKO)
    assert names.score(parsed, person, dt.date(1969, 7, 21)) > names.score(
        parsed, person, dt.date(1970, 1, 1)
    )


def test_query_parts_are_recognised():
    parsed = names.parse_query('ABH-2026-000123 FX123456 "Shevchenko" OR (x*)')
    assert parsed.file_numbers == ["ABH-2026-000123"]
    assert parsed.identifiers == ["FX123456"]
    assert [t.raw for t in parsed.tokens][:1] == ["Shevchenko"]


def test_nul_bytes_and_huge_input_are_cleaned():
    parsed = names.parse_query("Shev\x00chenko " + "a" * 10_000)
    assert "\x00" not in parsed.text
    assert len(parsed.text) <= names.MAX_QUERY_LENGTH


_UKR_LETTERS = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_ICAO = names._ICAO


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="бвгджзклмнпрстфхцчшщ", min_size=1, max_size=3).flatmap(
        lambda consonants: st.text(alphabet="аеиоуіюя", min_size=1, max_size=3).map(
            lambda vowels: "".join(c + v for c, v in zip(consonants, vowels, strict=False)) + "енко"
        )
    )
)
def test_icao_transliteration_finds_the_cyrillic_original(native):
    """Any Ukrainian-looking name typed in ICAO Latin matches its native spelling exactly."""
    latin = "".join(_ICAO.get(ch, ch) for ch in native)
    person = names.person_name("", "", native.capitalize(), "")
    parsed = names.parse_query(latin.capitalize())
    assert names.name_score(parsed, person) >= 0.9


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_UKR_LETTERS, min_size=3, max_size=10))
def test_native_query_matches_its_own_latin_keys(native):
    """Index keys of a native name and the keys of the same name typed as a query meet."""
    keys = set(names.index_keys("", "", native, ""))
    assert keys & names.query_keys(names.parse_query(native))
