import datetime as dt

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from .models import Slot

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
SIGNING_SALT = "appointments.booking"
#: A verified lookup stays valid this long while the applicant picks a time.
TOKEN_MAX_AGE = 30 * 60


class ApplicantForm(forms.Form):
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
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
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


class SlotForm(forms.Form):
    """Step two: the signed result of step one plus the chosen time."""

    token = forms.CharField(widget=forms.HiddenInput)
    slot = forms.ModelChoiceField(
        label=_("Appointment"),
        queryset=Slot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("This time is no longer available. Please choose another one."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("We send the confirmation and the cancellation link there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots if slots is not None else Slot.objects.none()
        self.fields["slot"].label_from_instance = _slot_label

    def clean_token(self):
        try:
            return load_token(self.cleaned_data["token"])
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("Your session has expired. Please enter your file number again."),
                code="expired",
            ) from exc


def _slot_label(slot: Slot) -> str:
    """Time and counter; the day is the legend of the group the slot is shown in."""
    return f"{time_format(timezone.localtime(slot.start), 'TIME_FORMAT')} – {slot.counter.name}"


#: How many free times the page lists; the earliest come first.
SHOWN_SLOTS = 60


def slot_days(bound_field) -> list[tuple[dt.date, list]]:
    """The first free times of a slot field, grouped by office-local day."""
    days: dict[dt.date, list] = {}
    for radio in list(bound_field)[:SHOWN_SLOTS]:
        day = timezone.localdate(radio.data["value"].instance.start)
        days.setdefault(day, []).append(radio)
    return list(days.items())


def make_token(*, case_id: int, service_id: int) -> str:
    return signing.dumps({"case": case_id, "service": service_id}, salt=SIGNING_SALT)


def load_token(token: str) -> dict:
    data = signing.loads(token, salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE)
    if not isinstance(data, dict) or "case" not in data:
        raise signing.BadSignature("malformed")
    return data
