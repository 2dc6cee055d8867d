"""Back-office views: statistics dashboard with exports, and bulk continuation of titles."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from background.leases import alive_workers
from casework.policy import policy_for
from casework.selectors import cases_visible_to
from casework.services import log_case_accesses

from . import reports, selectors, services
from .archive import stream_zip
from .forms import OrdinanceForm, StatisticsFilterForm
from .models import ContinuationBatch, ContinuationItem, ContinuationOrdinance, DocumentRequest

PREVIEW_ROWS = 200


def supervisors_only(view):
    """Supervisors and office management only; others get a plain 403 page.

    Wagtail's admin would turn ``PermissionDenied`` into a redirect to its dashboard; a 403
    says clearly that these figures are not for this account.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not selectors.can_see_statistics(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(
                request,
                "operations/forbidden.html",
                {"page_title": _("No access"), "header_icon": "warning"},
                status=403,
            )

    return wrapper


def _filter_form(request) -> StatisticsFilterForm:
    departments = selectors.statistics_departments(request.user)
    form = StatisticsFilterForm(request.GET or None, departments=departments)
    if form.is_bound and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return form


def _tables(request, values: dict, *, council: bool) -> list[reports.Table]:
    if council:
        return [
            reports.council_table(
                request.user,
                ukraine_since=values["ukraine_since"],
                chancen_since=values["chancen_since"],
                department=values["department"],
            )
        ]
    return reports.build_tables(
        request.user, period=values["period"], department=values["department"]
    )


@require_GET
@supervisors_only
def dashboard(request):
    """The figures of a period; ``?report=council`` shows the council report's figures."""
    form = _filter_form(request)
    values = form.values()
    council = request.GET.get("report") == "council"
    tables = _tables(request, values, council=council)
    params = request.GET.copy()
    params.pop("report", None)
    return render(
        request,
        "operations/dashboard.html",
        {
            "page_title": _("Council report") if council else _("Statistics"),
            "header_icon": "table",
            "form": form,
            "period": values["period"],
            "tables": tables,
            "council": council,
            "query": request.GET.urlencode(),
            "base_query": params.urlencode(),
        },
    )


@require_GET
@supervisors_only
def export(request, key: str, fmt: str):
    if key not in reports.TABLE_KEYS or fmt not in ("csv", "xlsx"):
        raise Http404
    values = _filter_form(request).values()
    if key == "council":
        table = reports.council_table(
            request.user,
            ukraine_since=values["ukraine_since"],
            chancen_since=values["chancen_since"],
            department=values["department"],
        )
    else:
        table = next(
            t
            for t in reports.build_tables(
                request.user, period=values["period"], department=values["department"]
            )
            if t.key == key
        )
    if table.case_ids:
        log_case_accesses(case_ids=table.case_ids, user=request.user, route="export")
    period = values["period"]
    filename = f"{key}-{period.start.isoformat()}-{period.end.isoformat()}"
    if fmt == "csv":
        response = HttpResponse(
            "\ufeff" + reports.to_csv(table), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            reports.to_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# -- bulk continuation ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@supervisors_only
def ordinance_list(request):
    form = OrdinanceForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                ordinance = services.create_ordinance(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for error in exc.messages:
                    messages.error(request, error)
            else:
                messages.success(request, _("Ordinance saved. Check the preview, then run it."))
                return redirect("operations:ordinance", pk=ordinance.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "operations/ordinance_list.html",
        {
            "page_title": _("Bulk continuation"),
            "header_icon": "repeat",
            "form": form,
            "ordinances": ContinuationOrdinance.objects.select_related("case_type")[:50],
        },
    )


@require_GET
@supervisors_only
def ordinance_detail(request, pk: int):
    ordinance = get_object_or_404(ContinuationOrdinance.objects.select_related("case_type"), pk=pk)
    candidates = services.continuation_candidates(ordinance, request.user)
    progress = services.continuation_progress(ordinance)
    state = services.continuation_run_state(ordinance)
    running = state in (services.RunState.QUEUED, services.RunState.RUNNING)
    preview = candidates.select_related("person", "department").order_by(
        "person__family_name", "person__given_names", "pk"
    )[:PREVIEW_ROWS]
    visible_items = ordinance.items.filter(case__in=cases_visible_to(request.user).values("pk"))
    return render(
        request,
        "operations/ordinance_detail.html",
        {
            "page_title": _("Bulk continuation"),
            "header_icon": "repeat",
            "ordinance": ordinance,
            "candidate_count": candidates.count(),
            "preview": preview,
            "preview_limit": PREVIEW_ROWS,
            "progress": progress,
            "running": running,
            "state": state,
            "stalled": state == services.RunState.STALLED,
            "workers_alive": alive_workers().exists(),
            "may_download": _may_download(request.user, ordinance),
            "batches": ordinance.batches.all(),
            "items": visible_items.select_related("case", "case__person").order_by("-pk")[:50],
        },
    )


@require_POST
@supervisors_only
def ordinance_run(request, pk: int):
    """Run the ordinance, or resume a run whose worker stopped."""
    ordinance = get_object_or_404(ContinuationOrdinance, pk=pk)
    try:
        services.start_continuation(ordinance=ordinance, user=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The ordinance is being applied."))
    return redirect("operations:ordinance", pk=pk)


@require_POST
@supervisors_only
def ordinance_rebuild(request, pk: int):
    ordinance = get_object_or_404(ContinuationOrdinance, pk=pk)
    try:
        services.rebuild_print_files(ordinance=ordinance, user=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The print files are being made again."))
    return redirect("operations:ordinance", pk=pk)


def _may_download(user, ordinance) -> bool:
    return policy_for(user).owns_or_manages(ordinance.run_by_id)


@require_GET
@supervisors_only
def ordinance_print_file(request, pk: int):
    """Every print batch of the ordinance in one ZIP archive, streamed as it is read."""
    ordinance = get_object_or_404(ContinuationOrdinance, pk=pk)
    batches = list(ordinance.batches.all())
    if not batches or not _may_download(request.user, ordinance):
        raise Http404
    files = [(f"certificates-{ordinance.pk}/{_batch_filename(b)}", b.file) for b in batches]
    response = StreamingHttpResponse(stream_zip(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-{ordinance.pk}.zip"'
    return response


def _batch_filename(batch) -> str:
    return f"batch-{batch.number:04d}.pdf"


@require_GET
@supervisors_only
def batch_file(request, pk: int, number: int):
    batch = get_object_or_404(
        ContinuationBatch.objects.select_related("ordinance"), ordinance_id=pk, number=number
    )
    if not _may_download(request.user, batch.ordinance):
        raise Http404
    return FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=f"certificates-{pk}-{_batch_filename(batch)}",
        content_type="application/pdf",
    )


@require_GET
@supervisors_only
def certificate(request, pk: int, item_pk: int):
    item = get_object_or_404(
        ContinuationItem.objects.select_related("ordinance", "ordinance__case_type"),
        pk=item_pk,
        ordinance_id=pk,
        case__in=cases_visible_to(request.user).values("pk"),
    )
    pdf = services.certificate_pdf(item)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{item.pk}.pdf"'
    return response


def dashboard_url() -> str:
    return reverse("operations:dashboard")


@require_GET
def document_request_letter(request, pk: int):
    """The letter of a request for documents, for whoever may open the case file (printed
    and posted when the applicant gave no e-mail address)."""
    letter = get_object_or_404(
        DocumentRequest.objects.filter(case__in=cases_visible_to(request.user)), pk=pk
    )
    log_case_accesses(case_ids=[letter.case_id], user=request.user, route="backoffice")
    return FileResponse(
        letter.letter.open("rb"),
        as_attachment=False,
        filename=f"documents-{letter.case.file_number}.pdf",
        content_type="application/pdf",
    )


# -- target groups (issue 14 item 3) ------------------------------------------------------------

TARGET_GROUP_PAGE = 50


@require_GET
@supervisors_only
def target_group_list(request):
    from .models import TargetGroup

    return render(
        request,
        "operations/target_group_list.html",
        {
            "page_title": _("Target groups"),
            "header_icon": "group",
            "groups": TargetGroup.objects.filter(active=True),
        },
    )


@require_GET
@supervisors_only
def target_group_detail(request, pk: int):
    """The group's persons the supervisor may see, paged (longest first), the letters sent
    and the send button; the run's progress while it goes on."""
    from django.core.paginator import Paginator

    from casework.models import Person

    from . import target_groups
    from .constants import RunStatus
    from .models import TargetGroup, TargetGroupLetter

    group = get_object_or_404(TargetGroup, pk=pk, active=True)
    selection = target_groups.selection_for(group, request.user)
    try:
        number = max(1, int(request.GET.get("p", "1")))
    except ValueError:
        number = 1
    rows, total = selection.page(offset=(number - 1) * TARGET_GROUP_PAGE, limit=TARGET_GROUP_PAGE)
    paginator = Paginator(range(total), TARGET_GROUP_PAGE)
    page = paginator.get_page(number)
    sent = dict(
        TargetGroupLetter.objects.filter(
            group=group, person_id__in=[c.person_id for c in rows]
        ).values_list("person_id", "sent_at")
    )
    visible_persons = policy_for(request.user).residence_records().order_by().values("person_id")
    letters = (
        TargetGroupLetter.objects.filter(group=group, person__in=visible_persons)
        .select_related("person", "sent_by")
        .order_by("-sent_at", "-pk")
    )
    mailing = group.mailings.select_related("started_by").first()
    running = mailing is not None and mailing.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return render(
        request,
        "operations/target_group_detail.html",
        {
            "page_title": group.name,
            "header_icon": "group",
            "group": group,
            "rows": [(c, sent.get(c.person_id)) for c in rows],
            "total": total,
            "page": page,
            "letter_count": letters.count(),
            "letters": letters[:20],
            "mailing": mailing,
            "running": running,
            "workers_alive": alive_workers().exists(),
            "person_model": Person,
        },
    )


@require_POST
@supervisors_only
def target_group_send(request, pk: int):
    from . import target_groups
    from .models import TargetGroup

    group = get_object_or_404(TargetGroup, pk=pk, active=True)
    target_groups.start_mailing(group=group, user=request.user)
    messages.success(
        request,
        _("The letters are being sent. Each person gets the letter of this group only once."),
    )
    return redirect("operations:target_group", pk=pk)


@require_GET
@supervisors_only
def target_group_letter(request, pk: int, letter_pk: int):
    """A sent letter, for supervisors who may read the person's register."""
    from .models import TargetGroupLetter

    visible_persons = policy_for(request.user).residence_records().order_by().values("person_id")
    letter = get_object_or_404(
        TargetGroupLetter, pk=letter_pk, group_id=pk, person__in=visible_persons
    )
    if not letter.letter:
        raise Http404
    return FileResponse(
        letter.letter.open("rb"),
        filename=f"target-group-letter-{letter.pk}.pdf",
        content_type="application/pdf",
    )
