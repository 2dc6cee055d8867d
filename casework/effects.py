"""The database effects of the case workflow's transitions (``Transition.writes``).

:mod:`casework.workflow` names these by path next to each transition; the workflow resolves
and checks the paths when the application starts (:meth:`workflows.Workflow.resolve`).
:func:`casework.services.fire_transition` runs the transition's effect after the state change
is saved, in the same transaction, with ``(case, user, inputs, now)``; nothing else calls them.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import CardOrderStatus, HistoryEvent, NoticeDelivery, NoticeKind, NoticeStatus
from .exceptions import TransitionNotAllowed
from .files import save_after_commit
from .models import CardOrder, Case, HandOver, Hearing, Notice
from .workflow import NOTICE_WORKFLOW

__all__ = [
    "CARD_PRODUCTION_TIME",
    "checked",
    "discard_refusal_notice",
    "draft_grant_notice",
    "ended_without_title",
    "issue_fiktion_certificate",
    "issue_notice",
    "draft_refusal_notice",
    "hand_over",
    "issue_refusal_notice",
    "open_hearing",
    "open_participations",
    "new_card_order",
    "production_failed",
    "request_documents",
    "send_invitation",
    "send_letter",
]

#: The Bundesdruckerei takes about four to six weeks.
CARD_PRODUCTION_TIME = dt.timedelta(weeks=6)


def request_documents(case: Case, user, data: Mapping[str, Any], now) -> None:
    codes = data.get("documents") or []
    documents = case.documents.all()
    if codes:
        unknown = set(codes) - set(documents.values_list("code", flat=True))
        if unknown:
            raise ValidationError(
                {
                    "documents": _("Not on this case's checklist: %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )
        documents = documents.filter(code__in=codes)
        documents.update(received=False, received_at=None)
    else:
        documents = documents.filter(received=False)
    documents.update(requested_at=now, due_on=data["due_on"])


def new_card_order(case: Case, user, data: Mapping[str, Any], now) -> None:
    number = case.card_orders.count() + 1
    CardOrder.objects.create(
        case=case,
        order_number=f"{case.file_number}-K{number}",
        ordered_at=now,
        expected_on=timezone.localdate(now) + CARD_PRODUCTION_TIME,
    )


def production_failed(case: Case, user, data: Mapping[str, Any], now) -> None:
    case.card_orders.filter(status=CardOrderStatus.ORDERED).update(
        status=CardOrderStatus.FAILED, failure_reason=data.get("failure_reason", "")[:200]
    )


def hand_over(case: Case, user, data: Mapping[str, Any], now) -> None:
    HandOver.objects.create(
        case=case,
        collected_by=data["collected_by"],
        collected_by_authorised=bool(data.get("collected_by_authorised")),
        belehrung_handed_over=bool(data.get("belehrung_handed_over")),
        belehrung_language=data.get("belehrung_language") or "",
        handed_over_at=now,
        handed_over_by=user,
    )
    # The register gets the new title (imported here: the services package imports this one).
    from .services.register import records_from_hand_over

    records_from_hand_over(case, user, now)


# -- hearing and notices -----------------------------------------------------------------------


def _latest_hearing(case: Case) -> Hearing | None:
    return case.hearings.order_by("-requested_at", "-id").first()


def _open_notice(case: Case, kind: str) -> Notice | None:
    return (
        case.notices.filter(kind=kind, status__in=[NoticeStatus.DRAFTED, NoticeStatus.APPROVED])
        .order_by("-drafted_at", "-id")
        .first()
    )


def _language(case: Case) -> str:
    return case.person.preferred_language or "de"


def _issue(notice: Notice, user, now) -> Notice:
    """Render the notice once, store the PDF with its hash, choose e-mail or post; the mail
    goes out after the commit (:func:`casework.services.send_notice_mail`)."""
    from .notices import notice_pdf, notice_storage, sha256_of

    reasons = NOTICE_WORKFLOW.check(notice, user, "issue")
    if reasons:
        raise TransitionNotAllowed(reasons, transition="issue")
    NOTICE_WORKFLOW.fire(notice, user, "issue")
    notice.issued_at = now
    notice.issued_by = user
    pdf = notice_pdf(notice=notice)
    name = f"notices/{notice.case.file_number}/{notice.kind}-{now:%Y%m%d%H%M%S}.pdf"
    notice.file = save_after_commit(notice_storage(), name, pdf)
    notice.sha256 = sha256_of(pdf)
    email = notice.case.person.email
    notice.delivery = NoticeDelivery.EMAIL if email else NoticeDelivery.POST
    notice.emailed_to = email or ""
    notice.save()
    if email:
        from .services.notices import send_notice_mail

        transaction.on_commit(lambda: send_notice_mail(notice_id=notice.pk), robust=True)
    return notice


def open_hearing(case: Case, user, data: Mapping[str, Any], now) -> None:
    """The hearing row and its letter, issued at once (a hearing letter needs no approval)."""
    from .notices import notice_text

    hearing = Hearing.objects.create(
        case=case,
        grounds=data["grounds"],
        due_on=data["due_on"],
        requested_at=now,
        requested_by=user,
    )
    notice = Notice(
        case=case,
        kind=NoticeKind.HEARING,
        hearing=hearing,
        language=_language(case),
        drafted_at=now,
        drafted_by=user,
        sections=notice_text(
            case=case,
            kind=NoticeKind.HEARING,
            context={"grounds": hearing.grounds, "due_on": hearing.due_on},
        ),
    )
    notice.save()
    _issue(notice, user, now)


def draft_refusal_notice(case: Case, user, data: Mapping[str, Any], now) -> None:
    from .notices import notice_text

    hearing = _latest_hearing(case)
    context = {
        "reason": case.refusal_reason,
        "grounds": hearing.grounds if hearing else "",
        "hearing_on": timezone.localdate(hearing.requested_at) if hearing else None,
        "due_on": hearing.due_on if hearing else None,
        "answered_on": timezone.localdate(hearing.answered_at)
        if hearing and hearing.answered_at
        else None,
    }
    Notice.objects.create(
        case=case,
        kind=NoticeKind.REFUSAL,
        hearing=hearing,
        language=_language(case),
        reason=case.refusal_reason,
        drafted_at=now,
        drafted_by=user,
        sections=notice_text(case=case, kind=NoticeKind.REFUSAL, context=context),
    )


def draft_grant_notice(case: Case, user, data: Mapping[str, Any], now) -> Notice:
    """The check decides to grant: the grant notice is drafted from the office's templates
    (with its instructions on legal remedies) for a second person to approve. A draft still
    open from an earlier check is discarded first: one grant notice is open at a time."""
    from .notices import notice_text

    previous = _open_notice(case, NoticeKind.GRANT)
    if previous is not None:
        NOTICE_WORKFLOW.fire(previous, user, "discard")
        previous.save(update_fields=["status"])
    return Notice.objects.create(
        case=case,
        kind=NoticeKind.GRANT,
        language=_language(case),
        drafted_at=now,
        drafted_by=user,
        sections=notice_text(
            case=case, kind=NoticeKind.GRANT, context={"decided_on": timezone.localdate(now)}
        ),
    )


def send_letter(case: Case, user, now, *, kind: str, context: Mapping[str, Any] = ()) -> Notice:
    """A letter that informs (no approval: it decides nothing), written from the office's
    templates in German and the applicant's language and issued at once: e-mailed after the
    commit, or marked for post. The history row is the caller's."""
    from .notices import notice_text

    notice = Notice.objects.create(
        case=case,
        kind=kind,
        language=_language(case),
        drafted_at=now,
        drafted_by=user,
        sections=notice_text(case=case, kind=kind, context=dict(context)),
    )
    return _issue(notice, user, now)


def send_invitation(case: Case, user, now) -> Notice | None:
    """The invitation to the Service Point (biometrics, photo, fees), once per case: a second
    check (after documents were requested) sends none."""
    if case.notices.filter(kind=NoticeKind.INVITATION, status=NoticeStatus.ISSUED).exists():
        return None
    from .services._common import _record_event

    notice = send_letter(case, user, now, kind=NoticeKind.INVITATION)
    _record_event(
        case,
        HistoryEvent.LETTER_SENT,
        change="letter_sent",
        at=now,
        by=user,
        comment=str(notice.get_kind_display()),
    )
    return notice


def checked(case: Case, user, data: Mapping[str, Any], now) -> None:
    """The check decided to grant: the grant notice is drafted for a second person and the
    applicant is invited to the Service Point."""
    draft_grant_notice(case, user, data, now)
    send_invitation(case, user, now)


def issue_fiktion_certificate(case: Case, user, now, *, valid_until) -> Notice:
    """The certificate is written and issued at once (no approval: it decides nothing)."""
    from .notices import notice_text

    notice = Notice.objects.create(
        case=case,
        kind=NoticeKind.FIKTION,
        language=_language(case),
        drafted_at=now,
        drafted_by=user,
        valid_until=valid_until,
        sections=notice_text(
            case=case,
            kind=NoticeKind.FIKTION,
            context={
                "valid_until": valid_until,
                "title_expires_on": case.title_expires_on,
                "current_title": case.current_title,
            },
        ),
    )
    return _issue(notice, user, now)


def issue_notice(notice: Notice, user, now) -> Notice:
    """Issue a notice beside the case's own steps (the grant notice before the card is
    ordered): the notice workflow's guard refuses an unapproved one and says why."""
    return _issue(notice, user, now)


def discard_refusal_notice(case: Case, user, data: Mapping[str, Any], now) -> None:
    notice = _open_notice(case, NoticeKind.REFUSAL)
    if notice is not None:
        NOTICE_WORKFLOW.fire(notice, user, "discard")
        notice.save(update_fields=["status"])


def issue_refusal_notice(case: Case, user, data: Mapping[str, Any], now) -> None:
    notice = _open_notice(case, NoticeKind.REFUSAL)
    if notice is None:  # the case's guard said so already; a race lands here
        raise TransitionNotAllowed([_("there is no drafted refusal notice")], transition="refuse")
    _issue(notice, user, now)
    ended_without_title(case, user, data, now)


def ended_without_title(case: Case, user, data: Mapping[str, Any], now) -> None:
    """The case ended without a new title (refused, withdrawn, forwarded): what the register
    does with the documents the case issued (:func:`.services.register.records_at_case_end`)."""
    from .services.register import records_at_case_end

    records_at_case_end(case, user, now)


# -- participations of other authorities -----------------------------------------------------


def open_participations(case: Case, user, data: Mapping[str, Any], now) -> None:
    """The workflow's ``open_participations``: request what the case type needs and the case
    has not got yet (the rows and their history: :mod:`casework.services.participations`)."""
    from .services.participations import open_needed_participations

    open_needed_participations(case=case, user=user, now=now)
