"""Public JSON endpoint for booking: the same rules as the booking pages, one request.

Applicants prove the case with file number and date of birth; no token is needed, and the
endpoint is throttled per client IP like the pages.
"""

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from ninja import Router, Schema, Status

from casework.selectors import case_for_applicant

from .models import Slot
from .services import BookingError, book_slot
from .views import THROTTLE_GROUP, post_rate

router = Router(tags=["appointments"])


class BookingIn(Schema):
    file_number: str
    birth_date: dt.date
    slot: int | None = None


class BookingOut(Schema):
    reference: uuid.UUID
    start: dt.datetime
    counter: str
    cancel_key: str


class Problem(Schema):
    code: str
    detail: str


@router.post(
    "/bookings",
    auth=None,
    response={201: BookingOut, 404: Problem, 409: Problem, 429: Problem},
    summary="Book an appointment for a case (earliest free time unless a slot is given)",
)
def create_booking(request: HttpRequest, payload: BookingIn):
    if is_ratelimited(
        request, group=THROTTLE_GROUP, key="ip", rate=post_rate, method="POST", increment=True
    ):
        return Status(
            429, {"code": "throttled", "detail": "Too many requests; try again in a minute."}
        )
    case = case_for_applicant(file_number=payload.file_number, birth_date=payload.birth_date)
    if case is None:
        # Same answer for an unknown file number and a wrong date of birth.
        return Status(
            404, {"code": "not_found", "detail": "No case with this file number and birth date."}
        )
    slot = None
    if payload.slot is not None:
        slot = Slot.objects.filter(pk=payload.slot).first()
        if slot is None:
            return Status(409, {"code": "slot_taken", "detail": "This time is not available."})
    try:
        result = book_slot(case=case, slot=slot)
    except BookingError as exc:
        return Status(409, {"code": exc.code, "detail": str(exc.message)})
    booking = result.booking
    return Status(
        201,
        {
            "reference": booking.reference,
            "start": timezone.localtime(booking.slot.start),
            "counter": booking.slot.counter.name,
            "cancel_key": result.cancel_key,
        },
    )
