from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """What the appointment is for; decides when a case is ready to book it."""

    BIOMETRICS = "biometrics", _("Biometrics and photo")
    HAND_OVER = "hand_over", _("Hand-over of the card")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not appear")


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ASSIGNED = "assigned", _("Slot assigned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


#: The office's clock: release times and opening hours are wall-clock times here.
OFFICE_TIME_ZONE = "Europe/Berlin"
