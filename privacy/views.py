"""Back-office views: deletion proposals (review, release), the deletion log, access reports.

Office management only; everyone else gets a 403 page that says so.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.models import Case, Person
from casework.services import log_case_access
from search.selectors import search_cases

from . import report, selectors, services
from .constants import ArchiveDecision, ItemStatus, ProposalStatus
from .forms import ArchiveForm, KeepForm, PersonSearchForm, ReleaseForm, ReportForm
from .models import AccessReport, DeletionItem, DeletionProposal
from .permissions import can_manage

SEARCH_LIMIT = 20


def office_management_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not can_manage(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(
                request,
                "privacy/forbidden.html",
                {"page_title": _("No access"), "header_icon": "warning"},
                status=403,
            )

    return wrapper


def _errors(request, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# -- proposals ----------------------------------------------------------------------------------


@require_GET
@office_management_only
def index(request):
    proposals = selectors.proposals().annotate(
        to_delete=Count("items", filter=Q(items__status=ItemStatus.PROPOSED)),
        deleted=Count("items", filter=Q(items__status=ItemStatus.DELETED)),
        kept=Count("items", filter=Q(items__status=ItemStatus.KEPT)),
    )[:50]
    return render(
        request,
        "privacy/index.html",
        {
            "page_title": _("Deletion proposals"),
            "header_icon": "bin",
            "proposals": proposals,
            "rules": selectors.active_rules(),
        },
    )


@require_POST
@office_management_only
def check_now(request):
    result = services.propose_due_deletions()
    if result["proposed"]:
        messages.success(
            request,
            _("%(count)s person(s) newly due for deletion were added to the proposal.")
            % {"count": result["proposed"]},
        )
    else:
        messages.info(request, _("Nobody else is due for deletion today."))
    return redirect("privacy:index")


def _items(proposal: DeletionProposal):
    cases = Case.objects.select_related("case_type", "department").order_by("received_at")
    return (
        proposal.items.select_related("person", "decided_by")
        .prefetch_related(Prefetch("person__cases", queryset=cases), "rules")
        .order_by("status", "person__family_name", "person__given_names", "pk")
    )


@require_GET
@office_management_only
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(selectors.proposals(), pk=pk)
    items = list(_items(proposal))
    # Names and file numbers are on this page: who reviews them is logged like any list (not
    # the page's own refreshes while the released deletion runs).
    reviewing = proposal.status in (ProposalStatus.REVIEW, ProposalStatus.SUBMITTED)
    for item in items:
        if reviewing and item.person_id and item.status == ItemStatus.PROPOSED:
            for case in item.person.cases.all():
                log_case_access(case=case, user=request.user, route="admin")
    blockers = (
        services.release_blockers(proposal=proposal, user=request.user)
        if proposal.status == ProposalStatus.SUBMITTED
        else []
    )
    to_delete = [i for i in items if i.status == ItemStatus.PROPOSED]
    return render(
        request,
        "privacy/proposal_detail.html",
        {
            "page_title": str(proposal),
            "header_icon": "bin",
            "proposal": proposal,
            "items": items,
            "to_delete": to_delete,
            "case_count": sum(len(i.person.cases.all()) for i in to_delete if i.person_id),
            "archive_open": sum(1 for i in to_delete if i.archive == ArchiveDecision.PENDING),
            "blockers": blockers,
            "statuses": ProposalStatus,
            "item_statuses": ItemStatus,
            "archive_pending": ArchiveDecision.PENDING,
            "keep_form": KeepForm(),
            "archive_form": ArchiveForm(),
            "release_form": ReleaseForm(),
            "running": proposal.status == ProposalStatus.RELEASED,
        },
    )


def _proposal_action(request, pk: int, action, success: str):
    proposal = get_object_or_404(DeletionProposal, pk=pk)
    try:
        action(proposal=proposal, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("privacy:proposal", pk=pk)


@require_POST
@office_management_only
def submit(request, pk: int):
    return _proposal_action(
        request,
        pk,
        services.submit_proposal,
        _("Proposed for release. A second person of office management must release it."),
    )


@require_POST
@office_management_only
def send_back(request, pk: int):
    return _proposal_action(request, pk, services.send_back, _("The list is back in review."))


@require_POST
@office_management_only
def release(request, pk: int):
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that you have checked the list."))
        return redirect("privacy:proposal", pk=pk)
    return _proposal_action(
        request,
        pk,
        services.release_proposal,
        _("Released. The files are being deleted; this page shows when it is done."),
    )


@require_POST
@office_management_only
def run_again(request, pk: int):
    proposal = get_object_or_404(DeletionProposal, pk=pk, status=ProposalStatus.RELEASED)
    try:
        services.execute_proposal(proposal.pk)
    except Exception:  # noqa: BLE001 - recorded on the proposal, shown on the page
        messages.error(request, _("The deletion stopped again; see the error on this page."))
    else:
        messages.success(request, _("The deletion is finished."))
    return redirect("privacy:proposal", pk=pk)


def _item_action(request, pk: int, handler):
    item = get_object_or_404(DeletionItem.objects.select_related("proposal"), pk=pk)
    try:
        handler(item)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"{reverse('privacy:proposal', args=[item.proposal_id])}#item-{item.pk}")


@require_POST
@office_management_only
def keep(request, pk: int):
    def handler(item):
        form = KeepForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.keep_item(item=item, user=request.user, **form.cleaned_data)
        messages.success(request, _("Taken off the list; the file is kept."))

    return _item_action(request, pk, handler)


@require_POST
@office_management_only
def restore(request, pk: int):
    def handler(item):
        services.restore_item(item=item, user=request.user)
        messages.success(request, _("Back on the list to delete."))

    return _item_action(request, pk, handler)


@require_POST
@office_management_only
def archive(request, pk: int):
    def handler(item):
        form = ArchiveForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.record_archive_decision(
            item=item,
            user=request.user,
            decision=form.cleaned_data["archive"],
            note=form.cleaned_data["archive_note"],
        )
        messages.success(request, _("The archive's answer is recorded."))

    return _item_action(request, pk, handler)


@require_GET
@office_management_only
def deletion_log(request):
    entries = list(selectors.deletion_log()[:200])
    for entry in entries:
        entry.kinds = report_kinds(entry.counts)
    return render(
        request,
        "privacy/log.html",
        {"page_title": _("Deletion log"), "header_icon": "list-ul", "entries": entries},
    )


def report_kinds(counts: dict) -> list[tuple[str, int]]:
    """The log's counts with readable names: ``[("Cases", 2), ...]``."""
    from django.apps import apps

    out = []
    for key, n in sorted(counts.items()):
        if key == "files":
            out.append((_("Stored files (uploads, letters)"), n))
            continue
        if key.endswith(":blanked"):
            out.append((_("Search-log queries blanked"), n))
            continue
        try:
            label = str(apps.get_model(key)._meta.verbose_name_plural)
        except (LookupError, ValueError):
            label = key
        out.append((label[:1].upper() + label[1:], n))
    return out


# -- access reports -----------------------------------------------------------------------------


@require_GET
@office_management_only
def report_search(request):
    form = PersonSearchForm(request.GET or None)
    persons = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = search_cases(user=request.user, query=form.cleaned_data["q"], route="privacy")
        case_ids = [hit.case_id for hit in results[:SEARCH_LIMIT]]
        person_ids = list(
            dict.fromkeys(Case.objects.filter(pk__in=case_ids).values_list("person_id", flat=True))
        )
        persons = list(
            Person.objects.filter(pk__in=person_ids)
            .prefetch_related(Prefetch("cases", queryset=Case.objects.order_by("received_at")))
            .order_by("family_name", "given_names")
        )
    return render(
        request,
        "privacy/report_search.html",
        {
            "page_title": _("Access report (Art. 15 GDPR)"),
            "header_icon": "doc-full",
            "form": form,
            "persons": persons,
            "searched": form.is_bound,
        },
    )


@require_http_methods(["GET", "POST"])
@office_management_only
def report_person(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                filename, content_type, content = services.produce_access_report(
                    person=person,
                    user=request.user,
                    fmt=form.cleaned_data["format"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                response = HttpResponse(content, content_type=content_type)
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
                return response
        else:
            _form_errors(request, form)
    else:
        form = ReportForm(initial={"language": report.default_language(person), "format": "pdf"})
    cases = list(person.cases.select_related("case_type", "department").order_by("received_at"))
    return render(
        request,
        "privacy/report_person.html",
        {
            "page_title": _("Access report for %(person)s") % {"person": person},
            "header_icon": "doc-full",
            "person": person,
            "cases": cases,
            "form": form,
            "reports": AccessReport.objects.filter(person=person).select_related("produced_by")[
                :20
            ],
        },
    )
