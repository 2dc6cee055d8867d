"""Reading a legacy register's export: CSV (UTF-8 with or without BOM, Windows-1252; ``;``,
``,`` or tab) or XLSX, streamed row by row so memory stays flat whatever the file size.

A reader yields ``(row_number, {column: text})`` with the row number a spreadsheet shows
(the header is row 1). The columns are the canonical names of :data:`COLUMNS`; headers are
recognised in German or English, in any case and order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "Column",
    "FileProblem",
    "RegisterFile",
    "open_register_file",
]


@dataclass(frozen=True)
class Column:
    name: str  # canonical (the import's own name)
    german: str  # the header in the documented layout
    description: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "person_key",
        "Personenkennung",
        _("The person's key in the earlier register (unique per person; up to 64 characters)."),
        ("personenschluessel", "kennung", "legacy_key", "key"),
        True,
    ),
    Column("family_name", "Familienname", _("Family name as in the passport."), ("name",), True),
    Column("given_names", "Vornamen", _("Given names as in the passport."), ("vorname",)),
    Column(
        "birth_date",
        "Geburtsdatum",
        _(
            "DD.MM.YYYY or YYYY-MM-DD. An unknown day or month as the earlier register "
            "records it (00.00.1980, 00.05.1980, XX.XX.1980 or the year alone) is taken as the "
            "first day (of January)."
        ),
        ("geburtstag",),
        True,
    ),
    Column("birth_place", "Geburtsort", _("Place of birth."), ()),
    Column(
        "nationality",
        "Staatsangehörigkeit",
        _("ISO 3166 code, three letters (UKR, SYR) or two (UA, SY); XXA stateless, XXX unclear."),
        ("staatsangehoerigkeit", "nationalitaet"),
        True,
    ),
    Column("passport_number", "Passnummer", _("Passport number."), ("pass_nr",)),
    Column(
        "kind",
        "Dokumentart",
        _(
            "The status document: Aufenthaltstitel (AT), Duldung (DUL), Aufenthaltsgestattung "
            "(GES), Fiktionsbescheinigung (FIK) or Aufenthaltskarte (EU). Empty: a person "
            "without a record in this row."
        ),
        ("art", "record_kind"),
        True,
    ),
    Column(
        "legal_basis",
        "Rechtsgrundlage",
        _("E.g. § 25 Abs. 5 AufenthG."),
        ("rechtsgrund", "paragraph"),
    ),
    Column("title", "Bezeichnung", _("E.g. Aufenthaltserlaubnis."), ("designation",)),
    Column(
        "valid_from",
        "Gültig ab",
        _("First day of validity (required with a document)."),
        ("gueltig_ab",),
        True,
    ),
    Column(
        "valid_until",
        "Gültig bis",
        _("Last day of validity; empty only for a permanent residence title."),
        ("gueltig_bis",),
        True,
    ),
    Column(
        "card_number",
        "Kartennummer",
        _("Card or document number."),
        ("dokumentnummer", "card_no"),
    ),
    Column(
        "employment_permitted",
        "Erwerbstätigkeit gestattet",
        _("ja / nein (empty: not recorded)."),
        ("erwerbstaetigkeit", "erwerbstaetigkeit_gestattet", "employment"),
    ),
)

REQUIRED = tuple(column.name for column in COLUMNS if column.required)


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text or "").strip().lstrip("\ufeff").lower())
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _header_names() -> dict[str, str]:
    return {
        _header_key(label): column.name
        for column in COLUMNS
        for label in (column.name, column.german, *column.aliases)
    }


class FileProblem(Exception):
    """The file as a whole cannot be imported (nothing is): unreadable, no header, a
    required column missing."""


@dataclass
class RegisterFile:
    """An opened file: its columns (index → canonical name) and a way to read its rows."""

    path: Path
    kind: str  # "csv" or "xlsx"
    columns: dict[int, str]
    encoding: str = ""
    delimiter: str = ""

    def rows(self, start: int = 0) -> Iterator[tuple[int, dict[str, str]]]:
        """The data rows after the first ``start`` ones, each as (row number, cells)."""
        source = _csv_rows(self) if self.kind == "csv" else _xlsx_rows(self.path)
        next(source, None)  # the header
        number = 1
        for cells in source:
            number += 1
            if number - 2 < start:
                continue
            if not any(str(c).strip() for c in cells if c is not None):
                continue
            yield (
                number,
                {
                    name: _cell_text(cells[index]) if index < len(cells) else ""
                    for index, name in self.columns.items()
                },
            )

    def count_rows(self) -> int:
        """Data rows in the file (one quick pass; for the progress bar)."""
        source = _csv_rows(self) if self.kind == "csv" else _xlsx_rows(self.path)
        next(source, None)
        return sum(1 for _cells in source)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- CSV -------------------------------------------------------------------------------------


def _decode(line: bytes, encoding: str) -> str:
    """One physical line: in the file's encoding, or, where a line does not fit it (a file
    put together from two systems), in the other of UTF-8 and Windows-1252."""
    if encoding == "utf-8":
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            return line.decode("cp1252", errors="replace")
    if not line.isascii():
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return line.decode("cp1252", errors="replace")


def _detect_encoding(path: Path) -> str:
    """UTF-8 if the first non-ASCII lines read as UTF-8 (a BOM says so too), else
    Windows-1252 (a superset of Latin-1 for printable characters)."""
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8"
        handle.seek(0)
        utf8 = other = 0
        for line in handle:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
            if utf8 + other >= 200:
                break
    return "cp1252" if other > utf8 else "utf-8"


def _lines(rf: RegisterFile) -> Iterator[str]:
    with rf.path.open("rb") as handle:
        first = True
        for line in handle:
            if first:
                line = line.removeprefix(b"\xef\xbb\xbf")
                first = False
            yield _decode(line, rf.encoding)


def _csv_rows(rf: RegisterFile) -> Iterator[list[str]]:
    yield from csv.reader(_lines(rf), delimiter=rf.delimiter, strict=False)


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


# --- opening ---------------------------------------------------------------------------------


def _columns(header: list) -> dict[int, str]:
    names = _header_names()
    columns: dict[int, str] = {}
    for index, label in enumerate(header):
        name = names.get(_header_key(label or ""))
        if name and name not in columns.values():
            columns[index] = name
    missing = [c for c in COLUMNS if c.required and c.name not in columns.values()]
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(columns)s. Nothing was imported.")
            % {"columns": ", ".join(c.german for c in missing)}
        )
    return columns


def open_register_file(path: str | Path) -> RegisterFile:
    """Recognise the format, the encoding and the columns; :class:`FileProblem` if the file
    cannot be imported at all."""
    path = Path(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        try:
            header = next(_xlsx_rows(path), None)
        except Exception as exc:  # a broken archive, not a workbook
            raise FileProblem(_("The file is not a readable XLSX workbook.")) from exc
        if not header:
            raise FileProblem(_("The file is empty: no header row."))
        return RegisterFile(path, "xlsx", _columns(list(header)))
    if b"\x00" in magic[:2] and magic[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileProblem(_("UTF-16 files cannot be read: save the file as CSV (UTF-8)."))
    encoding = _detect_encoding(path)
    rf = RegisterFile(path, "csv", {}, encoding=encoding)
    header_line = next(_lines(rf), "")
    if not header_line.strip():
        raise FileProblem(_("The file is empty: no header row."))
    rf.delimiter = _sniff_delimiter(header_line)
    header = next(csv.reader(io.StringIO(header_line), delimiter=rf.delimiter), [])
    rf.columns = _columns(header)
    return rf
