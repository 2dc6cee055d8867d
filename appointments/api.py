"""Public JSON endpoint for booking: the same rules as the booking pages, one request.

Applicants prove the case with file number and date of birth; no token is needed, and the
endpoint is throttled per client IP like the pages, and wrong birth dates per file number.

Once every active service is sold out, each request hears so before it gets here, from one
cache read (:class:`appointments.middleware.SoldOutMiddleware`): the answer is the same for
every file number and birth date, so it needs no proof and reveals nothing about a case; at a
release instant most requests come after the last slot went and cost next to nothing.
"""

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from ninja import Field, Router, Schema, Status

from casework.api_common import IsoDate, StrictSchema, Text, problem_body, problems
from casework.selectors import case_for_applicant
from config.ratelimits import proof_allowed, record_failed_proof

from .models import Slot
from .services import BookingError, book_slot
from .views import THROTTLE_GROUP, post_rate

router = Router(tags=["appointments"])

#: What a booking reads of the case (readiness); anything else loads when first used.
BOOKING_FIELDS = ("file_number", "state", "person_id")


class BookingIn(StrictSchema):
    file_number: Text(64)
    birth_date: IsoDate
    slot: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of a free time")


class BookingOut(Schema):
    reference: uuid.UUID
    start: dt.datetime
    counter: str
    cancel_key: str


@router.post(
    "/bookings",
    auth=None,
    response={201: BookingOut, **problems(404, 409, 429, auth=False)},
    summary="Book an appointment for a case (earliest free time unless a slot is given)",
    description=(
        "Once no service has a free time left, the answer is 409 `no_slots` for every "
        "request, whatever case it names (also for one that holds a booking already)."
    ),
)
def create_booking(request: HttpRequest, payload: BookingIn):
    if is_ratelimited(
        request, group=THROTTLE_GROUP, key="ip", rate=post_rate, method="POST", increment=True
    ):
        return Status(
            429, problem_body("throttled", _("Too many requests; try again in a minute."))
        )
    if not proof_allowed(request, payload.file_number):
        return Status(
            429,
            problem_body(
                "throttled", _("Too many attempts for this file number; try again later.")
            ),
        )
    case = case_for_applicant(
        file_number=payload.file_number, birth_date=payload.birth_date, fields=BOOKING_FIELDS
    )
    if case is None:
        record_failed_proof(request, payload.file_number)
        # Same answer for an unknown file number and a wrong date of birth.
        return Status(
            404, problem_body("not_found", _("No case with this file number and birth date."))
        )
    slot = None
    if payload.slot is not None:
        slot = Slot.objects.filter(pk=payload.slot).first()
        if slot is None:
            return Status(409, problem_body("slot_taken", _("This time is not available.")))
    try:
        result = book_slot(case=case, slot=slot)
    except BookingError as exc:
        return Status(409, problem_body(exc.code, exc.message))
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
