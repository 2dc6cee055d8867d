"""The office-wide access log: who read which case file when, for office management (all) and
supervisors (their departments' cases); filters and pages; the reassignments in the history."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from casework import selectors, services
from casework.constants import Role
from casework.demo import OFFICE_ADMIN_GROUP
from casework.models import CaseAccessLog

from .backoffice import build_office, member
from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("casework:access_log")


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def manager(office):
    user = member(office.dept_a, Role.CASEWORKER, user__username="amtsleitung")
    user.memberships.all().delete()
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    return user


def _log(case, user, route="backoffice", at=None) -> None:
    services.log_case_access(case=case, user=user, route=route)
    if at is not None:
        entry = CaseAccessLog.objects.filter(case=case, user=user, route=route).latest("pk")
        # low-level: the file was opened days ago (the log stamps the present)
        CaseAccessLog.objects.filter(pk=entry.pk).update(at=at)


def _numbers(response) -> list[str]:
    return [entry.case.file_number for entry in response.context["page_obj"].object_list]


def test_office_management_reads_every_entry_supervisors_their_departments(client, office, manager):
    case_a = WorkflowCaseFactory(case_type=office.type_a)
    case_b = WorkflowCaseFactory(case_type=office.type_b)
    _log(case_a, office.worker_a)
    _log(case_b, office.worker_b, route="api")
    client.force_login(manager)
    assert sorted(_numbers(client.get(URL))) == sorted([case_a.file_number, case_b.file_number])
    client.force_login(office.supervisor_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert _numbers(response) == [case_a.file_number]
    assert case_b.file_number not in response.content.decode()


def test_a_case_shared_with_a_supervisor_does_not_open_its_departments_log(client, office):
    case_b = WorkflowCaseFactory(case_type=office.type_b)
    services.share_case(
        case=case_b,
        user=member(office.dept_b, Role.SUPERVISOR),
        grantee_user=office.supervisor_a,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    _log(case_b, office.worker_b)
    assert not selectors.access_log_entries(user=office.supervisor_a).exists()
    with pytest.raises(PermissionDenied):
        selectors.access_log(case=case_b, user=office.supervisor_a)


@pytest.mark.parametrize("who", ["worker_a", "counter"])
def test_caseworkers_and_the_service_point_get_403_and_no_menu_item(client, office, who):
    _log(WorkflowCaseFactory(case_type=office.type_a), office.worker_a)
    client.force_login(getattr(office, who))
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("casework:worklist")).content.decode()


def test_the_menu_item_is_there_for_supervisors(client, office):
    client.force_login(office.supervisor_a)
    assert URL in client.get(reverse("casework:worklist")).content.decode()


def test_filters_by_who_file_number_department_route_and_days(client, office, manager):
    now = timezone.now()
    case_a = WorkflowCaseFactory(case_type=office.type_a)
    case_b = WorkflowCaseFactory(case_type=office.type_b)
    _log(case_a, office.worker_a, at=now - dt.timedelta(days=10))
    _log(case_a, office.supervisor_a, route="search")
    _log(case_b, office.worker_b, route="api")
    client.force_login(manager)

    def numbers(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return sorted(_numbers(response))

    assert numbers(user=office.worker_b.pk) == [case_b.file_number]
    assert numbers(file_number=case_a.file_number[-6:]) == [case_a.file_number] * 2
    assert numbers(department=office.dept_b.pk) == [case_b.file_number]
    assert numbers(route="search") == [case_a.file_number]
    since = (now - dt.timedelta(days=1)).date().isoformat()
    assert numbers(date_from=since) == sorted([case_a.file_number, case_b.file_number])
    assert numbers(date_to=(now - dt.timedelta(days=5)).date().isoformat()) == [case_a.file_number]
    # A supervisor cannot pick another department (the choice is not offered).
    client.force_login(office.supervisor_a)
    response = client.get(URL, {"department": office.dept_b.pk})
    assert response.context["form"].errors
    assert _numbers(response) == [case_a.file_number, case_a.file_number]


def test_the_log_is_paged_newest_first_and_says_where_a_file_was_opened(client, office, manager):
    case = WorkflowCaseFactory(case_type=office.type_a)
    start = timezone.now() - dt.timedelta(hours=2)
    for minute in range(60):
        _log(case, office.worker_a, at=start + dt.timedelta(minutes=minute))
    _log(case, office.worker_a, route="export")
    client.force_login(manager)
    first = client.get(URL)
    assert first.context["page_obj"].paginator.count == 61
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["page_obj"].object_list[0].route == "export"
    assert "Export" in first.content.decode()
    second = client.get(URL, {"p": 2})
    assert len(second.context["page_obj"].object_list) == 11


def test_the_number_of_queries_does_not_grow_with_the_entries(client, office, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context)

    _log(WorkflowCaseFactory(case_type=office.type_a), office.worker_a)
    queries()  # the first page fills the caches (the admin's locales, cms.admin_locales)
    few = queries()
    for _ in range(30):
        _log(WorkflowCaseFactory(case_type=office.type_b), office.worker_b)
    assert queries() == few


def test_reassignments_appear_in_the_case_files_history(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    client.force_login(office.supervisor_a)
    client.post(
        reverse("casework:reassign", args=[case.file_number]), {"assignee": office.worker_a.pk}
    )
    html = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    history = html.split('id="history"', 1)[1].split("</section>", 1)[0]
    assert "Neu zugewiesen" in history and "worker_a" in history
