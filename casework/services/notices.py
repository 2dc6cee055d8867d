"""Hearings and notices: the applicant's answer, the second person's approval, sending.

The steps that open a hearing, draft, discard and issue a refusal are workflow transitions
(:mod:`casework.workflow`, their rows in :mod:`casework.effects`); these services do what
happens beside them, each with its history row.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import CaseState, HearingAnswerVia, HistoryEvent, NoticeStatus
from ..exceptions import TransitionNotAllowed
from ..models import Hearing, Notice
from ..notices import notice_storage
from ..policy import WORKING_ROLES, policy_for
from ..workflow import NOTICE_WORKFLOW
from ._common import _deny, _locked, _record_event, _text

__all__ = [
    "approve_notice",
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
    note = _text(note, field="note", required=False)
    now = timezone.now()
    with transaction.atomic():
        case = _locked(notice.case)
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        locked.case = case
        if not NOTICE_WORKFLOW.is_permitted("approve", user, locked):
            raise _deny()
        reasons = NOTICE_WORKFLOW.check(locked, user, "approve")
        if reasons:
            raise TransitionNotAllowed(reasons, transition="approve")
        NOTICE_WORKFLOW.fire(locked, user, "approve")
        locked.approved_at = now
        locked.approved_by = user
        locked.save(update_fields=["status", "approved_at", "approved_by"])
        _record_event(
            case,
            HistoryEvent.NOTICE_APPROVED,
            change="notice_approved",
            at=now,
            by=user,
            comment=" – ".join(part for part in (locked.get_kind_display(), note) if part),
        )
    notice.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    _forget(notice.case, "notices")
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
