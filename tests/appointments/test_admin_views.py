"""Staff see the day's appointments only for cases they may see, and record attendance."""

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.constants import BookingStatus
from appointments.services import book_slot
from casework.constants import Role
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
    WorkflowCaseFactory,
)

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_slots(biometrics):
    now = timezone.now()
    return [
        SlotFactory(service=biometrics, start=now + timezone.timedelta(minutes=5 + 15 * i))
        for i in range(2)
    ]


def _admin_client(client, user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return client


def _case_in(department):
    return WorkflowCaseFactory(checked=True, case_type=CaseTypeFactory(department=department))


def test_a_caseworker_sees_only_their_departments_appointments(client, today_slots):
    dept_a, dept_b = DepartmentFactory(code="dept-a"), DepartmentFactory(code="dept-b")
    case_a, case_b = _case_in(dept_a), _case_in(dept_b)
    book_slot(case=case_a, slot=today_slots[0])
    book_slot(case=case_b, slot=today_slots[1])
    worker = MembershipFactory(department=dept_a, role=Role.CASEWORKER).user
    response = _admin_client(client, worker).get(reverse("appointments_admin:day"))
    html = response.content.decode()
    assert response.status_code == 200
    assert case_a.file_number in html
    assert case_b.file_number not in html


def test_a_user_without_membership_is_refused(client, today_slots):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    response = _admin_client(client, UserFactory()).get(reverse("appointments_admin:day"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_service_point_marks_a_no_show(client, today_slots, checked_case):
    booking = book_slot(case=checked_case, slot=today_slots[0]).booking
    staff = MembershipFactory(
        department=DepartmentFactory(code="service-point"), role=Role.SERVICE_POINT
    ).user
    c = _admin_client(client, staff)
    assert checked_case.file_number in c.get(reverse("appointments_admin:day")).content.decode()
    response = c.post(
        reverse("appointments_admin:attendance", args=[booking.pk]), {"outcome": "no_show"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert booking.marked_by == staff


def test_a_caseworker_cannot_mark_another_departments_appointment(client, today_slots):
    case_b = _case_in(DepartmentFactory(code="dept-b"))
    booking = book_slot(case=case_b, slot=today_slots[0]).booking
    worker = MembershipFactory(department=DepartmentFactory(code="dept-a")).user
    response = _admin_client(client, worker).post(
        reverse("appointments_admin:attendance", args=[booking.pk]), {"outcome": "attended"}
    )
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
