import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.api_common import DATE_MAX, DATE_MIN
from casework.models import CaseType

from .models import ContinuationOrdinance
from .selectors import Period

#: Temporary protection for people from Ukraine began on 4 March 2022 (EU decision);
#: § 104c AufenthG entered into force on 31 December 2022.
UKRAINE_SINCE = dt.date(2022, 2, 24)
CHANCEN_SINCE = dt.date(2022, 12, 31)


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
    )


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2199: anything beyond is a typing error, not a period (and
    would overflow the date arithmetic of the figures)."""

    default_validators = [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]
    widget = forms.DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _date_input())
        super().__init__(**kwargs)


class StatisticsFilterForm(forms.Form):
    start = BoundedDateField(label=_("From"), required=False)
    end = BoundedDateField(label=_("Until"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("Whole office")
    )
    ukraine_since = BoundedDateField(label=_("Ukraine: titles since"), required=False)
    chancen_since = BoundedDateField(label=_("§ 104c: applications since"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean(self):
        data = super().clean()
        default = Period.default()
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        data["period"] = Period(start=start, end=end)
        data["ukraine_since"] = data.get("ukraine_since") or UKRAINE_SINCE
        data["chancen_since"] = data.get("chancen_since") or CHANCEN_SINCE
        return data

    def values(self) -> dict:
        """The filter in force (defaults when the form is unbound or invalid)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {
            "period": Period.default(),
            "department": None,
            "ukraine_since": UKRAINE_SINCE,
            "chancen_since": CHANCEN_SINCE,
        }


class OrdinanceForm(forms.ModelForm):
    class Meta:
        model = ContinuationOrdinance
        fields = ["case_type", "cut_off_on", "valid_until", "reference"]
        field_classes = {"cut_off_on": BoundedDateField, "valid_until": BoundedDateField}
        widgets = {
            "cut_off_on": _date_input(),
            "valid_until": _date_input(),
            "reference": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = CaseType.objects.order_by("legal_basis", "name")

    def clean(self):
        data = super().clean()
        cut_off, until = data.get("cut_off_on"), data.get("valid_until")
        if cut_off and until and until <= cut_off:
            self.add_error(
                "valid_until", _("The new validity date must be after the cut-off date.")
            )
        if until and until <= timezone.localdate():
            self.add_error("valid_until", _("The new validity date must lie in the future."))
        return data
