"""Office management imports an earlier register in the real admin: one reported error, the
report downloaded, the row fixed, the file imported again, the person seen.

Screenshots go to test-artifacts/register_import/.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from casework.constants import OFFICE_ADMIN_GROUP
from tests.casework.factories import DepartmentFactory, UserFactory
from tests.register_import.conftest import write_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GOOD = ["B-1", "Kowalenko", "Olena", "12.04.1988", "UKR", "AT", "§ 24 AufenthG",
        "01.03.2024", "04.03.2027", "Y0000001", "ja"]  # fmt: skip
BROKEN = ["B-2", "Tesfaye", "Dawit", "31.02.1991", "ERI", "DUL", "§ 60a AufenthG",
          "01.01.2025", "30.06.2025", "", "nein"]  # fmt: skip


def test_office_management_imports_fixes_one_row_and_imports_again(
    live_server, admin_login, make_page, artifacts_dir, assert_accessible, tmp_path
):
    DepartmentFactory(code="asyl", name="Asyl/EU")
    manager = UserFactory(username="amt")
    group, _created = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    manager.groups.add(group)
    folder = artifacts_dir / "register_import"
    folder.mkdir(exist_ok=True)

    page = make_page(width=1280, height=1000)
    admin_login(page, manager.username, next_path="/admin/register-import/")
    page.wait_for_url("**/admin/register-import/")
    assert_accessible(page)
    page.screenshot(path=str(folder / "upload.png"), full_page=True)

    first = write_csv(tmp_path / "altregister.csv", [GOOD, BROKEN])
    page.get_by_label("Export des bisherigen Registers (CSV oder XLSX)").set_input_files(str(first))
    page.get_by_label("Zuständiges Sachgebiet").select_option(label="Asyl/EU")
    page.get_by_role("button", name="Prüfen und importieren").click()
    page.wait_for_url("**/admin/register-import/*/")
    assert "1 Fehler gefunden" in page.get_by_test_id("error-count").inner_text()
    errors = page.get_by_test_id("errors").inner_text()
    assert "Geburtsdatum" in errors and "Kein Datum" in errors and "31.02.1991" in errors
    assert "Kowalenko" in page.get_by_test_id("persons").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(folder / "run-with-error.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Fehlerbericht herunterladen (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    (header, row) = list(csv.reader(io.StringIO(report), delimiter=";"))
    assert header == ["Zeile", "Spalte", "Problem", "Wert"]
    assert row[:2] == ["3", "Geburtsdatum"] and row[3] == "31.02.1991"

    corrected = [*BROKEN[:3], "28.02.1991", *BROKEN[4:]]
    fixed = write_csv(tmp_path / "altregister-korrigiert.csv", [GOOD, corrected])
    page.get_by_role("link", name="Alle Importe").click()
    page.get_by_label("Export des bisherigen Registers (CSV oder XLSX)").set_input_files(str(fixed))
    page.get_by_label("Zuständiges Sachgebiet").select_option(label="Asyl/EU")
    page.get_by_role("button", name="Prüfen und importieren").click()
    page.wait_for_url("**/admin/register-import/*/")
    summary = page.get_by_test_id("summary").inner_text()
    assert "1 Person importiert" in summary and "1 Person unverändert" in summary
    persons = page.get_by_test_id("persons").inner_text()
    assert "Tesfaye, Dawit" in persons and "28.02.1991" in persons
    assert "Keine Fehler" in page.content()
    assert_accessible(page)
    page.screenshot(path=str(folder / "run-fixed.png"), full_page=True)
