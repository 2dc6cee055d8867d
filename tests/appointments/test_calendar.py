"""Booking confirmations carry a calendar file: attached to the e-mail, downloadable on the
confirmation page, with time, place, file number and the way to cancel."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from wagtail.models import Site

from appointments.forms import time_value
from appointments.models import Booking
from appointments.services import book_slot, cancel_booking
from cms.models import OfficeSettings
from tests.casework.factories import WorkflowCaseFactory

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office(settings):
    settings.PUBLIC_BASE_URL = "https://abh.example.org"
    return OfficeSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "office_name": "Ausländerbehörde Kreis Mettmann",
            "street": "Düsseldorfer Straße 26",
            "postcode": "40822",
            "city": "Mettmann",
            "phone": "02104 99 0000",
            "opening_hours": json.dumps([]),
        },
    )[0]


def _event(ics: bytes):
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def test_the_booking_e_mail_carries_the_appointment_as_a_calendar_file(
    biometrics, django_capture_on_commit_callbacks
):
    slot = SlotFactory(service=biometrics)
    case = WorkflowCaseFactory(checked=True, person__preferred_language="uk")
    with django_capture_on_commit_callbacks(execute=True):
        result = book_slot(case=case, slot=slot, email="olena@example.org")
    message = mail.outbox[-1]
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    event = _event(content if isinstance(content, bytes) else content.encode())
    assert event.decoded("dtstart") == slot.start
    assert event.decoded("dtend") == slot.end
    assert str(event["uid"]).startswith(str(result.booking.reference))
    assert "відомстві у справах іноземців" in str(event["summary"]), "in Ukrainian"
    assert "Düsseldorfer Straße 26" in str(event["location"])
    assert slot.counter.name in str(event["location"])
    description = str(event["description"])
    assert case.file_number in description
    assert f"https://abh.example.org/uk/termin/absagen/{result.booking.reference}/" in description
    assert "Düsseldorfer Straße 26" in message.body


def test_the_confirmation_page_offers_the_calendar_file(client, biometrics):
    slot = SlotFactory(service=biometrics)
    case = WorkflowCaseFactory(checked=True)
    with translation.override("en"):
        lookup = client.post(
            reverse("appointments:book"),
            {"file_number": case.file_number, "birth_date": case.person.birth_date.isoformat()},
        )
        page = client.post(
            reverse("appointments:choose"),
            {
                "token": lookup.context["token"],
                "day": timezone.localtime(slot.start).date().isoformat(),
                "time": time_value(slot.start),
                "book": "1",
            },
        )
    link = re.search(r'id="calendar-link" href="([^"]+)"', page.content.decode()).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = _event(response.content)
    assert event.decoded("dtstart") == slot.start
    assert "Appointment at the immigration office" in str(event["summary"])


def test_the_calendar_file_needs_the_key_and_a_live_booking(client, biometrics):
    slot = SlotFactory(service=biometrics)
    result = book_slot(case=WorkflowCaseFactory(checked=True), slot=slot)
    reference = result.booking.reference
    good = reverse("appointments:calendar", args=[reference, result.cancel_key])
    bad = reverse("appointments:calendar", args=[reference, "wrong-key"])
    assert client.get(bad).status_code == 404
    assert client.get(good).status_code == 200
    assert cancel_booking(reference=reference, key=result.cancel_key, now=timezone.now())
    assert client.get(good).status_code == 404
    assert Booking.objects.get(reference=reference).slot.start - timezone.now() > dt.timedelta(0)
