"""Appointments in the Wagtail admin for Service Point staff and caseworkers: the day view as a
ViewSet, the appointment catalogues as snippets, the case file's appointments panel."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.backoffice import BackOfficeViewSet

from . import admin_views
from .constants import BookingStatus, WaitingStatus
from .models import Booking, Counter, ReleaseRule, Service, WaitingListEntry
from .selectors import can_manage_appointments


class AppointmentsViewSet(BackOfficeViewSet):
    """The counters' day and attendance under ``/admin/appointments/`` (URL names
    ``appointments_admin:…``); the menu item for Service Point staff, caseworkers and office
    admins (the policy's ``is_staff``)."""

    name = "appointments_admin"
    url_prefix = "appointments"
    icon = "date"
    menu_label = _("Appointments")
    menu_name = "appointments"
    menu_order = 310

    def is_shown(self, request) -> bool:
        return can_manage_appointments(request.user)

    def get_urlpatterns(self):
        return [
            path("", admin_views.day_view, name="day"),
            path("<int:pk>/attendance/", admin_views.attendance_view, name="attendance"),
        ]


@hooks.register("register_admin_viewset")
def register_appointments_viewset():
    return AppointmentsViewSet()


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "tasks"
    menu_label = _("Appointment services")
    list_display = ["name", "kind", "duration_minutes", "active"]
    add_to_admin_menu = False


class CounterViewSet(SnippetViewSet):
    model = Counter
    icon = "home"
    list_display = ["name", "code", "location", "active"]
    add_to_admin_menu = False


class ReleaseRuleViewSet(SnippetViewSet):
    model = ReleaseRule
    icon = "time"
    list_display = ["counter", "service", "release_weekday", "release_time", "weeks_ahead"]
    add_to_admin_menu = False


register_snippet(ServiceViewSet)
register_snippet(CounterViewSet)
register_snippet(ReleaseRuleViewSet)


class CaseAppointmentsPanel(Component):
    """The case file's appointments: the live one first, then every earlier booking."""

    name = "appointments"
    title = _("Appointments")
    order = 50
    template_name = "appointments/admin/case_file_panel.html"

    def __init__(self, case, user) -> None:
        self.case = case
        self.user = user

    def get_context_data(self, parent_context=None):
        bookings = list(
            Booking.objects.filter(case=self.case)
            .select_related("slot__counter", "slot__service", "marked_by")
            .order_by("-slot__start", "-id")
        )
        active = next((b for b in bookings if b.status == BookingStatus.BOOKED), None)
        waiting = (
            None
            if active
            else WaitingListEntry.objects.filter(case=self.case, status=WaitingStatus.WAITING)
            .select_related("service")
            .first()
        )
        day_url = None
        if active is not None and can_manage_appointments(self.user):
            day = timezone.localtime(active.slot.start).date()
            day_url = f"{reverse('appointments_admin:day')}?day={day.isoformat()}"
        return {
            "active": active,
            "history": [b for b in bookings if b is not active],
            "no_shows": sum(b.status == BookingStatus.NO_SHOW for b in bookings),
            "waiting": waiting,
            "day_url": day_url,
        }


@hooks.register("casework_case_file_panels")
def case_appointments_panel(request, case):
    return CaseAppointmentsPanel(case, request.user)
