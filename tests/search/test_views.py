"""The back-office search page: only for users with case access, only visible cases."""

import pytest
from django.urls import reverse

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
    response = client.get(reverse("case_search"), {"q": "Shevchenko"})
    assert response.status_code == 200
    html = response.content.decode()
    assert shevchenko_cases["shevchenko"].file_number in html
    assert shevchenko_cases["hidden"].file_number not in html
    assert "Asyl/EU" not in html
    assert SearchLog.objects.filter(user=office["worker_a"], route="backoffice").exists()


def test_page_and_menu_hidden_without_case_access(client, shevchenko_cases, admin_access):
    editor = UserFactory(username="editor")
    login(client, editor, admin_access)
    assert client.get(reverse("case_search"), {"q": "Shevchenko"}).status_code == 403
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("case_search") not in dashboard


def test_bad_filter_shows_a_message(client, office, shevchenko_cases, admin_access):
    login(client, office["worker_a"], admin_access)
    response = client.get(reverse("case_search"), {"birth_date": "gestern", "q": "("})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    # A NUL byte is refused at the edge with a clear 400 (issue 18).
    response = client.get(reverse("case_search"), {"q": "\x00("})
    assert response.status_code == 400
