import datetime as dt

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from config.forms import PublicForm

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
SIGNING_SALT = "appointments.booking"
#: A verified lookup stays valid this long while the applicant picks a time; every page of
#: the picker starts it anew. The page says until when.
TOKEN_MAX_AGE = 30 * 60


class ApplicantForm(PublicForm):
    """File number and date of birth: what proves an appointment is the applicant's."""

    file_number = forms.CharField(
        label=_("File number"),
        max_length=32,
        help_text=_("As printed on your confirmation, e.g. ABH-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("Day, month and year, e.g. 31.01.1990."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date, e.g. 31.01.1990.")},
    )

    def clean_file_number(self):
        return self.cleaned_data["file_number"].strip().upper()

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate() or value < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Enter your real date of birth."))
        return value


class WaitingListForm(ApplicantForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We write to you here as soon as we can give you an appointment."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def time_value(start: dt.datetime) -> str:
    """A free time as a form value: the instant in UTC, e.g. ``20260512T060000Z``."""
    return start.astimezone(dt.UTC).strftime(TIME_VALUE_FORMAT)


def parse_time_value(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, TIME_VALUE_FORMAT).replace(tzinfo=dt.UTC)


TIME_VALUE_FORMAT = "%Y%m%dT%H%M%SZ"


class SlotForm(PublicForm):
    """Step two: a time of the day shown, and where to send the confirmation.

    Applicants choose a time, not a counter: the booking takes any counter free at that time.
    """

    day = forms.DateField(widget=forms.HiddenInput)
    time = forms.TypedChoiceField(
        label=_("Time"),
        choices=(),
        coerce=parse_time_value,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("This time is no longer available. Please choose another one."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("We send the confirmation, a calendar entry and the cancellation link there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, times=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.times = list(times)
        self.fields["time"].choices = [(time_value(start), _time_label(start)) for start in times]


def _time_label(start: dt.datetime) -> str:
    """The time alone; the day is the heading of the list it is shown in."""
    return time_format(timezone.localtime(start), "TIME_FORMAT")


def make_token(*, case_id: int, service_id: int) -> str:
    return signing.dumps({"case": case_id, "service": service_id}, salt=SIGNING_SALT)


def load_token(token: str, *, max_age: int | None = TOKEN_MAX_AGE) -> dict:
    """The signed lookup; raises ``SignatureExpired`` (a ``BadSignature``) after ``max_age``.

    ``max_age=None`` reads an expired but genuine token, e.g. to prefill the file number.
    """
    data = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)
    if not isinstance(data, dict) or "case" not in data or "service" not in data:
        raise signing.BadSignature("malformed")
    return data


def token_deadline(now: dt.datetime | None = None) -> dt.datetime:
    """Until when a token made now is accepted."""
    return (now or timezone.now()) + dt.timedelta(seconds=TOKEN_MAX_AGE)
