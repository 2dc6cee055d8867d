"""Where is my case? File number and birth date; plain words; nothing personal."""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services
from casework.constants import Role
from tests.casework.factories import (
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
    advance,
)

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 9)


@pytest.fixture
def case():
    person = PersonFactory(
        family_name="KOVALENKO",
        given_names="IRYNA",
        family_name_native="Коваленко",
        birth_date=BIRTH,
        passport_number="FB7654321",
        email="iryna@example.org",
        street="Geheimweg 7",
    )
    return WorkflowCaseFactory(
        person=person,
        documents=[
            ("income", "Gehaltsnachweise der letzten drei Monate"),
            ("passport", "Reisepass", True),
        ],
        documents_requested=True,
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )


def look_up(client, file_number, birth_date, language="en", **extra):
    return client.post(
        f"/{language}/status/",
        {"file_number": file_number, "birth_date": birth_date.isoformat()},
        **extra,
    )


def test_status_page_shows_state_in_plain_words_missing_documents_and_no_name(client, case):
    response = look_up(client, case.file_number.lower(), BIRTH)
    assert response.status_code == 200
    text = response.text
    assert "We need more documents from you before we can go on." in text
    assert "Gehaltsnachweise der letzten drei Monate" in text
    assert "Reisepass" not in text  # received documents are not listed as missing
    for personal in ("KOVALENKO", "IRYNA", "Коваленко", "FB7654321", "iryna@", "Geheimweg"):
        assert personal not in text


def test_status_is_translated(client, case):
    response = look_up(client, case.file_number, BIRTH, language="uk")
    assert "Нам потрібні додаткові документи" in response.text
    response = look_up(client, case.file_number, BIRTH, language="de")
    assert "Wir brauchen weitere Unterlagen" in response.text


def _de_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def test_expected_card_date_comes_from_the_latest_order(client, case):
    ordered = WorkflowCaseFactory(
        person=case.person, production_failed=True, at=timezone.now() - dt.timedelta(days=10)
    )
    ordered = advance(ordered, "reorder")
    first, second = ordered.card_orders.order_by("ordered_at")
    assert first.expected_on < second.expected_on
    response = look_up(client, ordered.file_number, BIRTH, language="de")
    assert _de_date(second.expected_on) in response.text
    assert _de_date(first.expected_on) not in response.text


@pytest.mark.parametrize("end", ["delivered", "handed_over", "withdrawn"])
def test_no_expected_card_date_once_the_card_arrived_or_the_case_ended(client, case, end):
    """Only while the card is on its way: not once it arrived, nor after the case ended (a
    withdrawn case's order may still be open)."""
    ordered = WorkflowCaseFactory(person=case.person, produced=True)
    expected = _de_date(ordered.card_orders.get().expected_on)
    assert expected in look_up(client, ordered.file_number, BIRTH, language="de").text
    if end == "delivered":
        services.record_card_delivered(
            case=ordered, user=MembershipFactory(role=Role.SERVICE_POINT).user
        )
    else:
        advance(ordered, "hand_over" if end == "handed_over" else "withdraw")
    response = look_up(client, ordered.file_number, BIRTH, language="de")
    assert expected not in response.text
    assert 'data-testid="card-expected"' not in response.text


def test_wrong_birth_date_answers_exactly_like_an_unknown_file_number(client, case):
    wrong = look_up(client, case.file_number, BIRTH + dt.timedelta(days=1))
    unknown = look_up(client, "ABH-2099-999999", BIRTH + dt.timedelta(days=1))
    assert wrong.status_code == unknown.status_code == 200
    assert 'data-testid="not-found"' in wrong.text
    assert wrong.text.replace(case.file_number, "ABH-2099-999999") == unknown.text.replace(
        case.file_number, "ABH-2099-999999"
    ) or _strip_csrf(wrong.text) == _strip_csrf(unknown.text)


def _strip_csrf(text: str) -> str:
    import re

    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'value="ABH-[0-9-]+"', "", text)


def test_guessing_is_throttled_per_client(client, case, settings):
    settings.APPLICATION_STATUS_RATE = "3/h"
    for day in range(3):
        assert (
            look_up(client, case.file_number, BIRTH + dt.timedelta(days=day + 1)).status_code == 200
        )
    # Even the right answer is withheld once the client is over the limit.
    response = look_up(client, case.file_number, BIRTH)
    assert response.status_code == 429
    assert "We need more documents" not in response.text


def test_guessing_one_file_number_from_many_addresses_is_throttled(client, case, settings):
    settings.APPLICATION_STATUS_PER_CASE_RATE = "2/h"
    for n in range(2):
        look_up(
            client, case.file_number, BIRTH + dt.timedelta(days=n + 1), REMOTE_ADDR=f"10.0.0.{n}"
        )
    response = look_up(client, case.file_number, BIRTH, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429


def test_status_form_errors_for_invalid_input(client):
    response = client.post("/de/status/", {"file_number": "", "birth_date": "1990-02-30"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"file_number", "birth_date"}


def test_status_shows_the_active_appointment(client, case):
    from appointments.models import Booking
    from tests.appointments.factories import SlotFactory

    slot = SlotFactory(start=timezone.make_aware(dt.datetime(2030, 3, 4, 9, 15)))
    Booking.objects.create(case=case, slot=slot, cancel_key_hash="0" * 64)
    response = look_up(client, case.file_number, BIRTH, language="de")
    assert 'data-testid="appointment"' in response.text
    assert "4. März 2030 09:15" in response.text


def test_status_offers_booking_once_the_case_is_ready(client, case):
    from tests.appointments.factories import ServiceFactory

    ServiceFactory()  # biometrics, offered once a case is checked
    response = look_up(client, case.file_number, BIRTH)
    assert 'data-testid="book-appointment"' not in response.text  # documents still requested

    ready = WorkflowCaseFactory(person=case.person, checked=True)
    response = look_up(client, ready.file_number, BIRTH)
    assert 'data-testid="book-appointment"' in response.text
    assert "/en/termin/" in response.text
