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


class Conformance(models.TextChoices):
    """How far the website meets BITV 2.0 / WCAG 2.1 AA, as the accessibility statement says."""

    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class EvaluationMethod(models.TextChoices):
    SELF = "self", _("self-evaluation")
    THIRD_PARTY = "third_party", _("evaluation by a third party")


#: Languages an editor can mark a passage of rich text with, and the documents of a downloads
#: page can be in (ISO 639-1 codes, the site's languages).
CONTENT_LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
