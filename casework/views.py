"""The back office: worklists and the case file, as Wagtail admin views.

Every view that takes a file number loads the case through
:func:`casework.selectors.get_visible_case`, so a case of another department answers 404 and
nothing is changed. Writes go through :mod:`casework.services`, which check the permission.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from workflows.diagram import to_svg

from . import selectors, services
from .auth import issue_token, revoke_token
from .constants import CaseState, HandOverRecord
from .exceptions import ConcurrentChange, TransitionNotAllowed
from .forms import (
    AccessLogFilterForm,
    ApiTokenForm,
    BiometricsForm,
    BulkReassignForm,
    CommentForm,
    DocumentForm,
    FeePaymentForm,
    ReassignForm,
    ShareForm,
    TransitionForm,
    WorklistFilterForm,
    read_case_file_choices,
)
from .models import ApiToken
from .policy import policy_for
from .workflow import CASE_WORKFLOWS, hand_over_record
from .worklists import worklist

PAGE_SIZE = 50


def euros(cents: int) -> str:
    return f"{number_format(cents / 100, decimal_pos=2, use_l10n=True)} €"


def can_use_casework(user) -> bool:
    """Only members of a department (and office admins) see anything of the case files
    (the policy's answer, the one the API asks too; read once per request)."""
    return policy_for(user).may_use_back_office()


def casework_view(view):
    """Answer ``PermissionDenied`` with a plain 403 page.

    Wagtail's admin would turn it into a redirect to the dashboard; a 403 says clearly that the
    case files are not for this account, and changes nothing.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(
                request,
                "casework/forbidden.html",
                {"page_title": _("No access"), "header_icon": "warning"},
                status=403,
            )

    return wrapper


def _require_casework_user(request) -> None:
    if not can_use_casework(request.user):
        raise PermissionDenied


def _visible_case(request, file_number: str):
    _require_casework_user(request)
    return selectors.get_visible_case(request.user, file_number=file_number)


def _case_url(case) -> str:
    return reverse("casework:case", args=[case.file_number])


def _still_visible(user, case) -> bool:
    """Whether the case file would open for the user now (as the database has it)."""
    return selectors.cases_visible_to(user).filter(pk=case.pk).exists()


def _back_to_case(request, case, anchor: str = ""):
    """Back to the case file, or to the worklist when the user may no longer see the case
    (someone else moved it out of their sight meanwhile)."""
    if _still_visible(request.user, case):
        return redirect(_case_url(case) + anchor)
    messages.info(
        request,
        _("%(file_number)s is no longer in your worklists.") % {"file_number": case.file_number},
    )
    return redirect("casework:worklist")


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _validation_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class ServiceOutcome:
    """What :func:`service_errors` saw: ``ok`` unless the service refused."""

    ok = True


@contextmanager
def service_errors(request, *, refused: str):
    """The error handling of the back office's POST views around a service call: a
    ``TransitionNotAllowed`` becomes one message, ``refused`` with the reasons
    (``%(reasons)s``, joined by "; "), each message of a ``ValidationError`` its own
    message; neither goes further. ``with service_errors(…) as outcome:`` … ``if outcome.ok:``.
    """
    outcome = ServiceOutcome()
    try:
        yield outcome
    except TransitionNotAllowed as exc:
        outcome.ok = False
        messages.error(request, refused % {"reasons": "; ".join(exc.reasons)})
    except ValidationError as exc:
        outcome.ok = False
        _validation_messages(request, exc)


def _user_departments(user):
    """Departments to filter by: the user's own; all for office admins and the Service Point
    (which serves every department's cases at its steps)."""
    return policy_for(user).worklist_departments()


# --- worklists -----------------------------------------------------------------------------

WORKLIST_TITLES = {
    "mine": gettext_lazy("My cases"),
    "department": gettext_lazy("Department worklist"),
    "overdue": gettext_lazy("Overdue"),
}


@casework_view
@require_GET
def worklist_view(request, scope: str = "department"):
    _require_casework_user(request)
    user = request.user
    data = request.GET.copy()
    if scope == "overdue":
        data["overdue"] = "on"
    form = WorklistFilterForm(data or None, departments=_user_departments(user))
    if form.is_bound and not form.is_valid():
        _form_errors(request, form)
    filters = form.to_filters()
    cases = worklist(user, filters=filters, mine=scope == "mine")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("p"))
    by_state = _state_counts(request, user, filters, mine=scope == "mine")
    supervised = selectors.supervised_departments(user)
    can_bulk_reassign = supervised.exists()
    return render(
        request,
        "casework/worklist.html",
        {
            "page_title": str(WORKLIST_TITLES.get(scope, WORKLIST_TITLES["department"])),
            "header_icon": "folder-open-1",
            "scope": scope,
            "form": form,
            "page_obj": page,
            "items": page,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "can_bulk_reassign": can_bulk_reassign,
            "reassign_form": ReassignForm(departments=supervised) if can_bulk_reassign else None,
            "states": CaseState,
            "by_state": by_state,
        },
    )


def _state_counts(request, user, filters, *, mine: bool) -> list[dict]:
    """Cases per state under the other filters (one ``GROUP BY`` query), as filter links."""
    counts = dict(
        worklist(user, filters=replace(filters, state=""), mine=mine)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    )
    links = []
    for value, label in CaseState.choices:
        query = request.GET.copy()
        query["state"] = value
        query.pop("p", None)
        links.append(
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "url": "?" + query.urlencode(),
                "active": filters.state == value,
            }
        )
    return links


@casework_view
@require_POST
def bulk_reassign(request):
    """A supervisor hands a batch of cases to one caseworker (each case is checked)."""
    _require_casework_user(request)
    supervised = selectors.supervised_departments(request.user)
    if not supervised.exists():
        raise PermissionDenied
    form = BulkReassignForm(
        request.POST,
        visible_cases=selectors.cases_visible_to(request.user),
        departments=supervised,
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_safe_next(request) or reverse("casework:worklist"))
    done, refused = 0, []
    for case in form.cleaned_data["cases"]:
        try:
            services.reassign(case=case, user=request.user, assignee=form.cleaned_data["assignee"])
            done += 1
        except (PermissionDenied, ValidationError):
            refused.append(case.file_number)
    if done:
        messages.success(request, _("%(count)d case(s) reassigned.") % {"count": done})
    if refused:
        messages.error(
            request,
            _("Not reassigned (not permitted): %(cases)s") % {"cases": ", ".join(refused)},
        )
    return redirect(_safe_next(request) or reverse("casework:worklist"))


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- the case file -------------------------------------------------------------------------


def _history_rows(case) -> list:
    """History rows (each names its step and its actor, see ``CaseHistory``), each with the
    case at hand, so that steps and states carry the titles of the case's own workflow."""
    rows = list(selectors.case_history(case=case))
    for row in rows:
        row.case = case  # no query: the case is read already
    return rows


#: Other apps add sections to the case file through this Wagtail hook, so casework imports
#: none of them. ``fn(request, case)`` is called once the user may see the case and returns
#: ``None``, a panel or a list of panels. A panel is a Wagtail ``Component`` with ``name`` and
#: ``title`` attributes, or a dict with ``name``, ``title`` and ``html`` (or ``template`` and
#: ``context``); optional ``order`` (default 100) and ``full_file_only`` (hidden from the
#: Service Point, like the document checklist).
CASE_FILE_PANELS_HOOK = "casework_case_file_panels"


@dataclass(frozen=True)
class CaseFilePanel:
    name: str
    title: str
    html: str
    order: int = 100


def _panel_attr(item, key: str, default=None):
    return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)


def _case_file_panels(request, case, *, full: bool) -> list[CaseFilePanel]:
    """The panels the installed apps contribute, rendered, in their order."""
    parent_context = {"request": request, "case": case}
    panels = []
    for fn in hooks.get_hooks(CASE_FILE_PANELS_HOOK):
        result = fn(request, case)
        items = result if isinstance(result, list | tuple) else [result]
        for item in items:
            if item is None or (_panel_attr(item, "full_file_only", False) and not full):
                continue
            if isinstance(item, dict) and "html" in item:
                # A plain string is escaped: pass ``format_html`` or ``render_to_string`` output.
                html = conditional_escape(item["html"])
            elif isinstance(item, dict):
                context = {**parent_context, **item.get("context", {})}
                html = render_to_string(item["template"], context, request)
            else:
                html = item.render_html(parent_context)
            panels.append(
                CaseFilePanel(
                    name=str(_panel_attr(item, "name")),
                    title=str(_panel_attr(item, "title")),
                    html=html,
                    order=_panel_attr(item, "order", 100),
                )
            )
    return sorted(panels, key=lambda panel: (panel.order, panel.name))


@casework_view
@require_GET
def case_file(request, file_number: str):
    _require_casework_user(request)
    user = request.user
    # Everything the page, the guards and the panels read of the case, each table once
    # (the checklist and the card orders are read by guards, the page and panels alike).
    case = selectors.get_visible_case(user, file_number=file_number, file=True)
    services.log_case_access(case=case, user=user, route="backoffice")
    policy = policy_for(user)
    full = policy.sees_full_file(case)
    supervisor = policy.may_supervise(case)

    options = selectors.available_transitions(case=case, user=user)
    documents = list(case.documents.all()) if full else []
    missing_documents = [(d.code, d.name) for d in documents if not d.received]
    transitions = [
        {
            "option": option,
            "form": TransitionForm(
                initial={"state": case.state},
                inputs=option.inputs,
                needs_comment=option.needs_comment,
                document_choices=missing_documents,
                obj=case,
                prefix=f"t-{option.name}",
            ),
        }
        for option in options
    ]
    try:
        hand_over = case.hand_over  # read with the case
    except case._meta.model.hand_over.RelatedObjectDoesNotExist:
        hand_over = None
    access_log = None
    if supervisor:
        try:
            access_log = list(selectors.access_log(case=case, user=user)[:100])
        except PermissionDenied:
            access_log = None
    panels = _case_file_panels(request, case, full=full)
    reassign_form = share_form = None
    if supervisor:
        reassign_form = ReassignForm(case=case, initial={"assignee": case.assigned_to_id})
        share_form = ShareForm()
        read_case_file_choices(case, reassign_form, share_form)
    context = {
        "family": selectors.family_seen_by(user, case),
        "page_title": f"{case.file_number} – {case.person}",
        "header_icon": "doc-full",
        "case": case,
        "person": case.person,
        "full": full,
        "supervisor": supervisor,
        "transitions": transitions,
        "documents": documents,
        # What the case's workflow involves: the eAT's fees, biometrics and card order.
        "has_fees": bool(case.fee_due_cents) or "order_card" in case.workflow.transitions,
        "has_biometrics": "take_biometrics" in case.workflow.transitions,
        "has_card": "order_card" in case.workflow.transitions,
        "is_duldung": case.workflow_key == "duldung",
        "fees_open_cents": max(case.fee_due_cents - case.fee_paid_cents, 0),
        "fee_due": euros(case.fee_due_cents),
        "fee_paid": euros(case.fee_paid_cents),
        "fee_open": euros(max(case.fee_due_cents - case.fee_paid_cents, 0)),
        "card_orders": list(case.card_orders.all()),
        "hand_over": hand_over,
        "history": _history_rows(case) if full else [],
        "comments": list(case.comments.select_related("author")) if full else [],
        "access_log": access_log,
        "comment_form": CommentForm(),
        "fee_form": FeePaymentForm(),
        "biometrics_form": BiometricsForm(),
        "reassign_form": reassign_form,
        "share_form": share_form,
        "panels": panels,
        "has_appointments_panel": any(panel.name == "appointments" for panel in panels),
    }
    return render(request, "casework/case_file.html", context)


@casework_view
@require_POST
def fire_transition_view(request, file_number: str, name: str):
    case = _visible_case(request, file_number)
    transition = case.workflow.transitions.get(name)
    if transition is None:
        raise Http404
    title = str(transition.title)
    form = TransitionForm(
        request.POST,
        inputs=transition.inputs,
        needs_comment=transition.needs_comment,
        document_choices=[(d.code, d.name) for d in case.documents.all() if not d.received],
        obj=case,
        prefix=f"t-{name}",
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_case_url(case))
    if form.cleaned_data["state"] != case.state:
        # The page was rendered for another state: someone (or a double click) was first.
        messages.error(
            request,
            _(
                "The case was changed meanwhile (it is now “%(state)s”). Nothing was changed; "
                "please check the case file and try again."
            )
            % {"state": case.state_title},
        )
        return redirect(_case_url(case))
    try:
        case = services.fire_transition(
            case=case,
            user=request.user,
            transition=name,
            note=form.cleaned_data.get("note", ""),
            data=form.data_for_service(),
        )
    except TransitionNotAllowed as exc:
        messages.error(
            request,
            _("“%(transition)s” is not possible: %(reasons)s")
            % {"transition": title, "reasons": "; ".join(map(str, exc.reasons))},
        )
    except ValidationError as exc:
        _validation_messages(request, exc)
    except ConcurrentChange:
        messages.error(
            request,
            _(
                "Someone else changed this case at the same time. Nothing was changed; "
                "please check the case file and try again."
            ),
        )
    else:
        if not _still_visible(request.user, case):
            # The step took the case out of the user's sight (the Service Point after the
            # hand-over): confirm it on the worklist instead of a case file they may not open.
            messages.success(
                request,
                _(
                    "Done: “%(transition)s” for %(file_number)s. The case is now “%(state)s” "
                    "and no longer in your worklists."
                )
                % {
                    "transition": title,
                    "file_number": case.file_number,
                    "state": case.state_title,
                },
            )
            return redirect("casework:worklist")
        messages.success(
            request,
            _("Done: “%(transition)s”. The case is now “%(state)s”.")
            % {"transition": title, "state": case.state_title},
        )
    return _back_to_case(request, case)


@casework_view
@require_POST
def add_comment_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(case=case, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Comment added."))
    else:
        _form_errors(request, form)
    return redirect(_case_url(case) + "#comments")


@casework_view
@require_POST
def document_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            services.mark_document_received(
                case=case,
                user=request.user,
                code=form.cleaned_data["code"],
                received=form.cleaned_data["received"],
            )
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Document checklist updated."))
    else:
        _form_errors(request, form)
    return redirect(_case_url(case) + "#documents")


@casework_view
@require_POST
def fee_payment_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = FeePaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_fee_payment(
                case=case,
                user=request.user,
                amount_cents=form.amount_cents,
                reduction_reason=form.cleaned_data["reduction_reason"],
            )
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Payment recorded."))
    else:
        _form_errors(request, form)
    return redirect(_case_url(case) + "#fees")


@casework_view
@require_POST
def biometrics_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = BiometricsForm(request.POST)
    if form.is_valid():
        try:
            services.record_biometrics(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Biometrics recorded."))
    else:
        _form_errors(request, form)
    return redirect(_case_url(case) + "#biometrics")


@casework_view
@require_POST
def card_delivered_view(request, file_number: str):
    case = _visible_case(request, file_number)
    try:
        services.record_card_delivered(case=case, user=request.user)
    except ValidationError as exc:
        _validation_messages(request, exc)
    else:
        messages.success(request, _("The card has arrived at the office."))
    return redirect(_case_url(case) + "#card")


@casework_view
@require_POST
def reassign_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = ReassignForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.reassign(case=case, user=request.user, assignee=form.cleaned_data["assignee"])
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Case reassigned."))
    else:
        _form_errors(request, form)
    return _back_to_case(request, case)


@casework_view
@require_POST
def share_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = ShareForm(request.POST)
    if form.is_valid():
        expires = timezone.make_aware(
            dt.datetime.combine(form.cleaned_data["expires_at"], dt.time(23, 59))
        )
        try:
            services.share_case(
                case=case,
                user=request.user,
                grantee_user=form.cleaned_data["grantee_user"],
                grantee_group=form.cleaned_data["grantee_group"],
                expires_at=expires,
            )
        except ValidationError as exc:
            _validation_messages(request, exc)
        else:
            messages.success(request, _("Case shared."))
    else:
        _form_errors(request, form)
    return redirect(_case_url(case))


@casework_view
@require_GET
def workflow_diagram(request, key: str | None = None):
    """One page per workflow (the eAT's without a key), with links to the others."""
    _require_casework_user(request)
    key = key or CASE_WORKFLOWS.default_key
    if key not in CASE_WORKFLOWS:
        raise Http404
    workflow = CASE_WORKFLOWS.get(key)
    svg = to_svg(workflow)
    if request.GET.get("format") == "svg":
        return HttpResponse(svg, content_type="image/svg+xml")
    # Participations of other authorities run beside the case: their own small lifecycle.
    participations = workflow.participations
    return render(
        request,
        "casework/workflow.html",
        {
            "page_title": _("Workflow: %(title)s") % {"title": workflow.title},
            "header_icon": "tasks",
            "workflow": workflow,
            "workflow_key": key,
            "workflows": [
                {"key": k, "title": w.title, "current": k == key} for k, w in CASE_WORKFLOWS.items()
            ],
            "svg": svg,
            # What the hand-over writes to the register, as the declaration says.
            "hand_over_record": HandOverRecord(hand_over_record(workflow)).label,
            "participation_svg": to_svg(participations) if participations else "",
        },
    )


# --- the office-wide access log -------------------------------------------------------------


@casework_view
@require_GET
def access_log_view(request):
    """Who opened which case file when: all of it for office management, their departments'
    cases for supervisors (:func:`casework.selectors.access_log_entries`)."""
    _require_casework_user(request)
    user = request.user
    entries = selectors.access_log_entries(user=user)  # PermissionDenied for anyone else
    form = AccessLogFilterForm(
        request.GET or None,
        users=get_user_model()
        .objects.filter(pk__in=entries.order_by().values("user_id"))
        .order_by("last_name", "first_name", "username"),
        departments=selectors.supervised_departments(user),
    )
    if form.is_bound and not form.is_valid():
        _form_errors(request, form)
    page = Paginator(form.filter(entries), PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "casework/access_log.html",
        {
            "page_title": _("Access log"),
            "header_icon": "view",
            "form": form,
            "page_obj": page,
            "items": page,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


# --- API tokens ----------------------------------------------------------------------------


@casework_view
def api_tokens(request):
    """The user's own API tokens: create one (the key is shown once), see when each was used,
    revoke it. Every token expires (``API_TOKEN_MAX_DAYS`` at most)."""
    _require_casework_user(request)
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            days = form.cleaned_data["days"]
            _token, new_key = issue_token(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=timezone.now() + dt.timedelta(days=days),
                request=request,
            )
            form = ApiTokenForm()
        else:
            _form_errors(request, form)
    return render(
        request,
        "casework/api_tokens.html",
        {
            "page_title": _("API tokens"),
            "header_icon": "key",
            "tokens": ApiToken.objects.filter(user=request.user).select_related("revoked_by"),
            "form": form,
            "new_key": new_key,
            "all_tokens": False,
            "can_see_all": policy_for(request.user).is_office_admin,
        },
    )


@casework_view
@require_GET
def all_api_tokens(request):
    """Every API token of the office, for office management: who holds one, since when, when
    it was last used; revoke any of them."""
    if not (can_use_casework(request.user) and policy_for(request.user).is_office_admin):
        raise PermissionDenied
    tokens = ApiToken.objects.select_related("user", "revoked_by")
    if request.GET.get("current") != "0":
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return render(
        request,
        "casework/api_tokens.html",
        {
            "page_title": _("API tokens of the office"),
            "header_icon": "key",
            "tokens": tokens,
            "all_tokens": True,
            "only_current": request.GET.get("current") != "0",
        },
    )


@casework_view
@require_POST
def revoke_api_token(request, pk: int):
    """The owner revokes their token; office management any token."""
    _require_casework_user(request)
    token = get_object_or_404(ApiToken, pk=pk)
    if token.user_id != request.user.pk and not policy_for(request.user).is_office_admin:
        raise Http404
    revoke_token(token=token, by=request.user, request=request)
    messages.success(request, _("Token revoked."))
    if token.user_id != request.user.pk:
        return redirect("casework:all_api_tokens")
    return redirect("casework:api_tokens")
