"""The search page's form: what users know (names of case types, departments, countries), sent
as the codes the search filters take."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.constants import CaseState
from casework.models import CaseType, Department
from casework.policy import CaseScope as Scope

from .backends.results import SORTS


class DateInput(forms.DateInput):
    input_type = "date"


def _departments(scope: Scope | None):
    """The departments whose cases the user may find (the search scope: every department
    for office management and the Service Point, else the user's own)."""
    departments = Department.objects.filter(handles_cases=True)
    if scope is None or scope.everything or scope.states:
        return departments
    return departments.filter(pk__in=scope.department_ids)


def case_type_choices(scope: Scope | None = None) -> list[tuple[str, str]]:
    """The case types of those departments by code, labelled as caseworkers know them:
    "§ 24 AufenthG – …"."""
    choices = []
    types = CaseType.objects.filter(department__in=_departments(scope))
    for code, basis, name, active in types.values_list("code", "legal_basis", "name", "active"):
        label = f"{basis} – {name}"
        choices.append(
            (code, label if active else _("%(label)s (no longer in use)") % {"label": label})
        )
    return [("", _("any case type")), *choices]


def department_choices(scope: Scope | None = None) -> list[tuple[str, str]]:
    return [("", _("any department")), *_departments(scope).values_list("code", "name")]


def nationality_choices() -> list[tuple[str, str]]:
    """Countries by their ISO 3166 alpha-3 code (as the passport and the index have it)."""
    named = sorted(((countries.alpha3(code), name) for code, name in countries), key=lambda c: c[1])
    return [("", _("any nationality")), *((code, name) for code, name in named if code)]


class CaseSearchForm(forms.Form):
    """The search box and its filters, all visible; the filters narrow by AND."""

    q = forms.CharField(
        label=_("Name in any spelling, file number (also “262”), passport number, date of "
                "birth or words from notes"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )  # fmt: skip
    file_number = forms.CharField(
        label=_("File number"),
        required=False,
        max_length=40,
        help_text=_("Whole or in part, e.g. “262”."),
    )
    passport_number = forms.CharField(label=_("Passport number"), required=False, max_length=40)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("any state")), *CaseState.choices]
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput)
    text = forms.CharField(label=_("Words in notes and comments"), required=False, max_length=500)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))

    #: The filters (everything but the search box and the order).
    FILTERS = (
        "file_number",
        "passport_number",
        "birth_date",
        "nationality",
        "case_type",
        "state",
        "department",
        "received_from",
        "received_to",
        "text",
    )

    def __init__(self, *args, scope: Scope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = case_type_choices(scope)
        self.fields["department"].choices = department_choices(scope)
        self.fields["nationality"].choices = nationality_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filter_data(self) -> dict[str, str]:
        """The filters as the search takes them (strings; dates in ISO form)."""
        data = self.cleaned_data
        return {
            name: data[name].isoformat() if hasattr(data.get(name), "isoformat") else
            (data.get(name) or "")
            for name in self.FILTERS
        }  # fmt: skip

    def filled(self) -> bool:
        return bool(self.cleaned_data.get("q", "").strip()) or any(self.filter_data().values())
