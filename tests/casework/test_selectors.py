import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.http import Http404
from django.utils import timezone

from casework.constants import Role
from casework.models import CaseUserObjectPermission
from casework.selectors import cases_visible_to, get_visible_case

from .factories import (
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments():
    a, b = DepartmentFactory(code="a"), DepartmentFactory(code="b")
    case_a = WorkflowCaseFactory(case_type__department=a)
    case_b = WorkflowCaseFactory(case_type__department=b)
    return a, b, case_a, case_b


def test_caseworker_sees_only_cases_of_own_department(two_departments):
    a, _b, case_a, case_b = two_departments
    worker = MembershipFactory(department=a, role=Role.CASEWORKER).user
    assert list(cases_visible_to(worker)) == [case_a]
    with pytest.raises(Http404):
        get_visible_case(worker, pk=case_b.pk)


def test_service_point_sees_only_cases_at_its_steps(two_departments):
    _a, _b, case_a, case_b = two_departments
    ready = WorkflowCaseFactory(case_type=case_b.case_type, checked=True)
    staff = MembershipFactory(department=DepartmentFactory(code="sp"), role=Role.SERVICE_POINT).user
    assert list(cases_visible_to(staff)) == [ready]


def test_unexpired_grant_opens_a_single_case_and_expired_grant_does_not(two_departments):
    a, _b, _case_a, case_b = two_departments
    worker = MembershipFactory(department=a).user
    view = Permission.objects.get(codename="view_case")
    grant = CaseUserObjectPermission.objects.create(
        user=worker,
        permission=view,
        content_object=case_b,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert case_b in cases_visible_to(worker)
    grant.expires_at = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    assert case_b not in cases_visible_to(worker)


def test_visibility_is_one_query(two_departments, django_assert_num_queries):
    a, *_ = two_departments
    worker = MembershipFactory(department=a).user
    worker = type(worker).objects.get(pk=worker.pk)
    qs = cases_visible_to(worker)
    with django_assert_num_queries(1):
        list(qs.select_related("person"))


def test_anonymous_and_inactive_users_see_nothing(two_departments):
    from django.contrib.auth.models import AnonymousUser

    assert not cases_visible_to(AnonymousUser()).exists()
    inactive = UserFactory(is_active=False, is_superuser=True)
    assert not cases_visible_to(inactive).exists()
