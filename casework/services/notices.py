"""Hearings and notices: the applicant's answer, the second person's approval, sending.

The steps that open a hearing, draft, discard and issue a refusal are workflow transitions
(:mod:`casework.workflow`, their rows in :mod:`casework.effects`); these services do what
happens beside them, each with its history row.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import (
    GRANT_NOTICE_STATES,
    CaseState,
    HearingAnswerVia,
    HistoryEvent,
    NoticeKind,
    NoticeStatus,
)
from ..exceptions import TransitionNotAllowed
from ..models import Hearing, Notice
from ..notices import notice_storage
from ..policy import WORKING_ROLES, policy_for
from ..workflow import CERTIFIERS, NOTICE_WORKFLOW
from ..workflow import DECIDERS as DRAFTERS
from ._common import _deny, _locked, _record_event, _text
from .register import record_fiktion_certificate

__all__ = [
    "approve_notice",
    "draft_grant_notice",
    "issue_fiktion_certificate",
    "issue_notice",
    "mark_notice_posted",
    "record_hearing_answer",
    "send_notice_mail",
]

logger = logging.getLogger(__name__)


def record_hearing_answer(
    *,
    case,
    user,
    answer: str,
    via: str = HearingAnswerVia.LETTER,
    files: list[str] | tuple[str, ...] = (),
    now=None,
) -> Hearing:
    """The applicant's comments on the hearing, as they arrived; the refusal may then be
    drafted before the period ends.

    ``user`` is the staff member who records it; ``None`` only for the applicant's own answer
    on the status page (``via=STATUS_PAGE``; the caller identified the applicant). ``files``
    are names in the private storage, already checked by the caller.
    """
    if via not in HearingAnswerVia.values:
        raise ValidationError({"via": _("Select a valid choice.")})
    if user is None and via != HearingAnswerVia.STATUS_PAGE:
        raise _deny()
    waived = via == HearingAnswerVia.WAIVED
    answer = _text(answer, field="answer", required=not waived and not files)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if user is not None and not (policy_for(user).roles(locked) & WORKING_ROLES):
            raise _deny()
        if locked.state != CaseState.HEARING:
            raise ValidationError(
                _("There is no open hearing: the case is “%(state)s”.")
                % {"state": locked.state_title}
            )
        hearing = (
            Hearing.objects.select_for_update()
            .filter(case=locked)
            .order_by("-requested_at", "-id")
            .first()
        )
        if hearing is None:
            raise ValidationError(_("There is no open hearing."))
        if hearing.answered and via == HearingAnswerVia.STATUS_PAGE:
            raise ValidationError(_("Your answer has already been received."))
        separator = "\n\n" if hearing.answer and answer else ""
        hearing.answer = f"{hearing.answer}{separator}{answer}"
        hearing.answer_via = via
        hearing.answered_at = hearing.answered_at or now
        hearing.answer_recorded_by = user
        hearing.answer_files = [*hearing.answer_files, *files]
        hearing.save()
        _record_event(
            locked,
            HistoryEvent.HEARING_ANSWER,
            change="hearing_answer",
            at=now,
            by=user,
            via="online" if user is None else "",
            comment=f"{HearingAnswerVia(via).label}: {answer}"[:2000],
        )
    _forget(case, "hearings")
    return hearing


def approve_notice(*, notice: Notice, user, note: str = "") -> Notice:
    """Four eyes: a supervisor (or office management) approves a notice someone else drafted.

    Raises ``PermissionDenied`` without the role, :class:`TransitionNotAllowed` with the
    reasons (the drafter, a notice no longer waiting for approval).
    """

    def approve(case, locked: Notice, now) -> None:
        if not NOTICE_WORKFLOW.is_permitted("approve", user, locked):
            raise _deny()
        reasons = NOTICE_WORKFLOW.check(locked, user, "approve")
        if reasons:
            raise TransitionNotAllowed(reasons, transition="approve")
        NOTICE_WORKFLOW.fire(locked, user, "approve")
        locked.approved_at = now
        locked.approved_by = user
        locked.save(update_fields=["status", "approved_at", "approved_by"])

    return _notice_step(notice, user, note, approve, HistoryEvent.NOTICE_APPROVED)


def _notice_step(notice: Notice, user, note: str, step, event: str) -> Notice:
    """Run ``step(case, locked_notice, now)`` on the locked case and notice, then write the
    history row (the notice's kind and the note) and hand the new state back to ``notice``."""
    note = _text(note, field="note", required=False)
    now = timezone.now()
    with transaction.atomic():
        case = _locked(notice.case)
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        locked.case = case
        step(case, locked, now)
        _record_event(
            case,
            event,
            change=str(event),
            at=now,
            by=user,
            comment=" – ".join(part for part in (locked.get_kind_display(), note) if part),
        )
    notice.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    _forget(notice.case, "notices")
    return notice


def draft_grant_notice(*, case, user) -> Notice:
    """Draft the grant notice again from the templates (after the validity or the person's
    data changed, or for a case checked before grants were decided by notice); the open
    draft, approved or not, is discarded. An issued grant notice is final."""
    from ..effects import draft_grant_notice as draft

    now = timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if not (policy_for(user).roles(locked) & DRAFTERS):
            raise _deny()
        if locked.state not in GRANT_NOTICE_STATES:
            raise ValidationError(
                _("A grant notice is drafted only for a checked case, not one “%(state)s”.")
                % {"state": locked.get_state_display()}
            )
        if locked.notices.filter(kind=NoticeKind.GRANT, status=NoticeStatus.ISSUED).exists():
            raise ValidationError(_("The grant notice has been issued already."))
        notice = draft(locked, user, {}, now)
        _record_event(
            locked,
            HistoryEvent.NOTICE_DRAFTED,
            change="notice_drafted",
            at=now,
            by=user,
            comment=str(notice.get_kind_display()),
        )
    _forget(case, "notices")
    notice.case = case
    return notice


def issue_notice(*, notice: Notice, user, note: str = "") -> Notice:
    """Issue a grant notice (the refusal is issued by the case's step "refuse"): rendered
    once, stored with its SHA-256, e-mailed or marked for post.

    Raises ``PermissionDenied`` without a deciding role, :class:`TransitionNotAllowed` with
    the notice workflow's reasons (not approved by a second person yet, already issued)."""
    from ..effects import issue_notice as issue

    def issue_grant(case, locked: Notice, now) -> None:
        if locked.kind != NoticeKind.GRANT:
            raise ValidationError(_("Only a grant notice is issued here."))
        if not (policy_for(user).roles(case) & DRAFTERS):
            raise _deny()
        issue(locked, user, now)

    return _notice_step(notice, user, note, issue_grant, HistoryEvent.NOTICE_ISSUED)


def issue_fiktion_certificate(*, case, user, valid_until: dt.date | None = None) -> Notice:
    """Issue the Fiktionsbescheinigung (§ 81 (5) AufenthG) of an extension filed in time whose
    old title runs out before the decision: its text from the office's templates, its own
    validity (three months unless given, at most six), the PDF frozen with the case and sent
    like a notice, and recorded in the register (:func:`record_fiktion_certificate`). Only
    when :func:`casework.fiktion.fiktion_status` offers one; otherwise the
    ``ValidationError`` says why (a late application has no Fiktionswirkung)."""
    from ..effects import issue_fiktion_certificate as issue
    from ..fiktion import FIKTION_DEFAULT_DAYS, FIKTION_MAX_DAYS, fiktion_status

    now = timezone.now()
    today = timezone.localdate(now)
    if valid_until is None:
        valid_until = today + dt.timedelta(days=FIKTION_DEFAULT_DAYS)
    if not isinstance(valid_until, dt.date) or valid_until <= today:
        raise ValidationError({"valid_until": _("The certificate must be valid beyond today.")})
    if valid_until > today + dt.timedelta(days=FIKTION_MAX_DAYS):
        raise ValidationError(
            {
                "valid_until": _("A certificate is valid for at most %(days)s days at once.")
                % {"days": FIKTION_MAX_DAYS}
            }
        )
    with transaction.atomic():
        locked = _locked(case)
        if not (policy_for(user).roles(locked) & CERTIFIERS):
            raise _deny()
        status = fiktion_status(locked, today=today)
        if status is None:
            raise ValidationError(_("This application is not the extension of a current title."))
        if not status.offered:
            raise ValidationError(
                _("No Fiktionsbescheinigung: %(reason)s.") % {"reason": status.reason}
            )
        notice = issue(locked, user, now, valid_until=valid_until)
        # The register holds it as the holder's status document, the previous one replaced.
        record_fiktion_certificate(locked, valid_until=valid_until, user=user, at=now)
        _record_event(
            locked,
            HistoryEvent.FIKTION_ISSUED,
            change="fiktion_issued",
            at=now,
            by=user,
            comment=_("valid until %(date)s") % {"date": valid_until.strftime("%d.%m.%Y")},
        )
    _forget(case, "notices")
    notice.case = case
    return notice


def mark_notice_posted(*, notice: Notice, user) -> Notice:
    """The office printed an issued notice and put it in the post."""
    now = timezone.now()
    with transaction.atomic():
        case = _locked(notice.case)
        if not (policy_for(user).roles(case) & WORKING_ROLES):
            raise _deny()
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.ISSUED:
            raise ValidationError(_("Only an issued notice can be posted."))
        if locked.posted_at is None:
            locked.posted_at = now
            locked.save(update_fields=["posted_at"])
            _record_event(
                case,
                HistoryEvent.NOTICE_POSTED,
                change="notice_posted",
                at=now,
                by=user,
                comment=str(locked.get_kind_display()),
            )
    notice.posted_at = locked.posted_at
    return notice


def send_notice_mail(*, notice_id: int) -> bool:
    """E-mail an issued notice: its text in the applicant's language, the stored PDF attached.

    Once: a notice already e-mailed is not sent again. A failure is logged and leaves the
    notice unsent (the case file offers it for printing and posting)."""
    notice = Notice.objects.select_related("case", "case__person").get(pk=notice_id)
    if notice.status != NoticeStatus.ISSUED or notice.emailed_at or not notice.emailed_to:
        return False
    section = next(
        (s for s in notice.sections if s["language"] == notice.language), notice.sections[0]
    )
    try:
        with notice_storage().open(notice.file, "rb") as stored:
            pdf = stored.read()
        message = EmailMessage(
            subject=section["subject"],
            body="\n\n".join(section["paragraphs"]),
            to=[notice.emailed_to],
        )
        message.attach(f"{notice.case.file_number}-{notice.kind}.pdf", pdf, "application/pdf")
        message.send()
    except Exception:  # noqa: BLE001 - the notice stays issued; post is the other way
        logger.exception("notice %s: e-mail failed", notice.pk)
        return False
    Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


def _forget(case, name: str) -> None:
    cache = getattr(case, "_prefetched_objects_cache", None)
    if cache:
        cache.pop(name, None)
