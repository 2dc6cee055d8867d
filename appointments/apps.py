from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from casework.services import case_changed

        from . import receivers

        case_changed.connect(
            receivers.release_bookings_of_ended_case,
            dispatch_uid="appointments_release_bookings_of_ended_case",
        )
        for model in ("Booking", "Slot", "Counter", "Service"):
            sender = self.get_model(model)
            for signal in (post_save, post_delete):
                signal.connect(
                    receivers.slots_may_have_changed,
                    sender=sender,
                    dispatch_uid=f"appointments_availability_{model}_{signal is post_save}",
                )
