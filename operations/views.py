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
