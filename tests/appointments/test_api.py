"""The JSON booking endpoint follows the same rules as the pages."""

import pytest

from appointments.models import Booking
from casework.constants import CaseState
from tests.casework.factories import CaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/bookings"


def _post(client, case, birth_date=None, **extra):
    body = {
        "file_number": case.file_number,
        "birth_date": (birth_date or case.person.birth_date).isoformat(),
        **extra,
    }
    return client.post(URL, body, content_type="application/json")


def test_books_the_earliest_free_slot(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    response = _post(client, checked_case)
    assert response.status_code == 201
    assert response.json()["counter"] == slot.counter.name
    assert Booking.objects.get(case=checked_case).slot == slot


def test_wrong_birth_date_is_answered_like_an_unknown_case(client, biometrics, checked_case):
    import datetime as dt

    wrong = _post(client, checked_case, birth_date=dt.date(1950, 1, 1))
    unknown = client.post(
        URL,
        {"file_number": "ABH-0000-000000", "birth_date": "1950-01-01"},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_no_free_slot_is_a_conflict(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    assert _post(client, CaseFactory(state=CaseState.CHECKED)).status_code == 201
    response = _post(client, checked_case, slot=slot.pk)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"


def test_the_endpoint_is_throttled(client, settings, biometrics, checked_case):
    settings.APPOINTMENTS_RATE_LIMIT = "2/m"
    codes = [_post(client, checked_case).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_once_sold_out_an_applicant_hears_so_in_three_queries(
    client, biometrics, checked_case, django_assert_max_num_queries
):
    """Identity, service and the case's own booking; no lock, no transaction."""
    SlotFactory(service=biometrics)
    assert _post(client, CaseFactory(state=CaseState.CHECKED)).status_code == 201
    assert _post(client, CaseFactory(state=CaseState.CHECKED)).json()["code"] == "no_slots"
    with django_assert_max_num_queries(3):
        response = _post(client, checked_case)
    assert response.status_code == 409
    assert response.json()["code"] == "no_slots"


def test_an_unknown_case_costs_one_query(client, biometrics, django_assert_max_num_queries):
    """No redirect lookup for an API 404."""
    with django_assert_max_num_queries(1):
        response = client.post(
            URL,
            {"file_number": "ABH-0000-000000", "birth_date": "1950-01-01"},
            content_type="application/json",
        )
    assert response.status_code == 404
