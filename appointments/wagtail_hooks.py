"""Appointments in the Wagtail admin for Service Point staff and caseworkers."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import Counter, ReleaseRule, Service
from .selectors import can_manage_appointments

urlpatterns = [
    path("", admin_views.day_view, name="day"),
    path("<int:pk>/attendance/", admin_views.attendance_view, name="attendance"),
]


@hooks.register("register_admin_urls")
def register_appointment_urls():
    return [
        path(
            "appointments/",
            include((urlpatterns, "appointments_admin"), namespace="appointments_admin"),
        )
    ]


class AppointmentsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_appointments(request.user)


@hooks.register("register_admin_menu_item")
def register_appointments_menu_item():
    return AppointmentsMenuItem(
        _("Appointments"),
        reverse("appointments_admin:day"),
        name="appointments",
        icon_name="date",
        order=310,
    )


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
