"""The case file's hearing and notices: record an answer, approve (four eyes), print, post.

The steps that move the case (intend to refuse, draft, issue) are workflow transitions and go
through the generic transition view; these views do what happens beside them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services
from .constants import CaseState, NoticeStatus
from .exceptions import TransitionNotAllowed
from .forms import HearingAnswerForm
from .models import Notice
from .notices import notice_storage
from .policy import WORKING_ROLES, policy_for
from .views import _back_to_case, _form_errors, _visible_case, casework_view
from .workflow import NOTICE_WORKFLOW

__all__ = ["decisions_panel"]


def decisions_panel(request, case):
    """The hearing(s) and notices of the case, with what this user may do with them."""
    if not getattr(case, "has_decisions", True):
        return None
    hearings = list(case.hearings.all())
    notices = list(case.notices.all())
    if not hearings and not notices:
        return None
    user = request.user
    policy = policy_for(user)
    roles = set(policy.roles(case))
    rows = []
    for notice in notices:
        notice.case = case
        approve = None
        if notice.status == NoticeStatus.DRAFTED and NOTICE_WORKFLOW.is_permitted(
            "approve", user, notice, roles
        ):
            approve = NOTICE_WORKFLOW.check(notice, user, "approve", roles=roles)
        rows.append({"notice": notice, "approve_reasons": approve})
    may_work = bool(roles & WORKING_ROLES)
    return {
        "name": "decisions",
        "title": _("Hearing and notices"),
        "order": 20,
        "full_file_only": True,
        "template": "casework/decisions_panel.html",
        "context": {
            "hearings": hearings,
            "notices": rows,
            "answer_form": HearingAnswerForm()
            if may_work and case.state == CaseState.HEARING
            else None,
            "may_work": may_work,
        },
    }


@casework_view
@require_POST
def hearing_answer_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = HearingAnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_case(request, case, "#panel-decisions")
    try:
        services.record_hearing_answer(
            case=case,
            user=request.user,
            answer=form.cleaned_data["answer"],
            via=form.cleaned_data["via"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The answer to the hearing is recorded."))
    return _back_to_case(request, case, "#panel-decisions")


def _notice(request, file_number: str, pk: int):
    case = _visible_case(request, file_number)
    try:
        notice = case.notices.get(pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc
    notice.case = case
    return case, notice


@casework_view
@require_POST
def approve_notice_view(request, file_number: str, pk: int):
    case, notice = _notice(request, file_number, pk)
    try:
        services.approve_notice(notice=notice, user=request.user, note=request.POST.get("note", ""))
    except TransitionNotAllowed as exc:
        messages.error(
            request,
            _("The notice cannot be approved: %(reasons)s") % {"reasons": "; ".join(exc.reasons)},
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Approved: %(notice)s.") % {"notice": notice.get_kind_display()}
        )
    return _back_to_case(request, case, "#panel-decisions")


@casework_view
@require_POST
def notice_posted_view(request, file_number: str, pk: int):
    case, notice = _notice(request, file_number, pk)
    try:
        services.mark_notice_posted(notice=notice, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Recorded: the notice went out by post."))
    return _back_to_case(request, case, "#panel-decisions")


@casework_view
@require_GET
def notice_file_view(request, file_number: str, pk: int):
    """The stored PDF of an issued notice, exactly as it was sent."""
    case, notice = _notice(request, file_number, pk)
    if not policy_for(request.user).sees_full_file(case):
        raise PermissionDenied
    if notice.status != NoticeStatus.ISSUED or not notice.file:
        raise Http404
    services.log_case_access(case=case, user=request.user, route="backoffice")
    return FileResponse(
        notice_storage().open(notice.file, "rb"),
        as_attachment=False,
        filename=f"{case.file_number}-{notice.kind}.pdf",
        content_type="application/pdf",
    )


@casework_view
@require_GET
def hearing_file_view(request, file_number: str, pk: int, index: int):
    """A document the applicant sent with their answer to the hearing."""
    case = _visible_case(request, file_number)
    if not policy_for(request.user).sees_full_file(case):
        raise PermissionDenied
    hearing = case.hearings.filter(pk=pk).first()
    if hearing is None or not 0 <= index < len(hearing.answer_files):
        raise Http404
    name = hearing.answer_files[index]
    storage = notice_storage()
    if not storage.exists(name):
        raise Http404
    services.log_case_access(case=case, user=request.user, route="backoffice")
    content_type = "application/pdf" if name.endswith(".pdf") else "image/" + name.rsplit(".")[-1]
    response = FileResponse(
        storage.open(name, "rb"), content_type=content_type, filename=name.rsplit("/")[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
