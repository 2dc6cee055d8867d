"""Public booking pages: book, cancel, join the waiting list.

Every POST is throttled per client IP. A wrong file number or date of birth gets the very
same answer as an unknown file number.
"""

from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from casework.models import Case
from casework.selectors import case_for_applicant

from .forms import ApplicantForm, SlotForm, WaitingListForm, make_token, slot_days
from .models import Service
from .selectors import active_booking_of, booking_for_cancel_link, free_slots, service_ready_for
from .services import BookingError, book_slot, cancel_booking, join_waiting_list


def post_rate(group, request) -> str | None:
    """The per-IP limit for applicant POSTs, from settings; empty or "off" disables it."""
    rate = getattr(settings, "APPOINTMENTS_RATE_LIMIT", "10/m")
    if not rate or str(rate).lower() in {"off", "none", "0"}:
        return None
    return rate


#: One counter per client for all applicant POSTs (pages and API), so that guesses cannot be
#: spread over several forms.
THROTTLE_GROUP = "appointments"


def throttled(view):
    return ratelimit(group=THROTTLE_GROUP, key="ip", rate=post_rate, method="POST", block=False)(
        view
    )


def _too_many(request):
    return render(request, "appointments/throttled.html", status=429)


def _not_found(form) -> None:
    form.add_error(
        None,
        _(
            "We could not find a case with this file number and date of birth. "
            "Please check both entries."
        ),
    )


def _choose(request, *, case: Case, service: Service, form=None, status=200, problem=None):
    slots = free_slots(service=service)
    if form is None:
        form = SlotForm(
            initial={"token": make_token(case_id=case.pk, service_id=service.pk)}, slots=slots
        )
    context = {
        "form": form,
        "days": slot_days(form["slot"]),
        "service": service,
        "current": active_booking_of(case),
        "slot_count": slots.aggregate(n=Count("pk"))["n"],
        "problem": problem,
    }
    return render(request, "appointments/choose.html", context, status=status)


@require_http_methods(["GET", "POST"])
@throttled
def book(request):
    """Step one: the applicant proves the case is theirs; step two follows on success."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = ApplicantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        case = case_for_applicant(
            file_number=form.cleaned_data["file_number"],
            birth_date=form.cleaned_data["birth_date"],
        )
        if case is None:
            _not_found(form)
        else:
            service = service_ready_for(case)
            if service is None:
                return render(request, "appointments/not_ready.html", {"case_state": case.state})
            return _choose(request, case=case, service=service)
    status = 400 if form.is_bound else 200
    return render(request, "appointments/book.html", {"form": form}, status=status)


@require_http_methods(["POST"])
@throttled
def choose(request):
    """Step two: book the chosen time, show it with the cancellation link (once)."""
    if getattr(request, "limited", False):
        return _too_many(request)
    token_form = SlotForm(request.POST)
    token_form.is_valid()
    data = token_form.cleaned_data.get("token")
    case = Case.objects.filter(pk=data["case"]).first() if data else None
    service = Service.objects.filter(pk=data["service"]).first() if data else None
    if case is None or service is None:
        return render(
            request,
            "appointments/book.html",
            {"form": ApplicantForm(), "expired": True},
            status=400,
        )
    form = SlotForm(request.POST, slots=free_slots(service=service))
    if not form.is_valid():
        return _choose(request, case=case, service=service, form=form, status=400)
    try:
        result = book_slot(
            case=case, slot=form.cleaned_data["slot"], email=form.cleaned_data["email"]
        )
    except BookingError as exc:
        if exc.code == "not_ready":
            return render(request, "appointments/not_ready.html", {"case_state": case.state})
        # Someone else was faster: the remaining times again, with what the applicant typed.
        form = SlotForm(
            initial={"token": request.POST.get("token"), "email": form.cleaned_data["email"]},
            slots=free_slots(service=service),
        )
        return _choose(
            request, case=case, service=service, form=form, status=409, problem=exc.message
        )
    return render(
        request,
        "appointments/confirmation.html",
        {"booking": result.booking, "cancel_key": result.cancel_key},
    )


@require_http_methods(["GET", "POST"])
@throttled
def cancel(request, reference, key):
    """Show the appointment behind a cancellation link; cancel it on POST."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    if request.method == "POST":
        if cancel_booking(reference=reference, key=key):
            return render(request, "appointments/cancelled.html")
        return render(request, "appointments/cancel_invalid.html", status=400)
    booking = booking_for_cancel_link(reference=reference, key=key)
    if booking is None:
        return render(request, "appointments/cancel_invalid.html", status=404)
    return render(request, "appointments/cancel.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
@throttled
def waiting_list(request):
    """Join the waiting list: freed slots go to whose title runs out first."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = WaitingListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        case = case_for_applicant(
            file_number=form.cleaned_data["file_number"],
            birth_date=form.cleaned_data["birth_date"],
        )
        if case is None:
            _not_found(form)
        else:
            try:
                join_waiting_list(case=case, email=form.cleaned_data["email"])
            except BookingError as exc:
                form.add_error(None, exc.message)
            else:
                return render(request, "appointments/waiting_joined.html")
    status = 400 if form.is_bound else 200
    return render(request, "appointments/waiting_list.html", {"form": form}, status=status)
