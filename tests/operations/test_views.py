"""The dashboard, its exports and the statistics API: who may see what."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from casework.auth import issue_token
from operations.reports import TABLE_KEYS

QUERY = {"start": "2025-01-01", "end": "2025-12-31"}


def login(client, user):
    """Back-office staff reach the admin through ``wagtailadmin.access_admin``."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)


def get(client, user, url, data=None):
    login(client, user)
    return client.get(url, data or {})


def total_label(response):
    """The label of the total row in the language the response was rendered in."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return translation.gettext("Total")


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_caseworker_gets_403_on_dashboard_exports_and_continuation(client, office):
    for url in (
        reverse("operations:dashboard"),
        reverse("operations:export", args=["departments", "csv"]),
        reverse("operations:ordinances"),
    ):
        assert get(client, office.caseworker_a, url).status_code == 403


def test_supervisor_sees_only_their_departments_figures(client, office):
    response = get(client, office.supervisor_a, reverse("operations:dashboard"), QUERY)
    assert response.status_code == 200
    departments = next(t for t in response.context["tables"] if t.key == "departments")
    assert [row[0] for row in departments.rows] == ["Aufenthalt", total_label(response)]
    assert departments.rows[-1][1:] == [7, 4, 1, 1, 2, 3]
    assert "<svg" in response.content.decode()


def test_office_admin_sees_the_whole_office(client, office):
    response = get(client, office.admin, reverse("operations:dashboard"), QUERY)
    departments = next(t for t in response.context["tables"] if t.key == "departments")
    assert departments.rows[-1][1:] == [9, 5, 1, 1, 3, 4]


def test_supervisor_cannot_pick_another_department(client, office):
    response = get(
        client,
        office.supervisor_a,
        reverse("operations:dashboard"),
        {**QUERY, "department": office.dept_b.pk},
    )
    assert response.status_code == 200
    # the invalid choice is reported and the default (own department) figures are shown
    assert response.context["form"].errors
    departments = next(t for t in response.context["tables"] if t.key == "departments")
    assert [row[0] for row in departments.rows] == ["Aufenthalt", total_label(response)]


def test_bad_period_gives_an_error_and_the_default(client, office):
    response = get(
        client,
        office.admin,
        reverse("operations:dashboard"),
        {"start": "2025-12-31", "end": "2025-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["period"].start.month == 1


@pytest.mark.parametrize("key", TABLE_KEYS)
def test_every_table_exports_as_csv_and_xlsx_within_the_users_scope(client, office, key):
    url_csv = reverse("operations:export", args=[key, "csv"])
    url_xlsx = reverse("operations:export", args=[key, "xlsx"])
    rows = csv_rows(get(client, office.supervisor_b, url_csv, QUERY))
    response = get(client, office.supervisor_b, url_xlsx, QUERY)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [str(v) for v in xlsx_rows[0]] == rows[0]  # same header
    cells = {cell for row in rows for cell in row}
    flat = " ".join(cells)
    # nothing of department A leaks into department B's exports
    assert "Aufenthalt" not in cells
    for legal_basis in ("§ 18b AufenthG", "§ 24 AufenthG", "§ 104c AufenthG"):
        assert legal_basis not in cells
    a_cases = [c for name, c in vars(office.cases).items() if name.startswith("c")]
    for case in a_cases:
        assert case.file_number not in flat


def test_department_export_figures(client, office):
    rows = csv_rows(
        get(client, office.admin, reverse("operations:export", args=["departments", "csv"]), QUERY)
    )
    assert len(rows[0]) == 7  # department, five counts of the period, open now
    totals = rows[-1]
    assert totals[1:] == ["9", "5", "1", "1", "3", "4"]


def test_council_export(client, office):
    query = {**QUERY, "ukraine_since": "2022-02-24", "chancen_since": "2022-12-31"}
    rows = csv_rows(
        get(client, office.admin, reverse("operations:export", args=["council", "csv"]), query)
    )
    values = [row[1] for row in rows[1:]]
    assert values[:6] == ["1", "1", "1", "2", "1", "0"]


def test_unknown_export_is_404(client, office):
    url = reverse("operations:export", args=["nope", "csv"])
    assert get(client, office.admin, url).status_code == 404


def api_get(client, user, path, **params):
    _, key = issue_token(user=user)
    return client.get(f"/api/v1/statistics{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_counts_only_visible_cases(client, office):
    body = api_get(client, office.supervisor_b, "/", **QUERY).json()
    assert body["totals"] == {
        "received": 2,
        "granted": 1,
        "refused": 0,
        "withdrawn": 0,
        "handed_over": 1,
    }
    assert [row["department"] for row in body["departments"]] == ["Asyl/EU"]
    admin = api_get(client, office.admin, "/", **QUERY).json()
    assert admin["totals"]["received"] == 9
    assert admin["processing_time_days"] == {"count": 3, "median_days": 59.0, "p90_days": 60.6}
    # Open cases now (c5, c6, c7, b2 of the known office); supervisor B sees only b2.
    assert sum(row["count"] for row in admin["open_by_state"]) == 4
    assert [(row["state"], row["count"]) for row in body["open_by_state"]] == [("checked", 1)]


def test_api_refuses_caseworkers_foreign_departments_and_anonymous(client, office):
    assert api_get(client, office.caseworker_a, "/").status_code == 403
    response = api_get(client, office.supervisor_b, "/", department=office.dept_a.pk)
    assert response.status_code == 403
    assert client.get("/api/v1/statistics/").status_code == 401


def test_api_council_report(client, office):
    body = api_get(
        client, office.admin, "/council-report", until=dt.date(2025, 12, 31).isoformat()
    ).json()
    assert body["chancen_received"] == 2
    assert body["ukraine_titles"] == 1


def test_menu_shows_statistics_to_supervisors_only(client, office):
    login(client, office.supervisor_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("operations:dashboard") in html
    login(client, office.caseworker_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("operations:dashboard") not in html


def test_council_report_is_one_click_from_the_dashboard(client, office):
    response = get(client, office.admin, reverse("operations:dashboard"), QUERY)
    assert "report=council" in response.content.decode()
    assert [t.key for t in response.context["tables"]] == list(TABLE_KEYS[:-1])
    council = get(
        client, office.admin, reverse("operations:dashboard"), {**QUERY, "report": "council"}
    )
    assert [t.key for t in council.context["tables"]] == ["council"]
    assert council.context["tables"][0].rows[3][1] == 2  # § 104c applications received


def test_a_date_at_the_end_of_time_is_a_form_error_not_a_server_error(client, office):
    """Issue 18: ``end=9999-12-31`` on the dashboard and the council report."""
    for params in ({"end": "9999-12-31"}, {"report": "council", "ukraine_since": "0001-01-01"}):
        response = get(client, office.supervisor_a, reverse("operations:dashboard"), params)
        assert response.status_code == 200
        assert not response.context["form"].is_valid()
    export = reverse("operations:export", args=["departments", "csv"])
    assert get(client, office.supervisor_a, export, {"end": "9999-12-31"}).status_code == 200
