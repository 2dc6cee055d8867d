"""Back-office views: statistics dashboard with exports, and bulk continuation of titles."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.selectors import cases_visible_to, is_office_admin

from . import reports, selectors, services
from .constants import RunStatus
from .forms import OrdinanceForm, StatisticsFilterForm
from .models import ContinuationItem, ContinuationOrdinance

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
    running = ordinance.status in (RunStatus.QUEUED, RunStatus.RUNNING)
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
            "items": visible_items.select_related("case", "case__person").order_by("-pk")[:50],
        },
    )


@require_POST
@supervisors_only
def ordinance_run(request, pk: int):
    ordinance = get_object_or_404(ContinuationOrdinance, pk=pk)
    try:
        services.start_continuation(ordinance=ordinance, user=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    except Exception as exc:  # noqa: BLE001 - shown to the user; the run is resumable
        messages.error(
            request, _("The run stopped: %(error)s. Run it again to finish.") % {"error": exc}
        )
    else:
        messages.success(request, _("The ordinance is being applied."))
    return redirect("operations:ordinance", pk=pk)


@require_GET
@supervisors_only
def ordinance_print_file(request, pk: int):
    ordinance = get_object_or_404(ContinuationOrdinance, pk=pk)
    if (
        not ordinance.print_file
        or ordinance.run_by_id != request.user.pk
        and not (is_office_admin(request.user))
    ):
        raise Http404
    return FileResponse(
        ordinance.print_file.open("rb"),
        as_attachment=True,
        filename=f"certificates-{ordinance.pk}.pdf",
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
