"""The calendar file of a booking (iCalendar, RFC 5545, through ``icalendar``).

Attached to the booking e-mail and offered on the confirmation page, so the appointment lands
in the applicant's calendar with the office's address and the way to cancel. Times are written
in UTC, which every calendar shows in its own time zone.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from cms.selectors import office_contact
from config.links import public_url, site_base_url

from .models import Booking

__all__ = ["CALENDAR_CONTENT_TYPE", "booking_calendar", "calendar_filename"]

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def calendar_filename(booking: Booking) -> str:
    return f"termin-{timezone.localtime(booking.slot.start):%Y-%m-%d-%H%M}.ics"


def _location(booking: Booking, office) -> str:
    counter = booking.slot.counter
    parts = [counter.name, counter.location]
    if office is not None:
        parts += [
            office.office_name,
            office.street,
            f"{office.postcode} {office.city}".strip(),
        ]
    return ", ".join(part for part in parts if part)


def booking_calendar(booking: Booking, *, cancel_key: str | None = None) -> bytes:
    """One event in the active language; with ``cancel_key`` it carries the cancellation link."""
    office = office_contact()
    slot = booking.slot
    service = slot.service.display_name
    event = Event()
    event.add("uid", f"{booking.reference}@{urlsplit(site_base_url()).hostname or 'abh'}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", slot.start.astimezone(dt.UTC))
    event.add("dtend", slot.end.astimezone(dt.UTC))
    event.add(
        "summary",
        _("Appointment at the immigration office: %(service)s") % {"service": service},
    )
    event.add("location", _location(booking, office))
    lines = [
        _("File number: %(file_number)s") % {"file_number": booking.case.file_number},
        _("Please bring your passport and, if you have one, your current residence card."),
    ]
    if cancel_key:
        cancel_url = public_url("appointments:cancel", args=[booking.reference, cancel_key])
        lines.append(
            _("If you cannot come, please cancel: %(url)s") % {"url": cancel_url},
        )
    if office is not None and office.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": office.phone})
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", event["summary"])
    reminder.add("trigger", dt.timedelta(days=-1))
    event.add_component(reminder)

    calendar = Calendar()
    calendar.add("prodid", "-//abh//appointments//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
