"""Checking the rows of a legacy register, one person (a run of rows with one key) at a time.

A person is taken over whole or not at all: any error in any of their rows holds the whole
person back (the error report names each problem), so the register never holds half a
person. Nothing a spreadsheet would run as a formula enters the register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.constants import RecordKind
from casework.services import ImportedPerson, ImportedRecord

from .readers import COLUMNS

__all__ = ["PersonRows", "check_person", "group_rows", "harmless", "visible"]

#: A spreadsheet runs a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GERMAN_DATE_RE = re.compile(r"^(\d{1,2}|00|xx|XX)\.(\d{1,2}|00|xx|XX)\.(\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR_RE = re.compile(r"^(\d{4})$")

#: Codes of the earlier registers for the kinds of documents (German and our own).
KIND_CODES = {
    "title": RecordKind.TITLE,
    "at": RecordKind.TITLE,
    "aufenthaltstitel": RecordKind.TITLE,
    "aufenthaltserlaubnis": RecordKind.TITLE,
    "niederlassungserlaubnis": RecordKind.TITLE,
    "duldung": RecordKind.DULDUNG,
    "dul": RecordKind.DULDUNG,
    "gestattung": RecordKind.GESTATTUNG,
    "aufenthaltsgestattung": RecordKind.GESTATTUNG,
    "ges": RecordKind.GESTATTUNG,
    "fiktion": RecordKind.FIKTION,
    "fiktionsbescheinigung": RecordKind.FIKTION,
    "fik": RecordKind.FIKTION,
    "eu_card": RecordKind.EU_CARD,
    "eu": RecordKind.EU_CARD,
    "aufenthaltskarte": RecordKind.EU_CARD,
}
YES = {"ja", "j", "yes", "y", "1", "true", "wahr", "x"}
NO = {"nein", "n", "no", "0", "false", "falsch"}
#: ICAO codes for persons without a clear nationality, and Kosovo (no ISO code: XKX as the
#: EU writes it, RKS in its passports, XK as a two-letter code).
SPECIAL_NATIONALITIES = {"XXA": "XXA", "XXB": "XXB", "XXC": "XXC", "XXX": "XXX", "XKX": "XKX"}
SPECIAL_NATIONALITIES |= {"RKS": "XKX", "XK": "XKX"}
PERSON_COLUMNS = (
    "family_name",
    "given_names",
    "birth_date",
    "birth_place",
    "nationality",
    "passport_number",
)
MAX_LENGTHS = {
    "person_key": 64,
    "family_name": 200,
    "given_names": 200,
    "birth_place": 200,
    "passport_number": 30,
    "legal_basis": 100,
    "title": 200,
    "card_number": 40,
}
_GERMAN = {column.name: column.german for column in COLUMNS}


def visible(value: str) -> str:
    """Control characters written out (NUL as ``\\x00``): what a report and the database
    (PostgreSQL refuses NUL in text) can hold."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def harmless(value: str, limit: int = 200) -> str:
    """A cell's value as the error report shows it: control characters visible (NUL as
    ``\\x00``), cut to ``limit``, and never a formula (a leading apostrophe)."""
    text = visible(value)
    text = text.replace("\r", "\\r") if text.startswith("\r") else text
    if len(text) > limit:
        text = text[:limit] + "…"
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


@lru_cache(maxsize=1)
def _nationalities() -> dict[str, str]:
    from django_countries import countries

    codes = dict(SPECIAL_NATIONALITIES)
    for country in countries:
        alpha3 = countries.alpha3(country.code)
        if alpha3:
            codes[alpha3] = alpha3
            codes[country.code] = alpha3
    return codes


@dataclass
class PersonRows:
    """The consecutive rows of one person key."""

    key: str
    first_row: int
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def group_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[PersonRows]:
    """Consecutive rows with the same person key form one person (a legacy export lists a
    person's documents one below the other)."""
    current: PersonRows | None = None
    for number, cells in rows:
        key = cells.get("person_key", "").strip()
        if current is not None and key == current.key and key:
            current.rows.append((number, cells))
            continue
        if current is not None:
            yield current
        current = PersonRows(key, number, [(number, cells)])
    if current is not None:
        yield current


@dataclass
class Checked:
    entry: ImportedPerson | None
    errors: list[tuple[int, str, str, str]]  # row, column (German header), message, value
    digest: str = ""


class _Row:
    def __init__(self, number: int, cells: dict[str, str], errors: list) -> None:
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(
            (self.number, _GERMAN.get(column, column), message, self.cells.get(column, ""))
        )

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if _CONTROL_RE.search(value):
            self.error(column, _("Contains control characters (e.g. NUL bytes)."))
            return ""
        value = " ".join(value.split())
        if required and not value:
            self.error(column, _("Required: the cell is empty."))
            return ""
        if value.startswith(FORMULA_STARTS[:4]):
            self.error(column, _("Looks like a spreadsheet formula; not taken over."))
            return ""
        limit = MAX_LENGTHS.get(column)
        if limit and len(value) > limit:
            self.error(column, _("Too long: at most %(limit)d characters.") % {"limit": limit})
            return ""
        return value

    def date(self, column: str, *, required: bool = False, partial: bool = False):
        value = self.text(column, required=required)
        if not value:
            return None
        parsed = _parse_date(value, partial=partial)
        if parsed is None:
            if partial:
                self.error(
                    column,
                    _("Not a date: write DD.MM.YYYY (00 for an unknown day or month)."),
                )
            else:
                self.error(column, _("Not a date: write DD.MM.YYYY."))
        return parsed


def _parse_date(value: str, *, partial: bool) -> dt.date | None:
    day = month = None
    match = _GERMAN_DATE_RE.match(value)
    if match:
        day, month, year = match.groups()
    elif match := _ISO_DATE_RE.match(value):
        year, month, day = match.groups()
    elif partial and (match := _YEAR_RE.match(value)):
        year, month, day = match.group(1), "00", "00"
    else:
        return None
    unknown = ("00", "0", "xx", "XX")
    if not partial and (day in unknown or month in unknown):
        return None
    if month in unknown:
        month, day = "1", "1" if day in unknown else day
        if day not in ("1", "01"):
            return None  # a known day in an unknown month is no date
    if day in unknown:
        day = "1"
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _digest(person: dict, records: list[ImportedRecord]) -> str:
    data = [
        sorted((k, str(v)) for k, v in person.items()),
        sorted(
            [
                r.kind,
                r.legal_basis,
                r.title,
                str(r.valid_from),
                str(r.valid_until),
                r.card_number,
                str(r.employment_permitted),
            ]
            for r in records
        ),
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _person(row: _Row) -> dict:
    person = {
        "family_name": row.text("family_name", required=True),
        "given_names": row.text("given_names"),
        "birth_place": row.text("birth_place"),
        "passport_number": row.text("passport_number"),
    }
    birth = row.date("birth_date", required=True, partial=True)
    if birth is not None and not (dt.date(1900, 1, 1) <= birth <= timezone.localdate()):
        row.error("birth_date", _("Not a possible date of birth."))
        birth = None
    person["birth_date"] = birth
    code = row.text("nationality", required=True).upper()
    if code:
        nationality = _nationalities().get(code)
        if nationality is None:
            row.error("nationality", _("Unknown nationality code (ISO 3166, e.g. UKR or UA)."))
        person["nationality"] = nationality or ""
    return person


def _record(row: _Row) -> ImportedRecord | None:
    code = row.text("kind").lower()
    if not code:
        for column in ("valid_from", "valid_until", "legal_basis", "card_number"):
            if row.cells.get(column, "").strip():
                row.error("kind", _("Required with a document: the cell is empty."))
                break
        return None
    kind = KIND_CODES.get(code.replace(" ", "_"))
    if kind is None:
        row.error(
            "kind",
            _("Unknown kind of document (AT, DUL, GES, FIK or EU)."),
        )
    valid_from = row.date("valid_from", required=True)
    valid_until = row.date("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        row.error("valid_until", _("The end of the validity cannot be before its start."))
    if (
        kind
        and kind != RecordKind.TITLE
        and valid_until is None
        and not row.cells.get("valid_until", "")
    ):
        row.error("valid_until", _("Only a residence title can be valid without an end date."))
    permitted_text = row.text("employment_permitted").lower()
    permitted = None
    if permitted_text in YES:
        permitted = True
    elif permitted_text in NO:
        permitted = False
    elif permitted_text:
        row.error("employment_permitted", _("Write “ja” or “nein” (or leave it empty)."))
    record = ImportedRecord(
        kind=str(kind or ""),
        valid_from=valid_from,
        valid_until=valid_until,
        legal_basis=row.text("legal_basis"),
        title=row.text("title"),
        card_number=row.text("card_number"),
        employment_permitted=permitted,
    )
    return record if kind and valid_from else None


def check_person(group: PersonRows) -> Checked:
    """The person of a run of rows, or their errors (then nothing of them is imported)."""
    errors: list[tuple[int, str, str, str]] = []
    first = _Row(*group.rows[0], errors)
    if not group.key:
        first.error("person_key", _("Required: the cell is empty."))
    first.text("person_key")
    person = _person(first)
    records: list[ImportedRecord] = []
    seen: dict[tuple, int] = {}
    for index, (number, cells) in enumerate(group.rows):
        row = first if index == 0 else _Row(number, cells, errors)
        if index:
            for column in PERSON_COLUMNS:
                a = " ".join(cells.get(column, "").split())
                b = " ".join(group.rows[0][1].get(column, "").split())
                if a and a != b:
                    row.error(
                        column,
                        _(
                            "The person key %(key)s appears in row %(row)d with other "
                            "details: one key, one person."
                        )
                        % {"key": harmless(group.key, 64), "row": group.first_row},
                    )
        record = _record(row)
        if record is None:
            continue
        if record.key in seen:
            row.error(
                "valid_from",
                _("The same document (kind, legal basis, first day) is already in row %(row)d.")
                % {"row": seen[record.key]},
            )
            continue
        seen[record.key] = number
        records.append(record)
    if errors:
        return Checked(None, errors)
    return Checked(ImportedPerson(person=person, records=records), [], _digest(person, records))
