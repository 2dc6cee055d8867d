"""Public booking pages: book, cancel, join the waiting list.

Every POST is throttled per client IP, and wrong birth dates per file number
(:mod:`config.ratelimits`). A wrong file number or date of birth gets the very same answer as
an unknown file number.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from casework.models import Case
from casework.selectors import case_for_applicant
from config.middleware import forms_answer_control_characters
from config.ratelimits import proof_allowed, record_failed_proof

from .calendar import CALENDAR_CONTENT_TYPE, booking_calendar, calendar_filename
from .constants import BookingStatus
from .forms import (
    TOKEN_MAX_AGE,
    ApplicantForm,
    SlotForm,
    WaitingListForm,
    load_token,
    make_token,
    token_deadline,
)
from .models import Service
from .selectors import (
    FreeDay,
    active_booking_of,
    booking_for_cancel_link,
    free_days,
    free_times_on,
    service_ready_for,
)
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


def _week_navigation(days: list[FreeDay], shown: FreeDay) -> dict:
    """The free days of the shown day's week, and the first free day of the weeks around."""
    monday = shown.day - dt.timedelta(days=shown.day.weekday())
    next_monday = monday + dt.timedelta(days=7)
    earlier = [d for d in days if d.day < monday]
    previous_week = None
    if earlier:
        previous_monday = earlier[-1].day - dt.timedelta(days=earlier[-1].day.weekday())
        previous_week = next(d for d in earlier if d.day >= previous_monday)
    return {
        "week_days": [d for d in days if monday <= d.day < next_monday],
        "previous_week": previous_week,
        "next_week": next((d for d in days if d.day >= next_monday), None),
    }


def _day_to_show(days: list[FreeDay], wanted: dt.date | None) -> FreeDay | None:
    """The wanted day if it still has free times, else the next one that has, else the first."""
    if not days:
        return None
    if wanted is not None:
        later = [d for d in days if d.day >= wanted]
        if later:
            return later[0]
    return days[0]


def _choose(
    request,
    *,
    case: Case,
    service: Service,
    day: dt.date | None = None,
    form: SlotForm | None = None,
    email: str = "",
    status: int = 200,
    problem=None,
):
    """The picker: one day's free times at a time, the days of its week, paging by week.

    Every rendering signs a fresh token, so the time limit starts again with each page.
    """
    days = free_days(service=service)
    shown = _day_to_show(days, day)
    if form is not None and (shown is None or shown.day != day):
        # The day has no free times left, and its choices went with them.
        email = form.data.get("email", "") if form.is_bound else email
        problem = problem or _("This time is no longer available. Please choose another one.")
        form = None
    if form is None:
        times = free_times_on(service=service, day=shown.day) if shown else []
        initial = {"day": shown.day if shown else None, "email": email}
        form = SlotForm(initial=initial, times=times)
    context = {
        "form": form,
        "service": service,
        "current": active_booking_of(case),
        "token": make_token(case_id=case.pk, service_id=service.pk),
        "deadline": token_deadline(),
        "time_limit_minutes": TOKEN_MAX_AGE // 60,
        "days": days,
        "shown": shown,
        "total_times": sum(d.times for d in days),
        "problem": problem,
    }
    if shown is not None:
        context.update(_week_navigation(days, shown))
    return render(request, "appointments/choose.html", context, status=status)


@forms_answer_control_characters
@require_http_methods(["GET", "POST"])
@throttled
def book(request):
    """Step one: the applicant proves the case is theirs; step two follows on success."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = ApplicantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        file_number = form.cleaned_data["file_number"]
        if not proof_allowed(request, file_number):
            return _too_many(request)
        case = case_for_applicant(
            file_number=file_number, birth_date=form.cleaned_data["birth_date"]
        )
        if case is None:
            record_failed_proof(request, file_number)
            _not_found(form)
        else:
            service = service_ready_for(case)
            if service is None:
                return render(request, "appointments/not_ready.html", {"case_state": case.state})
            return _choose(request, case=case, service=service)
    status = 400 if form.is_bound else 200
    context = {"form": form, "time_limit_minutes": TOKEN_MAX_AGE // 60}
    return render(request, "appointments/book.html", context, status=status)


def _expired(request, token: str):
    """Start again: the time to choose ran out (or the token is not ours); nothing was booked.

    A genuine but expired token still tells the file number, so only the birth date is asked.
    """
    initial = {}
    try:
        data = load_token(token, max_age=None)
    except signing.BadSignature:
        data = None
    if data is not None:
        case = Case.objects.filter(pk=data["case"]).only("file_number").first()
        if case is not None:
            initial["file_number"] = case.file_number
    context = {
        "form": ApplicantForm(initial=initial),
        "expired": True,
        "time_limit_minutes": TOKEN_MAX_AGE // 60,
    }
    return render(request, "appointments/book.html", context, status=400)


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@forms_answer_control_characters
@require_http_methods(["POST"])
@throttled
def choose(request):
    """Step two: show another day (``day`` alone) or book the chosen time (``book``).

    The booking takes any counter free at the chosen time. Losing the race for it shows the
    remaining times of the day with a message (409), never an error page.
    """
    if getattr(request, "limited", False):
        return _too_many(request)
    token = request.POST.get("token", "")
    try:
        data = load_token(token)
    except signing.BadSignature:
        return _expired(request, token)
    case = Case.objects.filter(pk=data["case"]).first()
    service = Service.objects.filter(pk=data["service"]).first()
    if case is None or service is None:
        return _expired(request, "")
    day = _parse_day(request.POST.get("day"))
    if "book" not in request.POST:
        return _choose(request, case=case, service=service, day=day)
    times = free_times_on(service=service, day=day) if day else []
    form = SlotForm(request.POST, times=times)
    if not form.is_valid():
        return _choose(request, case=case, service=service, day=day, form=form, status=400)
    try:
        result = book_slot(
            case=case, start=form.cleaned_data["time"], email=form.cleaned_data["email"]
        )
    except BookingError as exc:
        if exc.code == "not_ready":
            return render(request, "appointments/not_ready.html", {"case_state": case.state})
        # Someone else was faster: the remaining times again, with what the applicant typed.
        return _choose(
            request,
            case=case,
            service=service,
            day=day,
            email=form.cleaned_data["email"],
            status=409,
            problem=exc.message,
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


@require_http_methods(["GET"])
def calendar(request, reference, key):
    """The booking's calendar file, for whoever holds the cancellation link."""
    booking = booking_for_cancel_link(reference=reference, key=key)
    if booking is None or booking.status != BookingStatus.BOOKED:
        raise Http404
    response = HttpResponse(
        booking_calendar(booking, cancel_key=key), content_type=CALENDAR_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(booking)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@forms_answer_control_characters
@require_http_methods(["GET", "POST"])
@throttled
def waiting_list(request):
    """Join the waiting list: freed slots go to whose title runs out first."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = WaitingListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        file_number = form.cleaned_data["file_number"]
        if not proof_allowed(request, file_number):
            return _too_many(request)
        case = case_for_applicant(
            file_number=file_number, birth_date=form.cleaned_data["birth_date"]
        )
        if case is None:
            record_failed_proof(request, file_number)
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
