"""Target groups: preview the persons of a group and send each of them its information letter
once (issue 14 item 3, e.g. § 25b candidates).

Who belongs to a group is :mod:`casework.target_groups`' answer over the register the policy
lets the user read (:meth:`~casework.policy.UserCasePolicy.residence_records`); a job reads it
again as the supervisor who started it. A letter is a :class:`~operations.models.
TargetGroupLetter` row, unique per group and person: a double click, two supervisors at once
or a job run twice send one letter. Each letter is rendered from the office's templates
(German and the person's language), stored, e-mailed where the person gave an address, and
logged in the register through casework's service (a history row of the person's current
record).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Person
from casework.policy import policy_for
from casework.services import log_register_letter
from casework.target_groups import Candidate, Selection, select

from .constants import DEFAULT_LETTER_LANGUAGE, RunStatus
from .letters import TemplateSet, office_letterhead, render_tagged_letter_pdf
from .models import TargetGroup, TargetGroupLetter, TargetGroupMailing

__all__ = [
    "MAILING_CHUNK",
    "case_hints",
    "may_use_target_groups",
    "run_mailing",
    "selection_for",
    "send_letter",
    "start_mailing",
]

logger = logging.getLogger(__name__)

#: Persons per transaction and progress update of a mailing.
MAILING_CHUNK = 50


def may_use_target_groups(user) -> bool:
    """Supervisors (their departments' register) and office management (all of it)."""
    return policy_for(user).supervises_anything()


def selection_for(group: TargetGroup, user, *, today: dt.date | None = None) -> Selection:
    """The group's persons among those whose register the user may read."""
    return select(policy_for(user).residence_record_parts(), group.criteria, today=today)


def _send_mail(letter: TargetGroupLetter, subject: str, text: str, pdf: bytes) -> None:
    message = EmailMessage(subject=subject, body=text, to=[letter.emailed_to])
    message.attach(f"{subject[:60]}.pdf", pdf, "application/pdf")
    message.send()
    TargetGroupLetter.objects.filter(pk=letter.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def send_letter(
    *,
    group: TargetGroup,
    candidate: Candidate,
    user,
    mailing: TargetGroupMailing | None = None,
    templates: TemplateSet | None = None,
    office=None,
) -> TargetGroupLetter | None:
    """The group's letter to one person, unless they have had it (None then).

    The row is written first in its own transaction: the unique constraint lets one of two
    concurrent senders through, the other finds the row and sends nothing."""
    templates = templates or TemplateSet()
    office = office or office_letterhead()
    person = candidate.person or Person.objects.get(pk=candidate.person_id)
    language = person.preferred_language or DEFAULT_LETTER_LANGUAGE
    now = timezone.now()
    try:
        with transaction.atomic():
            letter = TargetGroupLetter.objects.create(
                group=group,
                person=person,
                mailing=mailing,
                tolerated_since=candidate.since,
                language=language,
                emailed_to=person.email,
                sent_by=user,
                sent_at=now,
            )
            context = {
                "person": person,
                "case": None,
                "office": office,
                "tolerated_since": candidate.since,
            }
            rendered = templates.letter(
                group.letter_kind, [DEFAULT_LETTER_LANGUAGE, language], context, person=person
            )
            pdf = render_tagged_letter_pdf(rendered, office=office)
            letter.letter.save(f"target-group-{letter.pk}.pdf", ContentFile(pdf), save=True)
            log_register_letter(
                person_id=person.pk,
                user=user,
                at=now,
                comment=_("Information letter of the target group “%(group)s”")
                % {"group": group.name},
            )
    except IntegrityError:
        return None  # sent already (by another click, supervisor or run)
    if letter.emailed_to:
        section = rendered.sections[-1]
        try:
            _send_mail(letter, section.subject, section.text, pdf)
        except Exception:  # noqa: BLE001 - the letter stands; the mail is logged as missing
            logger.exception("target group letter %s: e-mail failed", letter.pk)
    return letter


def _queue(mailing_id: int) -> None:
    from .tasks import run_target_group_mailing_task

    run_target_group_mailing_task.enqueue(mailing_id)


def start_mailing(*, group: TargetGroup, user) -> TargetGroupMailing:
    """Queue the group's letters to the persons the user may see (a background job).

    A group has at most one open run (a partial unique constraint): a second click, or a
    second supervisor, while one is queued or running gets that run back."""
    if not may_use_target_groups(user) or not group.active:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    open_runs = TargetGroupMailing.objects.filter(
        group=group, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    try:
        with transaction.atomic():
            mailing = TargetGroupMailing.objects.create(group=group, started_by=user)
    except IntegrityError:
        return open_runs.get()
    transaction.on_commit(lambda: _queue(mailing.pk))
    return mailing


def run_mailing(mailing_id: int, *, today: dt.date | None = None) -> dict:
    """The job: every person of the group the starter may see gets the letter, once.

    Progress (``total``, ``sent``) is saved after each chunk; a run started again after a
    crash skips the persons who have their letter."""
    mailing = TargetGroupMailing.objects.select_related("group", "started_by").get(pk=mailing_id)
    if mailing.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return {"sent": mailing.sent}
    group, user = mailing.group, mailing.started_by
    candidates = selection_for(group, user, today=today).candidates()
    had = set(TargetGroupLetter.objects.filter(group=group).values_list("person_id", flat=True))
    todo = [c for c in candidates if c.person_id not in had]
    TargetGroupMailing.objects.filter(pk=mailing.pk).update(
        status=RunStatus.RUNNING, total=len(todo)
    )
    templates, office = TemplateSet(), office_letterhead()
    sent = 0
    try:
        for start in range(0, len(todo), MAILING_CHUNK):
            chunk = todo[start : start + MAILING_CHUNK]
            persons = Person.objects.in_bulk([c.person_id for c in chunk])
            for candidate in chunk:
                candidate = Candidate(
                    candidate.person_id,
                    candidate.since,
                    candidate.with_child,
                    persons.get(candidate.person_id),
                )
                if candidate.person is None:
                    continue  # erased meanwhile
                if send_letter(
                    group=group,
                    candidate=candidate,
                    user=user,
                    mailing=mailing,
                    templates=templates,
                    office=office,
                ):
                    sent += 1
            TargetGroupMailing.objects.filter(pk=mailing.pk).update(sent=sent)
    except Exception as exc:
        TargetGroupMailing.objects.filter(pk=mailing.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    TargetGroupMailing.objects.filter(pk=mailing.pk).update(
        status=RunStatus.DONE, sent=sent, finished_at=timezone.now()
    )
    return {"sent": sent, "total": len(todo)}


def case_hints(case, *, today: dt.date | None = None) -> list[tuple[TargetGroup, Candidate]]:
    """The target groups with a hint whose criteria the case's person meets (the same
    selection, for one person; the case file shows them on Duldung cases)."""
    from casework.models import ResidenceRecord

    hints = []
    for group in TargetGroup.objects.filter(active=True).exclude(hint=""):
        found = select(
            ResidenceRecord.objects.all(),
            group.criteria,
            today=today,
            person_ids=[case.person_id],
        ).candidates()
        if found:
            hints.append((group, found[0]))
    return hints
