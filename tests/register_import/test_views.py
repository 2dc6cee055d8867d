"""The admin screens: only office management; upload, progress, error report, duplicates."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import Person
from register_import import services
from register_import.constants import DuplicateStatus
from register_import.models import DuplicateCandidate, ImportRun, LegacyPerson
from tests.casework.factories import MembershipFactory, PersonFactory

from .conftest import GOOD_ROWS, HEADER, write_csv

pytestmark = pytest.mark.django_db

EVIL = ["Z-1", "=cmd|' /C calc'!A0", "Eve", "01.01.1990", "UKR", "AT", "", "01.01.2025",
        "01.01.2026", "", ""]  # fmt: skip


@pytest.fixture
def run_now(monkeypatch):
    """The background job runs at once (the worker's part), after the upload's commit."""
    monkeypatch.setattr(services, "_queue", lambda pk: services.run_import(pk))


def upload(client, tmp_path, rows, department, name="altregister.csv"):
    path = write_csv(tmp_path / name, rows)
    data = {"file": SimpleUploadedFile(name, path.read_bytes()), "department": department.pk}
    return client.post(reverse("register_import:upload"), data)


def test_caseworkers_and_supervisors_get_no_access(client, department):
    for role in ("caseworker", "supervisor"):
        user = MembershipFactory(department=department, role=role).user
        client.force_login(user)
        assert client.get(reverse("register_import:upload")).status_code == 403
        run = ImportRun.objects.first()
        if run:
            assert (
                client.get(reverse("register_import:report_csv", args=[run.pk])).status_code == 403
            )


def test_upload_imports_and_shows_progress_errors_and_the_report(
    client, manager, department, tmp_path, run_now, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    page = client.get(reverse("register_import:upload"))
    assert page.status_code == 200 and "Personenkennung" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, tmp_path, [*GOOD_ROWS, EVIL], department)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "register_import:run", args=[run.pk]
    )
    detail = client.get(response.url).content.decode()
    assert "4 von 4 Zeilen geprüft" in detail
    assert "Tabellenformel" in detail
    assert Person.objects.count() == 2

    report = client.get(reverse("register_import:report_csv", args=[run.pk]))
    text = b"".join(report.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffZeile;Spalte;Problem;Wert")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:2] == ["5", "Familienname"]
    assert rows[1][3] == "'=cmd|' /C calc'!A0"

    book = client.get(reverse("register_import:report_xlsx", args=[run.pk]))
    sheet = load_workbook(io.BytesIO(book.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert sheet["D2"].value == "'=cmd|' /C calc'!A0"


def test_a_file_without_a_required_column_is_refused_on_upload(
    client, manager, department, tmp_path, run_now
):
    client.force_login(manager)
    header = [h for h in HEADER if h != "Dokumentart"]
    path = write_csv(tmp_path / "x.csv", [r[:5] + r[6:] for r in GOOD_ROWS], header=header)
    data = {"file": SimpleUploadedFile("x.csv", path.read_bytes()), "department": department.pk}
    response = client.post(reverse("register_import:upload"), data)
    assert response.status_code == 200
    assert "Pflichtspalten fehlen: Dokumentart" in response.content.decode()
    assert not ImportRun.objects.exists() and not Person.objects.exists()


def test_a_likely_duplicate_waits_for_review_then_joins_the_known_person(
    client, manager, department, tmp_path, run_now, django_capture_on_commit_callbacks
):
    known = PersonFactory(
        family_name="SHEVCHENKO", given_names="TARAS", birth_date=GOOD_ROWS[0][3][-4:] + "-03-09"
    )
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, GOOD_ROWS, department)
    run = ImportRun.objects.get()
    assert (run.persons_created, run.duplicates) == (1, 1)
    candidate = DuplicateCandidate.objects.get()
    assert candidate.person == known and candidate.key == "P-1"
    page = client.get(reverse("register_import:run", args=[run.pk])).content.decode()
    assert "Schewtschenko" in page and "Dieselbe Person" in page
    assert not known.residence_records.exists()

    client.post(reverse("register_import:decide", args=[candidate.pk]), {"decision": "same"})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.SAME
    assert known.residence_records.count() == 2
    assert LegacyPerson.objects.get(key="P-1").person == known
    known.refresh_from_db()
    assert known.family_name == "SHEVCHENKO"  # details only completed, never overwritten
    # Importing the file again updates by the key: no new duplicate, no new person.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, GOOD_ROWS, department, name="again.csv")
    assert Person.objects.count() == 2 and DuplicateCandidate.objects.count() == 1


def test_a_different_person_is_imported_as_new(client, manager, department, tmp_path, run_now,
                                               django_capture_on_commit_callbacks):  # fmt: skip
    known = PersonFactory(family_name="Schevchenko", given_names="Taras", birth_date="1990-03-09")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, GOOD_ROWS, department)
    candidate = DuplicateCandidate.objects.get()
    client.post(reverse("register_import:decide", args=[candidate.pk]), {"decision": "different"})
    assert Person.objects.filter(given_names="Taras").count() == 2
    new = LegacyPerson.objects.get(key="P-1").person
    assert new != known and new.residence_records.count() == 2


def test_a_stopped_run_is_resumed_from_its_page(client, manager, department, tmp_path, settings,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    settings.REGISTER_IMPORT_CHUNK_ROWS = 1
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS)
    run = services.create_run(path=path, filename="a.csv", department=department, user=manager)
    with pytest.raises(RuntimeError):
        services.run_import(run.pk, fail_after_chunks=1)
    client.force_login(manager)
    page = client.get(reverse("register_import:run", args=[run.pk])).content.decode()
    assert "Import fortsetzen" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register_import:resume", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.persons_created) == ("done", 2)
    assert Person.objects.count() == 2


def test_the_command_line_shows_progress_and_resumes(manager, department, tmp_path, settings):
    from django.core.management import call_command

    settings.REGISTER_IMPORT_CHUNK_ROWS = 1
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS)
    out = io.StringIO()
    call_command("import_register", str(path), department="auf", user="amtsleitung", stdout=out)
    text = out.getvalue()
    assert "66.7%  2/3 rows" in text and "100.0%  3/3 rows" in text
    assert "2 persons created" in text

    Person.objects.all().delete()
    run = services.create_run(path=path, filename="a.csv", department=department, user=manager)
    with pytest.raises(RuntimeError):
        services.run_import(run.pk, fail_after_chunks=1)
    assert Person.objects.count() == 1
    out = io.StringIO()
    call_command("import_register", resume=run.pk, stdout=out)
    assert "2 persons created" in out.getvalue() and Person.objects.count() == 2
