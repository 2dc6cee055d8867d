"""Forms of the back office. They validate input; the services decide what is allowed."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AccessRoute, CaseState, PhotoSource
from .models import CaseType, Department
from .worklists import OPEN, WorklistFilters


class DateInput(forms.DateInput):
    input_type = "date"


class WorklistFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    case_type = forms.ModelChoiceField(
        label=_("Case type"), queryset=CaseType.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("anyone")), ("me", _("to me")), ("none", _("to nobody"))],
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].initial = OPEN
        self.fields["state"].choices = [
            (OPEN, _("all open")),
            ("", _("all states")),
            *CaseState.choices,
        ]
        self.fields["case_type"].queryset = CaseType.objects.filter(active=True)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.all()
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def to_filters(self) -> WorklistFilters:
        if not self.is_valid():
            return WorklistFilters()
        data = self.cleaned_data
        return WorklistFilters(
            # A page link without filters ("?p=2") keeps the default: open cases.
            state=data.get("state", "") if "state" in self.data else OPEN,
            case_type=data["case_type"].pk if data.get("case_type") else None,
            department=data["department"].pk if data.get("department") else None,
            assigned=data.get("assigned") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            overdue=bool(data.get("overdue")),
        )


class AccessLogFilterForm(forms.Form):
    """Filters of the office-wide access log (all optional, combined with AND)."""

    user = forms.ModelChoiceField(
        label=_("Who"), queryset=get_user_model().objects.none(), required=False
    )
    file_number = forms.CharField(label=_("File number"), required=False, max_length=40)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    route = forms.ChoiceField(label=_("Opened from"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args, users, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = _user_label
        self.fields["department"].queryset = departments
        self.fields["route"].choices = [("", _("anywhere")), *AccessRoute.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filter(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data.get("user"):
            entries = entries.filter(user=data["user"])
        if data.get("file_number"):
            entries = entries.filter(case__file_number__icontains=data["file_number"].strip())
        if data.get("department"):
            entries = entries.filter(case__department=data["department"])
        if data.get("route"):
            entries = entries.filter(route=data["route"])
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries


def _user_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for?"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=30)

    def __init__(self, *args, **kwargs):
        from .auth import max_token_days

        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = max_token_days()
        self.fields["days"].validators.append(MaxValueValidator(max_token_days()))
        self.fields["days"].widget.attrs["max"] = max_token_days()


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("The comment is empty."))
        return text


class FeePaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid (EUR)"), min_value=0, max_digits=8, decimal_places=2
    )
    reduction_reason = forms.CharField(
        label=_("Reduction (e.g. SGB II / SGB XII notice)"), required=False, max_length=200
    )

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None and amount == 0 and not data.get("reduction_reason"):
            raise forms.ValidationError(_("Enter an amount or the reason for a reduction."))
        return data

    @property
    def amount_cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class BiometricsForm(forms.Form):
    photo_source = forms.ChoiceField(
        label=_("Photo"), choices=[c for c in PhotoSource.choices if c[0]]
    )
    photo_reference = forms.CharField(
        label=_("Photo code reference"), required=False, max_length=200
    )
    fingerprints_exempt = forms.BooleanField(
        label=_("Fingerprints exempt (under 6)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("photo_source") == PhotoSource.QR_CODE and not data.get("photo_reference"):
            self.add_error("photo_reference", _("Enter the reference of the photographer's code."))
        return data


class DocumentForm(forms.Form):
    code = forms.SlugField(widget=forms.HiddenInput)
    received = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _assignable_users(case=None, departments=None):
    from .constants import Role

    users = get_user_model().objects.filter(is_active=True, memberships__role=Role.CASEWORKER)
    if case is not None:
        users = users.filter(memberships__department=case.department)
    elif departments is not None:
        users = users.filter(memberships__department__in=departments)
    return users.distinct().order_by("last_name", "first_name", "username")


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, case=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _assignable_users(case, departments)
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class BulkReassignForm(ReassignForm):
    cases = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, visible_cases, departments=None, **kwargs):
        super().__init__(*args, departments=departments, **kwargs)
        self.fields["cases"].queryset = visible_cases
        self.fields["cases"].error_messages["required"] = _("Select at least one case.")


class ShareForm(forms.Form):
    grantee_user = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.none(), required=False
    )
    grantee_group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(), required=False
    )
    expires_at = forms.DateField(label=_("Until"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee_user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["grantee_group"].queryset = Group.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if bool(data.get("grantee_user")) == bool(data.get("grantee_group")):
            raise forms.ValidationError(_("Choose either a person or a group."))
        expires = data.get("expires_at")
        if expires and expires <= timezone.localdate():
            self.add_error("expires_at", _("The date must be in the future."))
        return data


def read_case_file_choices(case, reassign_form: ReassignForm, share_form: ShareForm) -> None:
    """The supervisor's two forms on a case file list the department's caseworkers, every
    active account and every group: read in one query instead of three, in the order and
    with the labels the forms' querysets would give (the database orders, as it would
    there). The querysets stay: they validate what is posted."""
    user_model = get_user_model()
    integer, text, boolean = IntegerField(), CharField(), BooleanField()

    def order(*fields):
        return Window(RowNumber(), order_by=[F(field).asc() for field in fields])

    users = (
        user_model.objects.filter(is_active=True)
        .order_by()
        .annotate(
            kind=Value(0, integer),
            label=F("username"),
            first=F("first_name"),
            last=F("last_name"),
            assignable=Exists(_assignable_users(case).filter(pk=OuterRef("pk"))),
            by_name=order("last_name", "first_name", "username"),
            by_label=order("username"),
        )
        .values_list("kind", "pk", "label", "first", "last", "assignable", "by_name", "by_label")
    )
    groups = (
        Group.objects.order_by()
        .annotate(
            kind=Value(1, integer),
            label=F("name"),
            first=Value("", text),
            last=Value("", text),
            assignable=Value(False, boolean),
            by_name=order("name"),
            by_label=order("name"),
        )
        .values_list("kind", "pk", "label", "first", "last", "assignable", "by_name", "by_label")
    )
    rows = list(users.union(groups, all=True))
    assignees = sorted((r for r in rows if r[0] == 0 and r[5]), key=lambda r: r[6])
    accounts = sorted((r for r in rows if r[0] == 0), key=lambda r: r[7])
    teams = sorted((r for r in rows if r[0] == 1), key=lambda r: r[7])

    def fill(field, choices):
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        field.choices = empty + choices

    fill(
        reassign_form.fields["assignee"],
        [(pk, f"{first} {last}".strip() or label) for _k, pk, label, first, last, *_r in assignees],
    )
    fill(share_form.fields["grantee_user"], [(r[1], r[2]) for r in accounts])
    fill(share_form.fields["grantee_group"], [(r[1], r[2]) for r in teams])


# --- transitions -------------------------------------------------------------------------


def _input_field(spec, obj=None) -> forms.Field:
    """A form field for a workflow :class:`~workflows.engine.Input` (by its ``kind`` hint);
    required as the workflow says for this case (``obj``)."""
    label, required = spec.title, spec.is_required(obj)
    if spec.kind == "textarea":
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": 3})
        )
    if spec.kind == "date":
        return forms.DateField(label=label, required=required, widget=DateInput)
    if spec.kind == "bool":
        # An unticked box is a valid answer; the workflow's guards say when it must be ticked.
        return forms.BooleanField(label=label, required=False)
    if spec.kind == "multiple":
        return forms.MultipleChoiceField(
            label=label, required=required, widget=forms.CheckboxSelectMultiple
        )
    if spec.kind == "choice":
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *spec.choices])
    return forms.CharField(label=label, required=required, max_length=500)


class TransitionForm(forms.Form):
    """A transition's inputs, built from what the workflow declares for it.

    ``state`` carries the state the page showed: a second POST of the same button (double
    click, stale tab) no longer matches and changes nothing.
    """

    state = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, inputs=(), needs_comment=False, document_choices=(), obj=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.inputs = tuple(inputs)
        for spec in self.inputs:
            if obj is not None and callable(spec.required) and not spec.is_required(obj):
                # A conditional input this case does not need (e.g. no validity date for a
                # permanent title, or one that is recorded already) is not asked.
                continue
            self.fields[spec.name] = field = _input_field(spec, obj)
            if spec.kind == "multiple" and not spec.choices:
                # The only list input so far: which checklist items are missing.
                field.choices = list(document_choices)
            elif spec.kind == "multiple":
                field.choices = list(spec.choices)
        if needs_comment:
            self.fields["note"].required = True
            self.fields["note"].label = _("Comment (required)")

    def data_for_service(self) -> dict:
        return {spec.name: self.cleaned_data.get(spec.name) for spec in self.inputs}


class HearingAnswerForm(forms.Form):
    """The applicant's answer to a hearing, as it arrived at the office."""

    via = forms.ChoiceField(label=_("Received by"))
    answer = forms.CharField(
        label=_("What the applicant says"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Summarise or copy the answer; leave it empty only if they declined."),
    )

    def __init__(self, *args, **kwargs):
        from .constants import HearingAnswerVia

        super().__init__(*args, **kwargs)
        self.fields["via"].choices = [
            c for c in HearingAnswerVia.choices if c[0] != HearingAnswerVia.STATUS_PAGE
        ]
