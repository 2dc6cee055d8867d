"""Office management's screens: upload, progress, error report, duplicates to review."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from background.leases import alive_workers

from . import services
from .constants import DuplicateStatus
from .forms import UploadForm
from .models import DuplicateCandidate, ImportRun, LegacyPerson
from .readers import COLUMNS

ERRORS_SHOWN = 100
PERSONS_SHOWN = 50
REPORT_HEADER = ("Zeile", "Spalte", "Problem", "Wert")


def office_management_only(view):
    """Office management only (the policy's ``may_manage_office``); others get a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.may_import_register(request.user):
            return render(
                request,
                "register_import/forbidden.html",
                {"page_title": _("No access"), "header_icon": "warning"},
                status=403,
            )
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(
                request,
                "register_import/forbidden.html",
                {"page_title": _("No access"), "header_icon": "warning"},
                status=403,
            )

    return wrapper


def _stored_upload(upload) -> tuple[str, bool]:
    """A path to the uploaded file (Django's temporary file, or one written here)."""
    if hasattr(upload, "temporary_file_path"):
        return upload.temporary_file_path(), False
    handle, path = tempfile.mkstemp(suffix=".upload")
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path, True


@require_http_methods(["GET", "POST"])
@office_management_only
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            path, remove = _stored_upload(form.cleaned_data["file"])
            try:
                run = services.start_import(
                    path=path,
                    filename=form.cleaned_data["file"].name,
                    department=form.cleaned_data["department"],
                    user=request.user,
                )
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error("file", error)
            else:
                messages.success(request, _("The file is being imported."))
                return redirect("register_import:run", pk=run.pk)
            finally:
                if remove:
                    os.unlink(path)
        if form.errors:
            messages.error(request, _("The file was not imported; see the errors below."))
    return render(
        request,
        "register_import/upload.html",
        {
            "page_title": _("Register import"),
            "header_icon": "upload",
            "form": form,
            "columns": COLUMNS,
            "runs": ImportRun.objects.select_related("department")[:20],
        },
    )


@require_GET
@office_management_only
def run_detail(request, pk: int):
    run = get_object_or_404(ImportRun.objects.select_related("department", "started_by"), pk=pk)
    state = services.run_state(run)
    running = state in (services.RunState.QUEUED, services.RunState.RUNNING)
    return render(
        request,
        "register_import/run.html",
        {
            "page_title": _("Register import: %(file)s") % {"file": run.filename},
            "header_icon": "upload",
            "run": run,
            "state": state,
            "running": running,
            "stalled": state == services.RunState.STALLED,
            "workers_alive": alive_workers().exists() if running else True,
            "errors": run.row_errors.all()[:ERRORS_SHOWN],
            "errors_shown": ERRORS_SHOWN,
            "duplicates": DuplicateCandidate.objects.filter(run=run, status=DuplicateStatus.OPEN)
            .select_related("person")
            .order_by("row")[:200],
            "persons": LegacyPerson.objects.filter(run=run)
            .select_related("person")
            .order_by("row")[:PERSONS_SHOWN],
            "persons_shown": PERSONS_SHOWN,
        },
    )


@require_POST
@office_management_only
def resume(request, pk: int):
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        services.resume_import(run=run, user=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The import goes on where it stopped."))
    return redirect("register_import:run", pk=pk)


@require_POST
@office_management_only
def decide(request, pk: int):
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    same = request.POST.get("decision") == "same"
    try:
        services.decide_duplicate(candidate=candidate, same=same, user=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request,
            _("The records were added to the known person.")
            if same
            else _("Imported as a new person."),
        )
    return redirect("register_import:run", pk=candidate.run_id)


class _Echo:
    def write(self, value):
        return value


def _report_name(run: ImportRun, extension: str) -> str:
    return f"importfehler-{run.pk}.{extension}"


@require_GET
@office_management_only
def report_csv(request, pk: int):
    """The error report as CSV (UTF-8 with BOM and ";", as German spreadsheets open it)."""
    run = get_object_or_404(ImportRun, pk=pk)
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(REPORT_HEADER)
        for row in services.error_report_rows(run):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_report_name(run, "csv")}"'
    return response


@require_GET
@office_management_only
def report_xlsx(request, pk: int):
    """The error report as XLSX: every cell text, none a formula."""
    from openpyxl import Workbook

    run = get_object_or_404(ImportRun, pk=pk)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Importfehler")
    sheet.append(list(REPORT_HEADER))
    for row in services.error_report_rows(run):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_report_name(run, "xlsx")}"'
    return response
