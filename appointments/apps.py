from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.services import case_changed

        from . import receivers

        case_changed.connect(
            receivers.release_bookings_of_ended_case,
            dispatch_uid="appointments_release_bookings_of_ended_case",
        )
