"""The back-office search page: only for users with case access, only visible cases."""

import pytest
from django.urls import reverse

from search.backends import get_search_backend
from search.models import SearchLog
from tests.casework.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_access(db):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def login(client, user, admin_access):
    user.user_permissions.add(admin_access)
    client.force_login(user)


def test_caseworker_sees_own_department_only(client, office, shevchenko_cases, admin_access):
    login(client, office["worker_a"], admin_access)
    response = client.get(reverse("case_search:index"), {"q": "Shevchenko"})
    assert response.status_code == 200
    html = response.content.decode()
    assert shevchenko_cases["shevchenko"].file_number in html
    assert shevchenko_cases["hidden"].file_number not in html
    assert "Asyl/EU" not in html
    assert SearchLog.objects.filter(user=office["worker_a"], route="backoffice").exists()


def test_page_and_menu_hidden_without_case_access(client, shevchenko_cases, admin_access):
    editor = UserFactory(username="editor")
    login(client, editor, admin_access)
    assert client.get(reverse("case_search:index"), {"q": "Shevchenko"}).status_code == 403
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("case_search:index") not in dashboard


def test_bad_filter_shows_a_message(client, office, shevchenko_cases, admin_access):
    login(client, office["worker_a"], admin_access)
    response = client.get(reverse("case_search:index"), {"birth_date": "gestern", "q": "("})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    # A NUL byte is refused at the edge with a clear 400 (issue 18).
    response = client.get(reverse("case_search:index"), {"q": "\x00("})
    assert response.status_code == 400


def test_filter_form_offers_case_types_and_departments_by_name(
    client, office, shevchenko_cases, admin_access
):
    """Visible selects with names (issue 10), only of the departments the user may search."""
    login(client, office["worker_a"], admin_access)
    html = client.get(reverse("case_search:index")).content.decode()
    assert '<select name="case_type"' in html
    assert '<select name="department"' in html
    assert '<option value="18b">§ 18b AufenthG – ' in html
    assert '<option value="aufenthalt">Aufenthalt/Anerkennung</option>' in html
    assert "Asyl/EU" not in html and 'value="24"' not in html
    assert "<details" not in html  # the filters are not folded away
    login(client, office["boss"], admin_access)
    html = client.get(reverse("case_search:index")).content.decode()
    assert '<option value="asyl-eu">Asyl/EU</option>' in html


def test_case_type_filter_takes_the_code(client, office, shevchenko_cases, admin_access):
    """ "24" is § 24, not the case type with the database id 24."""
    from tests.casework.factories import CaseTypeFactory

    from .conftest import make_case

    impostor = CaseTypeFactory(code=str(office["type_b"].pk), department=office["dept_a"])
    other = make_case(impostor, family_name="Kowalczyk")
    get_search_backend().index_cases([other.pk])
    login(client, office["boss"], admin_access)
    html = client.get(reverse("case_search:index"), {"case_type": "24"}).content.decode()
    assert shevchenko_cases["hidden"].file_number in html
    assert other.file_number not in html
    html = client.get(reverse("case_search:index"), {"case_type": impostor.code}).content.decode()
    assert other.file_number in html
    assert shevchenko_cases["hidden"].file_number not in html


def test_facet_counts_are_links_that_apply_the_filter(
    client, office, shevchenko_cases, admin_access
):
    login(client, office["boss"], admin_access)
    html = client.get(reverse("case_search:index"), {"q": "Shevchenko"}).content.decode()
    facet = html[html.index('data-facet="case_type"') :]
    facet = facet[: facet.index("</ul>")]
    assert '<a href="?q=Shevchenko&amp;case_type=24">' in facet
    response = client.get(reverse("case_search:index"), {"q": "Shevchenko", "case_type": "24"})
    html = response.content.decode()
    assert shevchenko_cases["hidden"].file_number in html
    assert shevchenko_cases["shevchenko"].file_number not in html
    # The applied value is marked and its link removes the filter again.
    facet = html[html.index('data-facet="case_type"') :]
    assert '<a href="?q=Shevchenko" aria-current="true"' in facet[: facet.index("</ul>")]


def test_result_rows_show_no_raw_index_text(client, office, shevchenko_cases, admin_access):
    """Name, file number, case type, state and department; no dump of the searched document."""
    login(client, office["worker_a"], admin_access)
    html = client.get(reverse("case_search:index"), {"q": "Shevchenko"}).content.decode()
    row = html[html.index(f'data-file-number="{shevchenko_cases["shevchenko"].file_number}"') :]
    row = row[: row.index("</tr>")]
    assert "FX123456" not in row  # the passport number is in the document, not in the row
    assert "§ 18b AufenthG" in row and "Aufenthalt/Anerkennung" in row
    assert "Notes and comments" not in row


@pytest.mark.parametrize("typed", ["262", "000262", "2026-000262"])
def test_a_partial_file_number_finds_the_case(
    client, office, shevchenko_cases, admin_access, typed
):
    from tests.casework.factories import WorkflowCaseFactory

    case = WorkflowCaseFactory(case_type=office["type_a"], serial=262)
    get_search_backend().index_cases([case.pk])
    login(client, office["worker_a"], admin_access)
    for params in ({"q": typed}, {"file_number": typed}):
        html = client.get(reverse("case_search:index"), params).content.decode()
        assert 'data-file-number="ABH-2026-000262"' in html, params
