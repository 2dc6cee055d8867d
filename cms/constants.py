from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.TextChoices):
    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")


class Service(models.TextChoices):
    """Online services of the office that pages and top tasks can link to."""

    APPLICATION = "application", _("Online application")
    STATUS = "status", _("Case status")
    APPOINTMENT = "appointment", _("Appointment booking")


#: URL name of each service, reversed under the language prefix of the page that links to it.
SERVICE_URL_NAMES = {
    Service.APPLICATION: "applications:index",
    Service.STATUS: "applications:status",
    Service.APPOINTMENT: "appointments:book",
}
