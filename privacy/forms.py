import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ArchiveDecision, ReportFormat
from .report import REPORT_LANGUAGES

#: A kept file is looked at again after this long unless the reviewer says otherwise.
DEFAULT_KEEP_DAYS = 365


def _default_keep_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=DEFAULT_KEEP_DAYS)


class KeepForm(forms.Form):
    keep_reason = forms.CharField(
        label=_("Reason to keep"),
        max_length=200,
        help_text=_("E.g. a lawsuit is pending, or the person asked to restrict the deletion."),
    )
    keep_until = forms.DateField(
        label=_("Keep until"),
        initial=_default_keep_until,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ArchiveForm(forms.Form):
    archive = forms.ChoiceField(
        label=_("The archive's answer"),
        choices=[
            (ArchiveDecision.DECLINED.value, ArchiveDecision.DECLINED.label),
            (ArchiveDecision.TAKEN_OVER.value, ArchiveDecision.TAKEN_OVER.label),
        ],
    )
    archive_note = forms.CharField(
        label=_("Reference of the answer"),
        max_length=200,
        help_text=_("E.g. the archive's letter of 12.03.2026, ref. 4711."),
    )


class ReleaseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked the list. The files of these persons are deleted for good, "
            "including their uploads, letters and search entries."
        ),
        required=True,
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, file number or passport number"),
        max_length=200,
        required=False,
    )


LANGUAGE_LABELS = {"de": _("German"), "en": _("English"), "uk": _("Ukrainian"), "ru": _("Russian")}


class ReportForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in REPORT_LANGUAGES],
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=ReportFormat.choices, widget=forms.RadioSelect
    )
