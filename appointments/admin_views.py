"""Staff views in the Wagtail admin: the day's appointments per counter, attendance."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Booking, Counter
from .selectors import appointments_for_staff, can_manage_appointments, counters_for_staff
from .services import BookingError, mark_attendance


def _require_staff(user) -> None:
    if not can_manage_appointments(user):
        raise PermissionDenied


def day_view(request):
    """The day's appointments, grouped by counter; only cases the user may see."""
    _require_staff(request.user)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    counters = counters_for_staff()
    raw_counter = request.GET.get("counter", "")
    counter = counters.filter(pk=raw_counter).first() if raw_counter.isdigit() else None
    bookings = list(appointments_for_staff(request.user, day=day, counter=counter))
    groups: dict[Counter, list[Booking]] = {}
    for booking in bookings:
        groups.setdefault(booking.slot.counter, []).append(booking)
    context = {
        "page_title": _("Appointments"),
        "header_title": _("Appointments"),
        "header_icon": "date",
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "counters": counters,
        "counter": counter,
        "groups": groups,
        "can_mark": day <= timezone.localdate(),
    }
    return TemplateResponse(request, "appointments/admin/day.html", context)


@require_POST
def attendance_view(request, pk: int):
    _require_staff(request.user)
    booking = get_object_or_404(Booking.objects.select_related("slot"), pk=pk)
    outcome = request.POST.get("outcome")
    if outcome not in {"attended", "no_show"}:
        messages.error(request, _("Choose attended or did not appear."))
    else:
        try:
            mark_attendance(booking=booking, user=request.user, attended=outcome == "attended")
        except BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attendance recorded."))
    fallback = (
        reverse("appointments_admin:day")
        + f"?day={timezone.localdate(booking.slot.start).isoformat()}"
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target or fallback)
