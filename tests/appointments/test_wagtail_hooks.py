"""The appointments panel in the back office's case file (contributed through a Wagtail hook)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.constants import BookingStatus
from appointments.models import Booking
from appointments.services import book_slot, join_waiting_list
from tests.casework.backoffice import build_office
from tests.casework.factories import WorkflowCaseFactory

from .factories import CounterFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def _case_file(client, case):
    return client.get(reverse("casework:case", args=[case.file_number]))


def _panel(response) -> str:
    html = response.content.decode()
    start = html.index('data-panel="appointments"')
    return html[start : html.index("</section>", start)]


def test_case_file_shows_the_active_booking_with_time_counter_and_service(
    client, office, biometrics
):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    slot = SlotFactory(service=biometrics, counter=CounterFactory(name="Schalter 7"))
    book_slot(case=case, slot=slot)
    client.force_login(office.worker_a)

    response = _case_file(client, case)

    assert response.status_code == 200
    panel = _panel(response)
    start = timezone.localtime(slot.start)
    assert start.strftime("%H:%M") in panel
    assert "Schalter 7" in panel and biometrics.name in panel
    assert 'data-testid="active-booking"' in panel
    # The panel replaces the placeholder: one "Appointments" section only.
    assert 'id="appointments-heading"' not in response.content.decode()
    assert f"?day={start.date().isoformat()}" in panel


def test_case_file_lists_earlier_bookings_and_counts_no_shows(client, office, biometrics):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    missed = Booking.objects.create(
        case=case,
        slot=SlotFactory(service=biometrics, start=timezone.now() - dt.timedelta(days=3)),
        cancel_key_hash="x" * 64,
        status=BookingStatus.NO_SHOW,
    )
    client.force_login(office.worker_a)

    panel = _panel(_case_file(client, case))

    assert f'data-booking="{missed.pk}" data-status="no_show"' in panel
    assert 'data-testid="no-shows" data-count="1"' in panel
    assert 'data-testid="active-booking"' not in panel


def test_case_on_the_waiting_list_says_so(client, office, biometrics):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    join_waiting_list(case=case, email="me@example.org")
    client.force_login(office.worker_a)

    assert 'data-testid="waiting"' in _panel(_case_file(client, case))


def test_caseworker_of_another_department_still_gets_404(client, office, biometrics):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    book_slot(case=case, slot=SlotFactory(service=biometrics))
    client.force_login(office.worker_b)

    response = _case_file(client, case)

    assert response.status_code == 404
    assert case.file_number.encode() not in response.content


def test_service_point_sees_the_appointment_too(client, office, biometrics):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    book_slot(case=case, slot=SlotFactory(service=biometrics, counter=CounterFactory(name="SP 1")))
    client.force_login(office.counter)

    response = _case_file(client, case)

    assert response.status_code == 200
    assert "SP 1" in _panel(response)
