"""The booking API's answer once every service is sold out, before the rest of the stack.

At a release instant most booking requests arrive after the last slot went. Their answer is
the same whoever asks (409 ``no_slots``), so it is given here from one cache read
(:func:`appointments.availability.all_sold_out`), right after the language is chosen: no
session, authentication, body parsing, validation, throttle, proof of identity or query. The
answer names no case, so it reveals nothing about whether a file number exists; nothing else
is answered here.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.api_common import problem_body

from . import availability

__all__ = ["SoldOutMiddleware", "sold_out_body"]


def sold_out_body() -> dict:
    return problem_body("no_slots", _("There are no free appointments at the moment."))


class SoldOutMiddleware:
    """Answers a POST to the booking endpoint while every service is sold out; put it
    right after the locale middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path: str | None = None

    def __call__(self, request):
        if request.method == "POST":
            if self.path is None:
                self.path = reverse("api:create_booking")
            if request.path == self.path and availability.all_sold_out(timezone.now()):
                return JsonResponse(sold_out_body(), status=409)
        return self.get_response(request)
