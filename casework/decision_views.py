"""The case file's hearing and notices: record an answer, approve (four eyes), print, post.

The steps that move the case (intend to refuse, draft, issue) are workflow transitions and go
through the generic transition view; these views do what happens beside them.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services
from .constants import GRANT_NOTICE_STATES, CaseState, NoticeKind, NoticeStatus
from .forms import HearingAnswerForm
from .models import Notice
from .notices import notice_storage
from .policy import WORKING_ROLES, policy_for
from .views import _back_to_case, _form_errors, _visible_case, casework_view, service_errors
from .workflow import CERTIFIERS, DECIDERS, NOTICE_WORKFLOW

__all__ = ["decisions_panel", "fiktion_panel"]


def decisions_panel(request, case):
    """The hearing(s) and notices of the case, with what this user may do with them."""
    grant_step = case.state in GRANT_NOTICE_STATES
    if not getattr(case, "has_decisions", True) and not grant_step:
        return None
    # A file without notices (``has_decisions``) has no hearing either: nothing to read.
    known = getattr(case, "has_decisions", True)
    hearings = list(case.hearings.all()) if known and getattr(case, "has_hearing", True) else []
    notices = list(case.notices.all()) if known else []
    user = request.user
    policy = policy_for(user)
    roles = set(policy.roles(case))
    may_decide = bool(roles & DECIDERS)
    if not hearings and not notices and not (grant_step and may_decide):
        return None
    rows = []
    for notice in notices:
        notice.case = case
        approve = issue = None
        if notice.status == NoticeStatus.DRAFTED and NOTICE_WORKFLOW.is_permitted(
            "approve", user, notice, roles
        ):
            approve = NOTICE_WORKFLOW.check(notice, user, "approve", roles=roles)
        # The grant notice is issued here; the refusal by the case's step "refuse".
        if (
            notice.kind == NoticeKind.GRANT
            and notice.status == NoticeStatus.APPROVED
            and NOTICE_WORKFLOW.is_permitted("issue", user, notice, roles)
        ):
            issue = NOTICE_WORKFLOW.check(notice, user, "issue", roles=roles)
        rows.append({"notice": notice, "approve_reasons": approve, "issue_reasons": issue})
    may_work = bool(roles & WORKING_ROLES)
    grant_issued = any(
        n.kind == NoticeKind.GRANT and n.status == NoticeStatus.ISSUED for n in notices
    )
    grant_open = any(
        n.kind == NoticeKind.GRANT and n.status in (NoticeStatus.DRAFTED, NoticeStatus.APPROVED)
        for n in notices
    )
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
            "may_draft_grant": grant_step and may_decide and not grant_issued,
            "grant_open": grant_open,
        },
    }


def fiktion_panel(request, case):
    """An extension: whether the Fiktionswirkung applies, the certificates issued, and the
    form to issue one when the law gives one (for the Service Point too), or why not."""
    from .fiktion import FIKTION_DEFAULT_DAYS, fiktion_status

    status = fiktion_status(case)
    if status is None:
        return None
    roles = set(policy_for(request.user).roles(case))
    certificates = [
        n
        for n in (case.notices.all() if getattr(case, "has_decisions", True) else [])
        if n.kind == NoticeKind.FIKTION and n.status == NoticeStatus.ISSUED
    ]
    return {
        "name": "fiktion",
        "title": _("Fiktionsbescheinigung"),
        "order": 21,
        "template": "casework/fiktion_panel.html",
        "context": {
            "fiktion": status,
            "certificates": certificates,
            "may_issue": status.offered and bool(roles & CERTIFIERS),
            "default_until": timezone.localdate() + dt.timedelta(days=FIKTION_DEFAULT_DAYS),
        },
    }


@casework_view
@require_POST
def issue_fiktion_view(request, file_number: str):
    case = _visible_case(request, file_number)
    with service_errors(
        request, refused=_("The certificate cannot be issued: %(reasons)s")
    ) as outcome:
        valid_until = forms.DateField().clean(request.POST.get("valid_until", ""))
        notice = services.issue_fiktion_certificate(
            case=case, user=request.user, valid_until=valid_until
        )
    if outcome.ok:
        messages.success(
            request,
            _("Fiktionsbescheinigung issued, valid until %(date)s.")
            % {"date": notice.valid_until.strftime("%d.%m.%Y")},
        )
    return _back_to_case(request, case, "#panel-fiktion")


@casework_view
@require_POST
def hearing_answer_view(request, file_number: str):
    case = _visible_case(request, file_number)
    form = HearingAnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_case(request, case, "#panel-decisions")
    with service_errors(
        request, refused=_("The answer cannot be recorded: %(reasons)s")
    ) as outcome:
        services.record_hearing_answer(
            case=case,
            user=request.user,
            answer=form.cleaned_data["answer"],
            via=form.cleaned_data["via"],
        )
    if outcome.ok:
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
    with service_errors(
        request, refused=_("The notice cannot be approved: %(reasons)s")
    ) as outcome:
        services.approve_notice(notice=notice, user=request.user, note=request.POST.get("note", ""))
    if outcome.ok:
        messages.success(
            request, _("Approved: %(notice)s.") % {"notice": notice.get_kind_display()}
        )
    return _back_to_case(request, case, "#panel-decisions")


@casework_view
@require_POST
def issue_notice_view(request, file_number: str, pk: int):
    case, notice = _notice(request, file_number, pk)
    with service_errors(request, refused=_("The notice cannot be issued: %(reasons)s")) as outcome:
        services.issue_notice(notice=notice, user=request.user)
    if outcome.ok:
        messages.success(request, _("Issued: %(notice)s.") % {"notice": notice.get_kind_display()})
    return _back_to_case(request, case, "#panel-decisions")


@casework_view
@require_POST
def draft_grant_view(request, file_number: str):
    case = _visible_case(request, file_number)
    with service_errors(
        request, refused=_("The grant notice cannot be drafted: %(reasons)s")
    ) as outcome:
        services.draft_grant_notice(case=case, user=request.user)
    if outcome.ok:
        messages.success(
            request, _("The grant notice is drafted; it waits for a second person's approval.")
        )
    return _back_to_case(request, case, "#panel-decisions")


@casework_view
@require_POST
def notice_posted_view(request, file_number: str, pk: int):
    case, notice = _notice(request, file_number, pk)
    with service_errors(
        request, refused=_("The notice cannot be marked as posted: %(reasons)s")
    ) as outcome:
        services.mark_notice_posted(notice=notice, user=request.user)
    if outcome.ok:
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
