"""The back office's ViewSets (casework/backoffice.py): each role's menu is what the policy
allows, the menu asks the policy read once per request, and the URLs keep their paths."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.viewsets import viewsets

from casework.backoffice import BackOfficeViewSet
from casework.demo import OFFICE_ADMIN_GROUP

from .backoffice import build_office, member
from .factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = {"casework-mine", "casework-worklist", "casework-overdue", "casework-workflow"}
CASES_ALL = CASES | {"casework-api-tokens"}


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def manager(office):
    user = member(office.dept_a, user__username="amtsleitung")
    user.memberships.all().delete()
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    return user


def _backoffice_viewsets() -> list[BackOfficeViewSet]:
    reverse("wagtailadmin_home")  # the admin's URLs register the viewsets
    return [vs for vs in viewsets.viewsets if isinstance(vs, BackOfficeViewSet)]


def _shown(user) -> set[str]:
    """The names of the back office's menu items (and submenu entries) the user sees."""
    request = RequestFactory().get("/admin/")
    request.user = user
    names = set()
    for viewset in _backoffice_viewsets():
        item = viewset.get_menu_item()
        if not item.is_shown(request):
            continue
        names.add(item.name)
        menu = getattr(item, "menu", None)
        if menu is not None:
            names |= {entry.name for entry in menu.menu_items_for_request(request)}
    return names


def test_a_caseworker_sees_cases_search_and_appointments(office):
    assert _shown(office.worker_a) == {"cases", *CASES_ALL, "case-search", "appointments"}


def test_the_service_point_sees_the_same_back_office_menus_as_a_caseworker(office):
    assert _shown(office.counter) == _shown(office.worker_a)


def test_a_supervisor_also_sees_the_access_log_and_office_operations(office):
    assert _shown(office.supervisor_a) == {
        "cases",
        *CASES_ALL,
        "casework-access-log",
        "case-search",
        "appointments",
        "operations",
        "statistics",
        "bulk-continuation",
        "target-groups",
    }


def test_office_management_also_sees_data_protection_and_sign_in_security(manager):
    shown = _shown(manager)
    assert {"casework-access-log", "operations", "privacy", "deletions", "access-report"} <= shown
    assert {"deletion-log", "sign-in-security"} <= shown
    assert "register-import" in shown  # the import of an earlier register: office management


def test_an_editor_without_a_department_sees_no_back_office_menu(office):
    editor = UserFactory(username="editor_x")
    assert _shown(editor) == set()


def test_the_menu_asks_the_policy_read_once_per_request(office):
    """After the first question the policy answers from memory: the menu adds no queries."""
    user = office.supervisor_a
    _shown(user)
    with CaptureQueriesContext(connection) as queries:
        _shown(user)
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("casework:worklist", [], "/admin/cases/"),
        ("casework:case", ["ABH-2026-000001"], "/admin/cases/case/ABH-2026-000001/"),
        ("casework:access_log", [], "/admin/cases/access-log/"),
        ("case_search:index", [], "/admin/case-search/"),
        ("operations:dashboard", [], "/admin/operations/"),
        ("privacy:index", [], "/admin/privacy/"),
        ("appointments_admin:day", [], "/admin/appointments/"),
        ("accounts:verify", [], "/admin/sign-in/verify/"),
        ("register_import:upload", [], "/admin/register-import/"),
    ],
)
def test_the_viewsets_keep_the_back_offices_paths(name, args, path):
    """Bookmarks, e-mails and the browser journeys use these paths."""
    assert reverse(name, args=args) == path
