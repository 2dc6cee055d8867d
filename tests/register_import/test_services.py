"""Importing a legacy register: validation row by row, idempotence, resume after a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.constants import RecordEvent, RecordKind, RecordSource
from casework.models import Person, ResidenceRecord, ResidenceRecordHistory
from register_import import services
from register_import.constants import ImportStatus
from register_import.models import LegacyPerson, RowError
from tests.casework.factories import DepartmentFactory, MembershipFactory

from .conftest import GOOD_ROWS, HEADER, write_csv

pytestmark = pytest.mark.django_db


def run_file(path, manager, department, **kwargs):
    run = services.create_run(path=path, filename=path.name, department=department, user=manager)
    return services.run_import(run.pk, **kwargs)


def errors_of(run):
    return [(e.row, e.column, e.message, e.value) for e in RowError.objects.filter(run=run)]


def register_state():
    """Everything an import writes, without ids or times: two runs compare equal."""
    persons = sorted(
        Person.objects.values_list(
            "family_name", "given_names", "birth_date", "nationality", "passport_number"
        )
    )
    records = sorted(
        ResidenceRecord.objects.values_list(
            "person__family_name",
            "kind",
            "legal_basis",
            "valid_from",
            "valid_until",
            "card_number",
            "employment_permitted",
            "superseded_by__valid_from",
        )
    )
    history = sorted(ResidenceRecordHistory.objects.values_list("record__card_number", "event"))
    return persons, records, history


def test_a_good_file_creates_persons_with_their_records_and_history(tmp_path, manager, department):
    run = run_file(write_csv(tmp_path / "a.csv", GOOD_ROWS), manager, department)
    assert run.status == ImportStatus.DONE
    assert (run.persons_created, run.records_written, run.error_count) == (2, 3, 0)
    taras = Person.objects.get(family_name="Schewtschenko")
    assert taras.birth_date == dt.date(1990, 3, 9) and taras.nationality == "UKR"
    duldung, title = taras.residence_records.order_by("valid_from")
    assert duldung.kind == RecordKind.DULDUNG and duldung.employment_permitted is False
    assert title.kind == RecordKind.TITLE and title.card_number == "Y1234567"
    assert {duldung.source, title.source} == {RecordSource.IMPORTED}
    assert title.department == department
    # The Duldung had ended when the title began: nothing replaced.
    assert duldung.superseded_by is None
    assert set(title.history.values_list("event", flat=True)) == {RecordEvent.CREATED}
    mariam = Person.objects.get(family_name="Haddad")
    # Unknown day and month: the 1st of January, as the register records them.
    assert mariam.birth_date == dt.date(1985, 1, 1) and mariam.nationality == "SYR"
    assert LegacyPerson.objects.get(key="P-1").person == taras


def test_a_newer_document_replaces_the_one_in_force_on_its_first_day(tmp_path, manager, department):
    rows = [
        ["F-1", "Kowalski", "Jan", "01.01.1980", "POL", "FIK", "§ 81 Abs. 4 AufenthG",
         "01.01.2024", "30.06.2024", "", ""],
        ["F-1", "Kowalski", "Jan", "01.01.1980", "POL", "AT", "§ 18b AufenthG",
         "01.03.2024", "28.02.2027", "", "ja"],
    ]  # fmt: skip
    run_file(write_csv(tmp_path / "f.csv", rows), manager, department)
    fiktion = ResidenceRecord.objects.get(kind=RecordKind.FIKTION)
    title = ResidenceRecord.objects.get(kind=RecordKind.TITLE)
    assert fiktion.superseded_by == title and title.superseded_by is None
    assert fiktion.history.filter(event=RecordEvent.SUPERSEDED).count() == 1


def test_reimporting_the_same_file_changes_nothing(tmp_path, manager, department):
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS)
    run_file(path, manager, department)
    before = register_state()
    again = run_file(path, manager, department)
    assert register_state() == before
    assert (again.persons_created, again.persons_unchanged, again.persons_updated) == (0, 2, 0)


def test_a_reimport_updates_persons_and_records_by_key_never_doubles(tmp_path, manager, department):
    run_file(write_csv(tmp_path / "a.csv", GOOD_ROWS), manager, department)
    changed = [list(row) for row in GOOD_ROWS]
    changed[1][8] = "31.12.2030"  # the title's validity corrected
    changed[2][2] = "Mariam Sara"  # a given name added
    again = run_file(write_csv(tmp_path / "b.csv", changed), manager, department)
    assert (again.persons_created, again.persons_updated, again.persons_unchanged) == (0, 2, 0)
    assert Person.objects.count() == 2 and ResidenceRecord.objects.count() == 3
    title = ResidenceRecord.objects.get(card_number="Y1234567")
    assert title.valid_until == dt.date(2030, 12, 31)
    (update,) = title.history.filter(event=RecordEvent.UPDATED)
    assert update.validity_change == (dt.date(2029, 7, 31), dt.date(2030, 12, 31))
    assert Person.objects.get(family_name="Haddad").given_names == "Mariam Sara"


BROKEN = [
    # row 2: a good person
    ["K-1", "Novak", "Ana", "02.02.1992", "HRV", "AT", "§ 18a AufenthG", "01.01.2025",
     "31.12.2026", "", "ja"],
    # row 3: wrong dates (31 February; the end before the start)
    ["K-2", "Berisha", "Arben", "31.02.1990", "XKX", "DUL", "§ 60a AufenthG", "01.05.2025",
     "01.04.2025", "", ""],
    # row 4: unknown codes (nationality, kind of document)
    ["K-3", "Ivanova", "Olga", "03.03.1993", "ZZZ", "VISUM", "", "01.01.2025", "01.01.2026",
     "", ""],
    # row 5: a formula in a name
    ["K-4", '=HYPERLINK("http://evil.example","x")', "Eve", "04.04.1994", "UKR", "AT", "",
     "01.01.2025", "01.01.2026", "", ""],
    # row 6: a NUL byte in a name
    ["K-5", "Pet\x00rov", "Ivan", "05.05.1995", "UKR", "AT", "", "01.01.2025", "01.01.2026",
     "", ""],
    # rows 7-8: one person, the second row's record is broken: the whole person waits
    ["K-6", "Yilmaz", "Ayse", "06.06.1996", "TUR", "AT", "§ 28 AufenthG", "01.01.2020",
     "31.12.2022", "", "ja"],
    ["K-6", "Yilmaz", "Ayse", "06.06.1996", "TUR", "AT", "§ 9 AufenthG", "01.01.2023",
     "kaputt", "", "ja"],
    # row 9: the key of row 2 again, after other persons
    ["K-1", "Novak", "Ana", "02.02.1992", "HRV", "AT", "§ 18b AufenthG", "01.01.2027",
     "31.12.2028", "", "ja"],
    # row 10: employment permitted neither yes nor no; row 11: a good person
    ["K-7", "Mensah", "Kofi", "07.07.1987", "GHA", "AT", "", "01.01.2025", "01.01.2026",
     "", "vielleicht"],
    ["K-8", "Ahmadi", "Reza", "1977", "RKS", "GES", "§ 55 AsylG", "01.01.2025", "01.07.2025",
     "", ""],
]  # fmt: skip


def test_bad_rows_are_reported_and_never_stop_the_good_ones(tmp_path, manager, department):
    run = run_file(write_csv(tmp_path / "broken.csv", BROKEN), manager, department)
    assert run.status == ImportStatus.DONE
    assert sorted(Person.objects.values_list("family_name", flat=True)) == ["Ahmadi", "Novak"]
    assert Person.objects.get(family_name="Ahmadi").nationality == "XKX"  # Kosovo
    found = {(row, column): message for row, column, message, _value in errors_of(run)}
    assert "Kein Datum" in found[(3, "Geburtsdatum")]
    assert "vor ihrem Beginn" in found[(3, "Gültig bis")]
    assert "Unbekannter Staatsangehörigkeitscode" in found[(4, "Staatsangehörigkeit")]
    assert "Unbekannte Dokumentart" in found[(4, "Dokumentart")]
    assert "Tabellenformel" in found[(5, "Familienname")]
    assert "Steuerzeichen" in found[(6, "Familienname")]
    assert "Kein Datum" in found[(8, "Gültig bis")]
    assert "steht schon in Zeile 2" in found[(9, "Personenkennung")]
    assert (10, "Erwerbstätigkeit gestattet") in found
    # The person of rows 7-8 is held back whole, its good row included.
    assert not Person.objects.filter(family_name="Yilmaz").exists()
    assert run.persons_rejected == 7 and run.persons_created == 2
    assert ResidenceRecord.objects.filter(person__family_name="Novak").count() == 1


def test_the_report_in_german_makes_every_value_harmless(tmp_path, manager, department):
    run = run_file(write_csv(tmp_path / "broken.csv", BROKEN), manager, department)
    rows = list(services.error_report_rows(run))
    assert any(r[2].startswith("Sieht wie eine Tabellenformel aus") for r in rows)
    values = [r[3] for r in rows]
    assert '\'=HYPERLINK("http://evil.example","x")' in values
    assert "Pet\\x00rov" in values
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r)


def test_one_key_with_different_details_is_one_error(tmp_path, manager, department):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[1][3] = "10.03.1990"
    run = run_file(write_csv(tmp_path / "k.csv", rows), manager, department)
    ((row, column, message, _value),) = errors_of(run)
    assert (row, column) == (3, "Geburtsdatum") and "mit anderen Angaben" in message
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_encodings_are_recognised(tmp_path, manager, department, encoding, prefix):
    rows = [["E-1", "Müller-Öztürk", "Zoë", "01.01.1980", "TUR", "AT", "", "01.01.2025",
             "01.01.2026", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "e.csv", rows, encoding=encoding)
    path.write_bytes(prefix + path.read_bytes())
    run = run_file(path, manager, department)
    assert run.error_count == 0
    assert Person.objects.get().family_name == "Müller-Öztürk"


def test_a_file_mixing_utf8_and_windows_1252_reads_every_name(tmp_path, manager, department):
    head = ";".join(HEADER).encode("utf-8") + b"\r\n"
    utf8 = "M-1;Groß;Jürgen;01.01.1970;DEU;;;;;;\r\n".encode()
    latin = "M-2;Weiß;Bärbel;02.02.1972;AUT;;;;;;\r\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + utf8 + latin)
    run = run_file(path, manager, department)
    assert run.error_count == 0
    assert sorted(Person.objects.values_list("family_name", "given_names")) == [
        ("Groß", "Jürgen"),
        ("Weiß", "Bärbel"),
    ]


def test_comma_separated_files_work_too(tmp_path, manager, department):
    run = run_file(write_csv(tmp_path / "c.csv", GOOD_ROWS, delimiter=","), manager, department)
    assert run.persons_created == 2


def test_a_missing_required_column_is_a_clear_error_and_nothing_is_imported(
    tmp_path, manager, department
):
    header = [h for h in HEADER if h != "Geburtsdatum"]
    rows = [[c for i, c in enumerate(r) if HEADER[i] != "Geburtsdatum"] for r in GOOD_ROWS]
    path = write_csv(tmp_path / "m.csv", rows, header=header)
    with pytest.raises(ValidationError) as error:
        services.create_run(path=path, filename="m.csv", department=department, user=manager)
    assert "Geburtsdatum" in error.value.messages[0]
    assert not Person.objects.exists()


def test_xlsx_is_read_as_a_stream(tmp_path, manager, department):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet.append(
        ["X-9", "Dato", "Nino", dt.datetime(1999, 9, 9), "GEO", "EU", "§ 4 FreizügG/EU",
         dt.datetime(2024, 1, 1), dt.datetime(2029, 1, 1), 123456, "ja"]
    )  # fmt: skip
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    run = run_file(path, manager, department)
    assert (run.persons_created, run.error_count) == (3, 0)
    card = ResidenceRecord.objects.get(kind=RecordKind.EU_CARD)
    assert card.card_number == "123456" and card.valid_until == dt.date(2029, 1, 1)
    assert Person.objects.get(family_name="Dato").birth_date == dt.date(1999, 9, 9)


def test_a_crash_mid_file_then_resume_equals_a_clean_run(tmp_path, manager, department, settings):
    settings.REGISTER_IMPORT_CHUNK_ROWS = 3
    rows = []
    for n in range(20):
        key = f"R-{n}"
        rows.append([key, f"Name{chr(65 + n)}", "A", f"{n + 1:02d}.01.1990", "UKR", "DUL", "",
                     "01.01.2020", "31.12.2020", "", ""])  # fmt: skip
        rows.append([key, f"Name{chr(65 + n)}", "A", f"{n + 1:02d}.01.1990", "UKR", "AT", "",
                     "01.06.2020", "31.12.2026", f"C{n}", "ja"])  # fmt: skip
    rows.insert(10, ["BAD", "", "", "", "", "", "", "", "", "", ""])
    path = write_csv(tmp_path / "r.csv", rows)
    run = services.create_run(path=path, filename="r.csv", department=department, user=manager)
    with pytest.raises(RuntimeError, match="crash injected"):
        services.run_import(run.pk, fail_after_chunks=3)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and 0 < run.rows_done < run.total_rows
    assert 0 < Person.objects.count() < 20
    # Every person written so far is whole: two records each.
    assert all(p.residence_records.count() == 2 for p in Person.objects.all())
    resumed = services.run_import(run.pk)
    assert resumed.status == ImportStatus.DONE and resumed.persons_created == 20
    assert resumed.error_count == RowError.objects.filter(run=run).count() == 3
    crashed = register_state()

    Person.objects.all().delete()
    clean = run_file(path, manager, department)
    assert register_state() == crashed
    assert clean.persons_created == 20 and clean.error_count == 3


def test_only_office_management_may_import(tmp_path, department):
    caseworker = MembershipFactory(department=DepartmentFactory()).user
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS)
    with pytest.raises(PermissionDenied):
        services.create_run(path=path, filename="a.csv", department=department, user=caseworker)
