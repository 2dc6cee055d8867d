"""The JSON booking endpoint follows the same rules as the pages."""

import datetime as dt

import pytest

from appointments.models import Booking
from appointments.services import cancel_booking
from tests.casework.factories import WorkflowCaseFactory

from .conftest import delivered_case
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
    assert _post(client, WorkflowCaseFactory(checked=True)).status_code == 201
    response = _post(client, checked_case, slot=slot.pk)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"


def test_the_endpoint_is_throttled(client, settings, biometrics, checked_case):
    """(While a slot is free: once none is, every request hears that first, see below.)"""
    SlotFactory(service=biometrics)
    settings.APPOINTMENTS_RATE_LIMIT = "2/m"
    codes = [_post(client, checked_case).status_code for _ in range(3)]
    assert codes[-1] == 429


def _sell_out(client, service):
    SlotFactory(service=service)
    assert _post(client, WorkflowCaseFactory(checked=True)).status_code == 201
    assert _post(client, WorkflowCaseFactory(checked=True)).json()["code"] == "no_slots"


def test_once_sold_out_every_request_hears_so_without_a_query(
    client, biometrics, checked_case, django_assert_num_queries
):
    """No proof is needed for an answer that is the same for everyone: a ready case, a wrong
    birth date and an unknown file number hear the same, and nothing is read or counted."""
    _sell_out(client, biometrics)
    with django_assert_num_queries(0):
        answers = [
            _post(client, checked_case),
            _post(client, checked_case, birth_date=dt.date(1950, 1, 1)),
            client.post(
                URL,
                {"file_number": "ABH-0000-000000", "birth_date": "1950-01-01"},
                content_type="application/json",
            ),
        ]
    assert {a.status_code for a in answers} == {409}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert answers[0].json()["code"] == "no_slots"


def test_the_holder_of_the_last_booking_hears_sold_out_too(client, biometrics):
    SlotFactory(service=biometrics)
    winner = WorkflowCaseFactory(checked=True)
    assert _post(client, winner).status_code == 201
    assert _post(client, WorkflowCaseFactory(checked=True)).json()["code"] == "no_slots"
    assert _post(client, winner).json()["code"] == "no_slots"
    assert Booking.objects.get(case=winner).status == "booked"


def test_a_service_with_free_slots_left_is_still_booked(
    client, biometrics, hand_over, checked_case
):
    """Biometrics sold out, hand-over not: the case decides, so identity is proven again."""
    _sell_out(client, biometrics)
    SlotFactory(service=hand_over)
    delivered = delivered_case()
    assert _post(client, checked_case).json()["code"] == "no_slots"
    assert _post(client, checked_case, birth_date=dt.date(1950, 1, 1)).status_code == 404
    assert _post(client, delivered).status_code == 201
    assert _post(client, delivered_case()).json()["code"] == "no_slots"
    # Now every service is sold out: no proof any more.
    assert _post(client, checked_case, birth_date=dt.date(1950, 1, 1)).status_code == 409


def test_a_cancellation_ends_the_sold_out_answer(client, biometrics, checked_case):
    SlotFactory(service=biometrics)
    first = _post(client, WorkflowCaseFactory(checked=True)).json()
    assert _post(client, checked_case).json()["code"] == "no_slots"
    assert cancel_booking(reference=first["reference"], key=first["cancel_key"])
    assert _post(client, checked_case).status_code == 201


def test_an_unknown_case_costs_one_query(client, biometrics, django_assert_max_num_queries):
    """No redirect lookup for an API 404."""
    with django_assert_max_num_queries(1):
        response = client.post(
            URL,
            {"file_number": "ABH-0000-000000", "birth_date": "1950-01-01"},
            content_type="application/json",
        )
    assert response.status_code == 404


def test_the_sold_out_answer_is_in_the_applicants_language(client, biometrics, checked_case):
    _sell_out(client, biometrics)
    response = client.post(
        URL,
        {"file_number": "ABH-0000-000000", "birth_date": "1950-01-01"},
        content_type="application/json",
        headers={"accept-language": "uk"},
    )
    assert response.status_code == 409
    assert response["Content-Language"] == "uk"
    assert response.json()["detail"] != "There are no free appointments at the moment."
