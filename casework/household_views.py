"""The case file's panel "Children in the household" (§ 25b (1) AufenthG: four years of
toleration instead of six with a minor unmarried child): the children recorded and those filed
together with the person's cases; forms to record a child and to remove one who moved out.

Reading follows the register's rule (whoever reads the person's residence records on this
case file); recording and removing ask :meth:`~casework.policy.UserCasePolicy.
may_record_household`. The writes are :mod:`casework.services`' (history on each of the
person's cases).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DateInput
from .policy import policy_for
from .target_groups import MINOR_AGE
from .views import _back_to_case, _form_errors, _visible_case, casework_view, service_errors

__all__ = ["HouseholdChildForm", "household_panel"]

ANCHOR = "#panel-household"


class HouseholdChildForm(forms.Form):
    """A child of the register (one filed with the person's cases) or a new one."""

    child = forms.TypedChoiceField(
        label=gettext_lazy("Child filed with a case"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    family_name = forms.CharField(label=gettext_lazy("Family name"), required=False, max_length=200)
    given_names = forms.CharField(label=gettext_lazy("Given names"), required=False, max_length=200)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"), required=False, widget=DateInput
    )
    nationality = forms.CharField(
        label=gettext_lazy("Nationality"),
        required=False,
        max_length=3,
        help_text=gettext_lazy("Three letters (ISO 3166), e.g. SYR."),
    )
    married = forms.BooleanField(label=gettext_lazy("The child is married"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {member.child.pk: member.child for member in candidates}
        self.fields["child"].choices = [
            ("", _("– a new child, entered below –")),
            *(
                (pk, f"{child} ({child.birth_date:%d.%m.%Y})")
                for pk, child in self.candidates.items()
            ),
        ]
        if not self.candidates:
            del self.fields["child"]

    def clean(self):
        data = super().clean()
        if data.get("child"):
            return data
        missing = {
            "family_name": _("Enter the child's family name."),
            "birth_date": _("Enter the date of birth."),
            "nationality": _("Enter the nationality as three letters (ISO 3166), e.g. SYR."),
        }
        for name, message in missing.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        if data.get("child"):
            return {"child": self.candidates[data["child"]], "married": data["married"]}
        return {
            "new_child": {name: data[name] for name in services.NEW_CHILD_FIELDS},
            "married": data["married"],
        }


def _candidates(members) -> list:
    """Children filed with the person's cases who are not recorded yet: picked in the form."""
    return [member for member in members if member.row is None]


def household_panel(request, case):
    """The panel, for whoever reads the person's register on this case file."""
    policy = policy_for(request.user)
    if not policy.may_view_register_of(case.person, case=case):
        return None
    # Read with the case file (selectors.get_visible_case): most persons have no children
    # recorded, and their case file pays no query for the panel.
    members = selectors.household(case.person) if getattr(case, "has_household", True) else []
    may_change = policy.may_record_household(case)
    today = timezone.localdate()
    rows = [
        {
            "member": member,
            "age": member.age_on(today),
            "minor": member.age_on(today) < MINOR_AGE,
        }
        for member in members
    ]
    return {
        "name": "household",
        "title": _("Children in the household"),
        "order": 6,
        "full_file_only": True,
        "template": "casework/panels/household_children.html",
        "context": {
            "rows": rows,
            "may_change": may_change,
            "form": HouseholdChildForm(candidates=_candidates(members), prefix="household")
            if may_change
            else None,
        },
    }


def _may_change(request, case) -> None:
    if not policy_for(request.user).may_record_household(case):
        raise PermissionDenied


@casework_view
@require_POST
def add_household_child_view(request, file_number: str):
    case = _visible_case(request, file_number)
    _may_change(request, case)
    members = selectors.household(case.person)
    form = HouseholdChildForm(request.POST, candidates=_candidates(members), prefix="household")
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_case(request, case, ANCHOR)
    with service_errors(request, refused="%(reasons)s") as outcome:
        row, known = services.add_household_child(
            case=case, user=request.user, **form.service_arguments()
        )
    if outcome.ok:
        if "new_child" in form.service_arguments() and known:
            text = _(
                "The register knows %(child)s already (same date of birth and name): this "
                "person is now recorded as a child in the household."
            )
        else:
            text = _("%(child)s is now recorded as a child in the household.")
        messages.success(request, text % {"child": row.child})
    return _back_to_case(request, case, ANCHOR)


@casework_view
@require_POST
def remove_household_child_view(request, file_number: str, child_id: int):
    case = _visible_case(request, file_number)
    _may_change(request, case)
    with service_errors(request, refused="%(reasons)s") as outcome:
        child = services.remove_household_child(case=case, user=request.user, child_id=child_id)
    if outcome.ok:
        messages.success(
            request,
            _("%(child)s is no longer recorded in the household (moved out).") % {"child": child},
        )
    return _back_to_case(request, case, ANCHOR)
