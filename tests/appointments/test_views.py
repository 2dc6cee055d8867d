"""The public booking pages in German and English, and their throttle."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from appointments.constants import BookingStatus
from appointments.models import Booking, WaitingListEntry
from casework.constants import CaseState
from tests.casework.factories import CaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


def url(name, lang="de", *args):
    with translation.override(lang):
        return reverse(f"appointments:{name}", args=args)


def _lookup(client, case, lang="de", birth_date=None):
    return client.post(
        url("book", lang),
        {
            "file_number": case.file_number.lower(),
            "birth_date": (birth_date or case.person.birth_date).isoformat(),
        },
    )


def test_urls_live_under_the_language_prefix():
    assert url("book", "de") == "/de/termin/"
    assert url("book", "uk") == "/uk/termin/"


@pytest.mark.parametrize("lang", ["de", "en", "uk", "ru"])
def test_the_booking_form_has_labels_in_every_language(client, lang):
    response = client.get(url("book", lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{lang}"' in html
    assert '<label for="id_file_number">' in html
    assert 'aria-describedby="id_birth_date-help"' in html


def test_full_path_book_then_cancel(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    step_two = _lookup(client, checked_case, "en")
    assert step_two.status_code == 200
    token = step_two.context["form"]["token"].value()
    confirmation = client.post(url("choose", "en"), {"token": token, "slot": slot.pk, "email": ""})
    assert confirmation.status_code == 200
    booking = Booking.objects.get(case=checked_case)
    html = confirmation.content.decode()
    assert slot.counter.name in html
    cancel_path = re.search(r'id="cancel-link" href="([^"]+)"', html).group(1)
    assert client.get(cancel_path).status_code == 200
    assert client.post(cancel_path).status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_wrong_birth_date_answers_exactly_like_an_unknown_file_number(client, checked_case):
    wrong = client.post(
        url("book"), {"file_number": checked_case.file_number, "birth_date": "1950-01-01"}
    )
    unknown = client.post(
        url("book"), {"file_number": "ABH-0000-999999", "birth_date": "1950-01-01"}
    )
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert wrong.status_code == unknown.status_code == 400
    assert strip(wrong).replace(checked_case.file_number, "X") == strip(unknown).replace(
        "ABH-0000-999999", "X"
    )


@pytest.mark.parametrize("birth_date", ["2999-01-01", "1990-02-30", ""])
def test_invalid_birth_dates_get_a_field_error(client, checked_case, birth_date):
    response = client.post(url("book"), {"file_number": "X", "birth_date": birth_date})
    assert response.status_code == 400
    assert response.context["form"].errors["birth_date"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()


def test_an_empty_post_gets_field_errors(client):
    response = client.post(url("book"), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"file_number", "birth_date"}


def test_a_case_not_ready_gets_no_slots(client, biometrics):
    SlotFactory(service=biometrics)
    response = _lookup(client, CaseFactory(state=CaseState.RECEIVED))
    assert response.status_code == 200
    assert "appointments/not_ready.html" in [t.name for t in response.templates]
    assert 'name="slot"' not in response.content.decode()


def test_a_tampered_token_books_nothing(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    response = client.post(url("choose"), {"token": "forged:abc", "slot": slot.pk})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_slot_taken_meanwhile_gives_a_clear_message(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    SlotFactory(service=biometrics)
    token = _lookup(client, checked_case).context["form"]["token"].value()
    Booking.objects.create(
        case=CaseFactory(state=CaseState.CHECKED), slot=slot, cancel_key_hash="x" * 64
    )
    response = client.post(url("choose", "en"), {"token": token, "slot": slot.pk})
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert not Booking.objects.filter(case=checked_case).exists()


def test_losing_the_race_for_a_slot_shows_a_message_and_the_remaining_times(
    client, biometrics, checked_case, monkeypatch
):
    """The slot is free when the form is checked and taken before the booking locks it."""
    from appointments import views

    contested = SlotFactory(service=biometrics)
    other = SlotFactory(service=biometrics)
    token = _lookup(client, checked_case).context["form"]["token"].value()
    real_book_slot = views.book_slot

    def faster_rival_then_book(**kwargs):
        Booking.objects.create(
            case=CaseFactory(state=CaseState.CHECKED), slot=contested, cancel_key_hash="x" * 64
        )
        return real_book_slot(**kwargs)

    monkeypatch.setattr(views, "book_slot", faster_rival_then_book)
    response = client.post(
        url("choose", "uk"), {"token": token, "slot": contested.pk, "email": "o@example.org"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Цей час щойно зайняли" in html, "the message, in the page's language"
    assert f'value="{other.pk}"' in html and f'value="{contested.pk}"' not in html
    assert 'value="o@example.org"' in html, "the e-mail address typed is kept"
    assert not Booking.objects.filter(case=checked_case).exists()


def test_wrong_cancel_key_shows_invalid_and_changes_nothing(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    token = _lookup(client, checked_case).context["form"]["token"].value()
    client.post(url("choose"), {"token": token, "slot": slot.pk})
    booking = Booking.objects.get(case=checked_case)
    bad = url("cancel", "de", booking.reference, "not-the-key")
    assert client.get(bad).status_code == 404
    assert client.post(bad).status_code == 400
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_join_waiting_list(client, biometrics, checked_case):
    response = client.post(
        url("waiting_list"),
        {
            "file_number": checked_case.file_number,
            "birth_date": checked_case.person.birth_date.isoformat(),
            "email": "wait@example.org",
        },
    )
    assert response.status_code == 200
    assert WaitingListEntry.objects.get(case=checked_case).email == "wait@example.org"


def test_lookups_are_throttled_per_client(client, settings, checked_case):
    settings.APPOINTMENTS_RATE_LIMIT = "3/m"
    data = {"file_number": "ABH-2026-999999", "birth_date": "1980-01-01"}
    codes = [client.post(url("book"), data).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    # Another client (IP) is not affected.
    other = client.post(url("book"), data, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 400


def test_the_throttle_is_shared_by_all_applicant_forms(client, settings):
    settings.APPOINTMENTS_RATE_LIMIT = "2/m"
    data = {"file_number": "ABH-2026-999999", "birth_date": "1980-01-01"}
    client.post(url("book"), data)
    client.post(url("waiting_list"), {**data, "email": "a@example.org"})
    assert client.post(url("book"), data).status_code == 429
    assert client.post(url("waiting_list"), {**data, "email": "a@example.org"}).status_code == 429


def test_throttle_can_be_switched_off(client, settings):
    settings.APPOINTMENTS_RATE_LIMIT = "off"
    data = {"file_number": "X", "birth_date": "1980-01-01"}
    assert all(client.post(url("book"), data).status_code == 400 for _ in range(15))
