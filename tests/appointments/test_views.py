"""The public booking pages in German and English, and their throttle."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from appointments.constants import BookingStatus
from appointments.forms import time_value
from appointments.models import Booking, WaitingListEntry
from appointments.schedule import OFFICE_TZ
from tests.casework.factories import WorkflowCaseFactory

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


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant ``days`` days from today at a wall-clock time of the office."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OFFICE_TZ)


def _pick(slot, token, **extra) -> dict:
    """The booking form's POST for the time of ``slot`` (any counter free then)."""
    return {
        "token": token,
        "day": timezone.localtime(slot.start).date().isoformat(),
        "time": time_value(slot.start),
        "book": "1",
        "email": "",
        **extra,
    }


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
    assert 'aria-describedby="id_birth_date_helptext"' in html
    assert 'id="id_birth_date_helptext"' in html


def test_full_path_book_then_cancel(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    step_two = _lookup(client, checked_case, "en")
    assert step_two.status_code == 200
    token = step_two.context["token"]
    confirmation = client.post(url("choose", "en"), _pick(slot, token))
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
    response = _lookup(client, WorkflowCaseFactory(received=True))
    assert response.status_code == 200
    assert "appointments/not_ready.html" in [t.name for t in response.templates]
    assert 'name="time"' not in response.content.decode()


def test_a_tampered_token_books_nothing(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    response = client.post(url("choose"), _pick(slot, "forged:abc"))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_slot_taken_meanwhile_gives_a_clear_message(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    SlotFactory(service=biometrics)
    token = _lookup(client, checked_case).context["token"]
    Booking.objects.create(
        case=WorkflowCaseFactory(checked=True), slot=slot, cancel_key_hash="x" * 64
    )
    response = client.post(url("choose", "en"), _pick(slot, token))
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert not Booking.objects.filter(case=checked_case).exists()


def test_losing_the_race_for_a_slot_shows_a_message_and_the_remaining_times(
    client, biometrics, checked_case, monkeypatch
):
    """The slot is free when the form is checked and taken before the booking locks it."""
    from appointments import views

    contested = SlotFactory(service=biometrics, start=at(1, 10, 0))
    other = SlotFactory(service=biometrics, start=at(1, 10, 15))
    token = _lookup(client, checked_case).context["token"]
    real_book_slot = views.book_slot

    def faster_rival_then_book(**kwargs):
        Booking.objects.create(
            case=WorkflowCaseFactory(checked=True), slot=contested, cancel_key_hash="x" * 64
        )
        return real_book_slot(**kwargs)

    monkeypatch.setattr(views, "book_slot", faster_rival_then_book)
    response = client.post(url("choose", "uk"), _pick(contested, token, email="o@example.org"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Цей час щойно зайняли" in html, "the message, in the page's language"
    assert time_value(other.start) in html and time_value(contested.start) not in html
    assert 'value="o@example.org"' in html, "the e-mail address typed is kept"
    assert not Booking.objects.filter(case=checked_case).exists()


def test_wrong_cancel_key_shows_invalid_and_changes_nothing(client, biometrics, checked_case):
    slot = SlotFactory(service=biometrics)
    token = _lookup(client, checked_case).context["token"]
    client.post(url("choose"), _pick(slot, token))
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
    # Another unknown file number each time: the per-file-number limit (config.ratelimits)
    # stays on and is not what this test is about.
    assert all(
        client.post(url("book"), {"file_number": f"X{n}", "birth_date": "1980-01-01"}).status_code
        == 400
        for n in range(15)
    )


# --- the slot picker --------------------------------------------------------------------------


def _radios(response) -> list[str]:
    return re.findall(r'name="time" value="([^"]+)"', response.content.decode())


def test_a_time_is_listed_once_whatever_counter_is_free_and_booking_takes_any(client, biometrics):
    first = SlotFactory(service=biometrics, start=at(1, 9, 0))
    second = SlotFactory(service=biometrics, start=first.start)  # another counter, same time
    assert first.counter != second.counter
    cases = [WorkflowCaseFactory(checked=True) for _ in range(3)]
    response = _lookup(client, cases[0])
    assert _radios(response) == [time_value(first.start)], "one entry for two counters"
    assert response.context["total_times"] == 1
    for case in cases[:2]:
        token = _lookup(client, case).context["token"]
        assert client.post(url("choose"), _pick(first, token)).status_code == 200
    booked = Booking.objects.filter(case__in=cases[:2]).values_list("slot__counter", flat=True)
    assert set(booked) == {first.counter_id, second.counter_id}
    assert "appointments/not_ready.html" not in [
        t.name for t in _lookup(client, cases[2]).templates
    ]
    token = _lookup(client, cases[2]).context["token"]
    assert client.post(url("choose"), _pick(first, token)).status_code in (400, 409)
    assert not Booking.objects.filter(case=cases[2]).exists()


def test_counts_are_honest_and_later_days_can_be_reached(client, biometrics, checked_case):
    """Free times over four weeks: one day is shown, all are counted, every day can be reached."""
    starts = [at(days, hour) for days in (1, 2, 9, 16, 23) for hour in (8, 9, 14, 15)]
    for start in starts:
        SlotFactory(service=biometrics, start=start)
    response = _lookup(client, checked_case, "en")
    html = response.content.decode()
    assert "Free times in total: 20." in html
    assert "Days with free times: 5" in html
    assert _radios(response) == [time_value(s) for s in starts[:4]], "one day at a time"
    # Afternoon times are offered like morning ones.
    assert time_value(at(1, 14)) in _radios(response)

    seen = set(_radios(response))
    token = response.context["token"]
    for _week in range(4):
        next_week = response.context["next_week"]
        if next_week is None:
            break
        response = client.post(
            url("choose", "en"), {"token": token, "day": next_week.day.isoformat()}
        )
        assert response.status_code == 200
        assert "Previous week" in response.content.decode()
        seen |= set(_radios(response))
        token = response.context["token"]
    response = client.post(url("choose", "en"), {"token": token, "day": at(2, 0).date()})
    seen |= set(_radios(response))
    assert seen == {time_value(s) for s in starts}, "every free time is reachable"
    assert not Booking.objects.exists(), "showing a day books nothing"


def test_a_day_without_free_times_left_shows_the_next_one(client, biometrics, checked_case):
    taken = SlotFactory(service=biometrics, start=at(1, 8))
    later = SlotFactory(service=biometrics, start=at(3, 8))
    token = _lookup(client, checked_case).context["token"]
    Booking.objects.create(
        case=WorkflowCaseFactory(checked=True), slot=taken, cancel_key_hash="x" * 64
    )
    response = client.post(url("choose", "en"), _pick(taken, token, email="o@example.org"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "no longer available" in html
    assert _radios(response) == [time_value(later.start)]
    assert 'value="o@example.org"' in html


def test_the_page_says_until_when_a_time_can_be_booked(client, biometrics, checked_case):
    SlotFactory(service=biometrics, start=at(1, 8))
    response = _lookup(client, checked_case, "en")
    deadline = timezone.localtime(response.context["deadline"])
    assert deadline - timezone.localtime() > dt.timedelta(minutes=29)
    html = response.content.decode()
    assert "30 minutes" in html
    assert 'id="time-limit"' in html


def test_an_expired_token_says_so_books_nothing_and_keeps_the_file_number(
    client, biometrics, checked_case, monkeypatch
):
    import time

    from appointments.forms import make_token

    slot = SlotFactory(service=biometrics, start=at(1, 8))
    service_id = biometrics.pk
    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() - 31 * 60)
    old = make_token(case_id=checked_case.pk, service_id=service_id)
    monkeypatch.setattr("django.core.signing.time.time", real_time)
    response = client.post(url("choose", "uk"), _pick(slot, old))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="expired"' in html
    assert "30 хвилин" in html
    assert f'value="{checked_case.file_number}"' in html, "start again with the file number"
    assert not Booking.objects.exists()
