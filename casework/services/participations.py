"""Participations of other authorities: requested, answered, deemed given by the daily job.

Which authorities take part follows from the case type (:class:`ParticipationKind`, kept by
office management). Entering a state that opens participations (see
:data:`casework.workflow.CASE_WORKFLOW`) requests the ones the case still needs; each answer
and each deemed consent is a step of the participation's own workflow
(:data:`casework.workflow.PARTICIPATION_WORKFLOW`) with a history row on the case.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows import ParticipationStatus, describe_open

from ..constants import FINAL_STATES, HistoryEvent
from ..exceptions import TransitionNotAllowed
from ..models import Case, Participation, ParticipationKind
from ..workflow import PARTICIPATION_WORKFLOW
from ._common import _deny, _locked, _record_event, _text

__all__ = [
    "ANSWERS",
    "answer_participation",
    "deem_due_participations",
    "deem_participation",
    "open_needed_participations",
]

logger = logging.getLogger(__name__)

#: The participation workflow's steps a person records, with the case history's event.
ANSWERS = {
    "consent": HistoryEvent.PARTICIPATION_CONSENTED,
    "refuse": HistoryEvent.PARTICIPATION_REFUSED,
    "cancel": HistoryEvent.PARTICIPATION_CANCELLED,
}


def open_needed_participations(*, case: Case, user, now=None) -> list[Participation]:
    """Request the participations the case's type needs and the case has not got (one per
    authority that is not cancelled), each with a history row. Runs inside the caller's
    transaction (the step that opens them, or the receipt of the case)."""
    now = now or timezone.now()
    kinds = list(
        ParticipationKind.objects.filter(case_types=case.case_type_id, active=True).exclude(
            participations__in=Participation.objects.filter(case=case).exclude(
                status=ParticipationStatus.CANCELLED
            )
        )
    )
    created = []
    today = timezone.localdate(now)
    for kind in kinds:
        deemed_on = (
            today + dt.timedelta(days=kind.deemed_consent_days)
            if kind.deemed_consent_days is not None
            else None
        )
        participation = Participation.objects.create(
            case=case,
            kind=kind,
            authority=kind.authority,
            requested_at=now,
            requested_by=user,
            deemed_on=deemed_on,
        )
        _record_event(
            case,
            HistoryEvent.PARTICIPATION_REQUESTED,
            change="participation_requested",
            at=now,
            by=user,
            comment=f"{kind} – {describe_open(participation)}",
        )
        created.append(participation)
    if created:
        _forget(case)
        transaction.on_commit(lambda: _schedule_deemed(created), robust=True)
    return created


def answer_participation(
    *, participation: Participation, user, answer: str, text: str = "", now=None
) -> Participation:
    """Record the authority's consent or refusal, or cancel a request no longer needed.

    Raises ``PermissionDenied`` without the role, :class:`TransitionNotAllowed` with the
    reasons (already answered), ``ValidationError`` for an unknown answer or missing text.
    """
    if answer not in ANSWERS:
        raise ValidationError({"answer": _("Select a valid choice.")})
    text = _text(text, field="text", required=False)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(participation.case)
        locked = Participation.objects.select_for_update().get(pk=participation.pk, case=case)
        locked.case = case
        if not PARTICIPATION_WORKFLOW.is_permitted(answer, user, locked):
            raise _deny()
        reasons = PARTICIPATION_WORKFLOW.check(locked, user, answer, {"answer": text})
        if reasons:
            raise TransitionNotAllowed(reasons, transition=answer)
        PARTICIPATION_WORKFLOW.fire(locked, user, answer)
        locked.answered_at = now
        locked.answered_by = user
        locked.answer = text
        locked.save(update_fields=["status", "answered_at", "answered_by", "answer"])
        _record_event(
            case,
            ANSWERS[answer],
            change=f"participation_{answer}",
            at=now,
            by=user,
            comment=" – ".join(part for part in (locked.authority, text) if part)[:2000],
        )
    participation.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    _forget(participation.case)
    return participation


def deem_due_participations(*, today: dt.date | None = None) -> int:
    """The background worker's part: every participation whose deadline has come and that
    is still unanswered becomes a deemed consent, once, with a history row.

    Catches up days the worker missed (every deadline up to ``today``); a participation
    answered, cancelled or deemed meanwhile is left alone (each is locked and checked
    again), so running it twice, or two workers at once, deems each exactly once.
    """
    today = today or timezone.localdate()
    due = list(
        Participation.objects.filter(status=ParticipationStatus.REQUESTED, deemed_on__lte=today)
        .exclude(case__state__in=FINAL_STATES)  # a closed case needs no consent any more
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in due:
        if deem_participation(participation_id=pk, today=today):
            count += 1
    return count


def deem_participation(*, participation_id: int, today: dt.date | None = None) -> bool:
    """Deem one participation given if its deadline has come; answers whether it did."""
    today = today or timezone.localdate()
    now = timezone.now()
    case_id = (
        Participation.objects.filter(pk=participation_id).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        return False
    with transaction.atomic():
        # The case first, then the participation: the order every service locks them in.
        case = _locked(Case(pk=case_id))
        row = (
            Participation.objects.select_for_update()
            .filter(pk=participation_id, status=ParticipationStatus.REQUESTED)
            .first()
        )
        if row is None or case.state in FINAL_STATES:
            return False
        if row.deemed_on is None or row.deemed_on > today:
            return False
        row.case = case
        if PARTICIPATION_WORKFLOW.check(row, None, "deem"):
            return False  # the deadline has not come by the clock (a day given ahead)
        PARTICIPATION_WORKFLOW.fire(row, None, "deem")
        row.answered_at = now
        row.save(update_fields=["status", "answered_at"])
        _record_event(
            case,
            HistoryEvent.PARTICIPATION_DEEMED,
            change="participation_deemed",
            at=now,
            by=None,
            comment=_("%(authority)s: no answer by %(date)s, consent deemed given")
            % {"authority": row.authority, "date": row.deemed_on.strftime("%d.%m.%Y")},
        )
    return True


def _schedule_deemed(participations: list[Participation]) -> None:
    """Queue the worker's deemed consent for the morning of each deadline (backends that
    defer tasks only; the daily job catches up whatever a queued task missed)."""
    from ..tasks import deem_participation_task

    backend = deem_participation_task.get_backend()
    if not backend.supports_defer:
        return
    for p in participations:
        if p.deemed_on is None:
            continue
        run_after = timezone.make_aware(dt.datetime.combine(p.deemed_on, dt.time(0, 5)))
        deem_participation_task.using(run_after=run_after).enqueue(p.pk)


def _forget(case) -> None:
    cache = getattr(case, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("participations", None)
    case.__dict__.pop("has_participations", None)
