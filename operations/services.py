"""Writes of the operations app: reminders before expiry, bulk continuation, letter templates."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from background.leases import TaskHealth, release_task, task_health
from casework.constants import (
    FINAL_STATES,
    CaseState,
    HistoryEvent,
    NoticeKind,
    NoticeStatus,
    RecordKind,
)
from casework.fiktion import FIKTION_RENEW_DAYS
from casework.files import delete_after_commit, save_after_commit
from casework.models import Case, Notice, Person, ResidenceRecord
from casework.policy import policy_for
from casework.selectors import cases_visible_to
from casework.services import continue_titles

from .constants import LETTER_LANGUAGES, LetterKind, ReminderKind, RunStatus
from .defaults import DEFAULT_TEMPLATES
from .letters import (
    TemplateSet,
    letter_language,
    office_letterhead,
    render_letters_pdf,
    render_tagged_letter_pdf,
)
from .models import (
    ContinuationBatch,
    ContinuationItem,
    ContinuationOrdinance,
    DocumentRequest,
    LetterTemplate,
    Reminder,
)
from .pdf import CoverPage

__all__ = [
    "CONTINUATION_TRANSITION",
    "send_document_request",
    "belehrung_pdf",
    "certificate_letters",
    "certificate_pdf",
    "receipt_pdf",
    "continuation_candidates",
    "continuation_progress",
    "continuation_run_state",
    "rebuild_print_files",
    "RunState",
    "create_expiry_reminders",
    "create_ordinance",
    "forget_cases",
    "reminder_window_end",
    "render_certificates",
    "rerender_print_files",
    "run_continuation",
    "seed_letter_templates",
    "start_continuation",
]

logger = logging.getLogger(__name__)

#: The transition name of the history row a continuation writes (the state does not change).
CONTINUATION_TRANSITION = str(HistoryEvent.CONTINUED)
REMINDER_LEAD_MONTHS = 3
#: A Fiktionsbescheinigung is valid for a few months: its holder is reminded when it can be
#: renewed, two weeks ahead (casework.fiktion.FIKTION_RENEW_DAYS).
FIKTION_REMINDER_LEAD_DAYS = FIKTION_RENEW_DAYS
_REMINDER_LETTERS = {
    ReminderKind.TITLE: LetterKind.TITLE_REMINDER,
    ReminderKind.PASSPORT: LetterKind.PASSPORT_REMINDER,
    ReminderKind.FIKTION: LetterKind.FIKTION_REMINDER,
}
NOT_HOLDING = (CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.FORWARDED)
#: The register's documents whose holders are reminded before expiry (a Duldung or a
#: Fiktionsbescheinigung is renewed in person, without a letter).
REMINDED_KINDS = (RecordKind.TITLE, RecordKind.EU_CARD)


# -- letter templates ---------------------------------------------------------------------------


def seed_letter_templates() -> int:
    """Create the default templates that do not exist yet; edited ones are left alone."""
    existing = set(LetterTemplate.objects.values_list("kind", "language"))
    new = [
        LetterTemplate(kind=kind, language=language, subject=subject, body=body)
        for kind, languages in DEFAULT_TEMPLATES.items()
        for language, (subject, body) in languages.items()
        if (str(kind), language) not in existing
    ]
    LetterTemplate.objects.bulk_create(new)
    return len(new)


# -- reminders ----------------------------------------------------------------------------------


#: A letter still missing this long after its reminder was written is queued again.
LETTER_RETRY_AFTER = dt.timedelta(hours=1)


def reminder_window_end(today: dt.date) -> dt.date:
    """The last expiry date that gets a reminder on ``today``: about three months ahead."""
    month = today.month - 1 + REMINDER_LEAD_MONTHS
    year, month = today.year + month // 12, month % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _title_candidates(today: dt.date, end: dt.date) -> QuerySet[ResidenceRecord]:
    """Titles in the register expiring in the window whose holder has not applied again.

    Read from the register (residence titles and EU residence cards still in force, not
    replaced by a newer document); a holder with an open case (an extension under way) or a
    later document in force is not reminded.
    """
    open_case = Case.objects.filter(person=OuterRef("person")).exclude(state__in=FINAL_STATES)
    later = ResidenceRecord.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")),
        person=OuterRef("person"),
        superseded_by__isnull=True,
    )
    reminded = Reminder.objects.filter(
        person=OuterRef("person"), kind=ReminderKind.TITLE, expires_on=OuterRef("valid_until")
    )
    return (
        ResidenceRecord.objects.filter(
            superseded_by__isnull=True,
            kind__in=REMINDED_KINDS,
            valid_until__gte=today,
            valid_until__lte=end,
        )
        .exclude(Exists(open_case))
        .exclude(Exists(later))
        .exclude(Exists(reminded))
        .select_related("person", "case", "case__case_type")
        .order_by("valid_until", "pk")
    )


def _passport_candidates(today: dt.date, end: dt.date) -> QuerySet[Person]:
    """Passports expiring in the window of people who hold a title here (a case that has not
    ended without one, or a document in force in the register)."""
    ours = Case.objects.filter(person=OuterRef("pk")).exclude(state__in=NOT_HOLDING)
    held = ResidenceRecord.objects.filter(
        person=OuterRef("pk"), superseded_by__isnull=True
    ).exclude(valid_until__lt=today)
    reminded = Reminder.objects.filter(
        person=OuterRef("pk"),
        kind=ReminderKind.PASSPORT,
        expires_on=OuterRef("passport_valid_until"),
    )
    return (
        Person.objects.filter(passport_valid_until__gte=today, passport_valid_until__lte=end)
        .filter(Exists(ours) | Exists(held))
        .exclude(Exists(reminded))
        .order_by("passport_valid_until", "pk")
    )


def _fiktion_candidates(today: dt.date) -> QuerySet[Notice]:
    """Fiktionsbescheinigungen running out within two weeks while their case is undecided.

    Only the latest certificate of a case counts (a newer one replaced it); each holder is
    reminded once per certificate's expiry date, a missed day is caught up the next."""
    later = Notice.objects.filter(
        case=OuterRef("case"),
        kind=NoticeKind.FIKTION,
        status=NoticeStatus.ISSUED,
        valid_until__gt=OuterRef("valid_until"),
    )
    reminded = Reminder.objects.filter(
        person=OuterRef("case__person"),
        kind=ReminderKind.FIKTION,
        expires_on=OuterRef("valid_until"),
    )
    return (
        Notice.objects.filter(
            kind=NoticeKind.FIKTION,
            status=NoticeStatus.ISSUED,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=FIKTION_REMINDER_LEAD_DAYS),
        )
        .exclude(case__state__in=FINAL_STATES)
        .exclude(Exists(later))
        .exclude(Exists(reminded))
        .select_related("case", "case__person", "case__case_type")
        .order_by("valid_until", "pk")
    )


#: Reminders whose letters one background task renders and mails.
REMINDER_LETTER_CHUNK = 50


def _reminder_letter(reminder: Reminder, templates, office):
    letter_kind = _REMINDER_LETTERS[reminder.kind]
    context = {
        "person": reminder.person,
        "case": reminder.case,
        "office": office,
        "expires_on": reminder.expires_on,
    }
    return templates.letter(letter_kind, [reminder.language], context, person=reminder.person)


def _send_reminder_mail(reminder: Reminder, subject: str, text: str, pdf: bytes) -> None:
    message = EmailMessage(subject=subject, body=text, to=[reminder.emailed_to])
    message.attach(f"{subject[:60]}.pdf", pdf, "application/pdf")
    message.send()
    Reminder.objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def _resend_pending_mails(templates, office) -> int:
    """E-mails that failed on an earlier run (the letter exists, the mail was not sent)."""
    sent = 0
    pending = Reminder.objects.filter(emailed_at__isnull=True).exclude(emailed_to="")
    for reminder in pending.exclude(letter="").select_related("person", "case", "case__case_type"):
        letter_kind = _REMINDER_LETTERS[reminder.kind]
        context = {
            "person": reminder.person,
            "case": reminder.case,
            "office": office,
            "expires_on": reminder.expires_on,
        }
        section = templates.section(letter_kind, reminder.language, context)
        pdf = reminder.letter.read() if reminder.letter else b""
        try:
            _send_reminder_mail(reminder, section.subject, section.text, pdf)
            sent += 1
        except Exception:  # noqa: BLE001 - a mail server hiccup must not stop the job
            logger.exception("reminder %s: e-mail failed", reminder.pk)
    return sent


def send_reminder_letters(reminder_ids: list[int]) -> int:
    """Render the letters of these reminders (those still without one), store each with its
    reminder and e-mail it where the holder gave an address (the background task of
    :func:`create_expiry_reminders`). Answers the number of mails sent.

    A reminder another run is rendering (its row locked) or has rendered is passed over, so a
    letter queued twice is made once; a mail that fails is sent by the next daily run."""
    templates = TemplateSet()
    office = office_letterhead()
    mailed = 0
    for reminder_id in reminder_ids:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("person", "case", "case__case_type")
                .filter(pk=reminder_id, letter="")
                .first()
            )
            if reminder is None:
                continue
            letter = _reminder_letter(reminder, templates, office)
            pdf = render_tagged_letter_pdf(letter, office=office)  # sent to the holder: tagged
            reminder.letter.save(f"reminder-{reminder.pk}.pdf", ContentFile(pdf), save=True)
        if not reminder.emailed_to or reminder.emailed_at:
            continue
        section = letter.sections[0]
        try:
            _send_reminder_mail(reminder, section.subject, section.text, pdf)
            mailed += 1
        except Exception:  # noqa: BLE001 - retried by the next run
            logger.exception("reminder %s: e-mail failed", reminder.pk)
    return mailed


def _queue_reminder_letters(reminder_ids: list[int]) -> int:
    """Hand the letters to the background worker in chunks; answers the mails sent already
    (a backend that runs tasks at once, as in tests and a single-process setup)."""
    from django_tasks import TaskResultStatus

    from .tasks import send_reminder_letters_task

    mailed = 0
    for start in range(0, len(reminder_ids), REMINDER_LETTER_CHUNK):
        result = send_reminder_letters_task.enqueue(
            reminder_ids[start : start + REMINDER_LETTER_CHUNK]
        )
        if result.status == TaskResultStatus.SUCCESSFUL:
            mailed += result.return_value or 0
    return mailed


def create_expiry_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: remind holders whose title or passport expires within about 3 months,
    and those whose Fiktionsbescheinigung runs out within two weeks before their decision.

    The window is "expires between today and three months ahead, no reminder yet", so a run
    missed yesterday is caught up today, and a rerun finds nothing new. Each reminder is one
    row (unique per person, kind and expiry date), all of a run written in one statement;
    their letters are rendered, stored and e-mailed by the background worker in chunks
    (:func:`send_reminder_letters`: a register of a million persons brings about a thousand a
    day, more than a minute of PDF work), each mail marked sent, so it is not sent twice.
    Letters an earlier run left unmade (a worker lost) are queued again.
    """
    today = today or timezone.localdate()
    end = reminder_window_end(today)
    templates = TemplateSet()
    office = office_letterhead()
    resent = _resend_pending_mails(templates, office)
    now = timezone.now()
    rows = (
        [
            Reminder(
                person_id=record.person_id,
                case_id=record.case_id,
                kind=ReminderKind.TITLE,
                expires_on=record.valid_until,
                language=letter_language(record.person.preferred_language),
                emailed_to=record.person.email,
                created_at=now,
            )
            for record in _title_candidates(today, end)
        ]
        + [
            Reminder(
                person_id=person.pk,
                kind=ReminderKind.PASSPORT,
                expires_on=person.passport_valid_until,
                language=letter_language(person.preferred_language),
                emailed_to=person.email,
                created_at=now,
            )
            for person in _passport_candidates(today, end)
        ]
        + [
            Reminder(
                person_id=certificate.case.person_id,
                case_id=certificate.case_id,
                kind=ReminderKind.FIKTION,
                expires_on=certificate.valid_until,
                language=letter_language(certificate.case.person.preferred_language),
                emailed_to=certificate.case.person.email,
                created_at=now,
            )
            for certificate in _fiktion_candidates(today)
        ]
    )
    unmade = list(
        Reminder.objects.filter(letter="", created_at__lt=now - LETTER_RETRY_AFTER).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        # Another run may have reminded some meanwhile: once per title, whoever was first.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Reminder.objects.filter(created_at=now, letter="")
            .order_by("expires_on", "pk")
            .values_list("pk", flat=True)
        )
    mailed = _queue_reminder_letters(created + unmade)
    return {"created": len(created), "mailed": mailed + resent}


# -- bulk continuation --------------------------------------------------------------------------


def create_ordinance(
    *, user, case_type, cut_off_on: dt.date, valid_until: dt.date, reference: str
) -> ContinuationOrdinance:
    if not policy_for(user).supervises_anything():
        raise PermissionDenied
    errors = {}
    if valid_until <= cut_off_on:
        errors["valid_until"] = _("The new validity date must be after the cut-off date.")
    if not reference.strip():
        errors["reference"] = _("Name the ordinance.")
    if errors:
        raise ValidationError(errors)
    return ContinuationOrdinance.objects.create(
        case_type=case_type,
        cut_off_on=cut_off_on,
        valid_until=valid_until,
        reference=reference.strip(),
        created_by=user,
    )


def continuation_candidates(ordinance: ContinuationOrdinance, user) -> QuerySet[Case]:
    """Cases whose title the ordinance continues and which are not continued yet.

    Read from the register: a case qualifies when it is of the ordinance's type, still holds
    its title (not refused, withdrawn or forwarded), is visible to the user, and the register
    holds the title's record in force, valid on the cut-off date and ending before the new
    date: the record the case handed over, or (an extension under way) the holder's record
    of the title being extended (``title_expires_on``). A title decided but not handed over
    yet (``granted_until`` of an open case) is continued on its case.
    """
    done = ContinuationItem.objects.filter(ordinance=ordinance, case=OuterRef("pk"))
    in_force = ResidenceRecord.objects.filter(
        superseded_by__isnull=True,
        valid_until__gte=ordinance.cut_off_on,
        valid_until__lt=ordinance.valid_until,
    )
    # The case's own title, not the Fiktionsbescheinigung it issued (that stands for the
    # title being extended, found by its date below).
    own = in_force.filter(case=OuterRef("pk")).exclude(kind=RecordKind.FIKTION)
    extended = in_force.filter(
        person=OuterRef("person"), case__isnull=True, valid_until=OuterRef("title_expires_on")
    )
    return (
        cases_visible_to(user)
        .filter(case_type=ordinance.case_type)
        .exclude(state__in=NOT_HOLDING)
        .filter(
            Exists(own)
            # A title decided but not handed over yet is not in the register: its case
            # carries it (its record is written at the hand-over, with the continued date).
            | ~Q(state=CaseState.HANDED_OVER)
            & Q(granted_until__gte=ordinance.cut_off_on, granted_until__lt=ordinance.valid_until)
            | Q(granted_until__isnull=True) & Exists(extended)
        )
        .exclude(Exists(done))
    )


def continuation_progress(ordinance: ContinuationOrdinance) -> dict[str, int]:
    """Titles continued of the run's total, and certificates already in print files."""
    done = ordinance.items.count()
    printed = ordinance.items.filter(batch__isnull=False).count() if done else 0
    return {
        "done": done,
        "total": max(ordinance.total, done),
        "printed": printed,
        "batches": ordinance.batches.count() if printed else 0,
    }


class RunState:
    """How the back office shows a run (the ordinance's status, checked against its task)."""

    DRAFT = "draft"
    QUEUED = "queued"
    RUNNING = "running"
    STALLED = "stalled"
    DONE = "done"
    FAILED = "failed"


def continuation_run_state(ordinance: ContinuationOrdinance) -> str:
    """*stalled* when the ordinance says queued or running but no worker is on its task
    (the worker died or the task was lost); the page then offers "resume"."""
    if ordinance.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return str(ordinance.status)
    health = task_health(ordinance.task_id)
    if health == TaskHealth.QUEUED:
        return RunState.QUEUED
    if health == TaskHealth.RUNNING:
        return RunState.RUNNING
    if health == TaskHealth.MISSING and not ordinance.task_id:
        # Queued a moment ago: the task's id is written right after the commit.
        return RunState.QUEUED if ordinance.status == RunStatus.QUEUED else RunState.STALLED
    return RunState.STALLED


def _queue_run(ordinance_id: int) -> None:
    from .tasks import run_continuation_task

    result = run_continuation_task.enqueue(ordinance_id)
    ContinuationOrdinance.objects.filter(pk=ordinance_id, task_id="").update(task_id=result.id)


def start_continuation(*, ordinance: ContinuationOrdinance, user) -> ContinuationOrdinance:
    """Fix who runs it and how many titles it covers, then queue the background task.

    Also resumes a stalled run: the old task (whose worker is gone) is released first, so
    it can never run beside the new one. A run that a live worker holds is refused.
    """
    if not policy_for(user).supervises_anything():
        raise PermissionDenied
    with transaction.atomic():
        ordinance = ContinuationOrdinance.objects.select_for_update().get(pk=ordinance.pk)
        if ordinance.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            if continuation_run_state(ordinance) != RunState.STALLED or not release_task(
                ordinance.task_id
            ):
                raise ValidationError(_("This ordinance is already being applied."))
        elif ordinance.task_id:
            release_task(ordinance.task_id)
        remaining = continuation_candidates(ordinance, user).count()
        ordinance.run_by = user
        ordinance.total = ordinance.items.count() + remaining
        ordinance.status = RunStatus.QUEUED
        ordinance.error = ""
        ordinance.task_id = ""
        ordinance.save(update_fields=["run_by", "total", "status", "error", "task_id"])
        pk = ordinance.pk
        transaction.on_commit(lambda: _queue_run(pk))
    return ordinance


def rebuild_print_files(*, ordinance: ContinuationOrdinance, user) -> ContinuationOrdinance:
    """Render every certificate again from what was done (e.g. after a template fix or a lost
    file): the old print files go when the new run starts; the titles are not touched."""
    if not policy_for(user).supervises_anything():
        raise PermissionDenied
    with transaction.atomic():
        locked = ContinuationOrdinance.objects.select_for_update().get(pk=ordinance.pk)
        if locked.status in (RunStatus.QUEUED, RunStatus.RUNNING) and (
            continuation_run_state(locked) != RunState.STALLED
        ):
            raise ValidationError(_("This ordinance is already being applied."))
        if not locked.items.exists():
            raise ValidationError(_("No title has been continued yet: nothing to print."))
        storage = ContinuationBatch._meta.get_field("file").storage
        for name in locked.batches.values_list("file", flat=True):
            delete_after_commit(storage, name)
        locked.items.update(batch=None)
        locked.batches.all().delete()
    return start_continuation(ordinance=locked, user=user)


def chunk_size() -> int:
    """Cases continued per transaction (``OPERATIONS_CONTINUATION_CHUNK``, default 200)."""
    return max(1, int(getattr(settings, "OPERATIONS_CONTINUATION_CHUNK", 200)))


def print_batch_size() -> int:
    """Letters per print file (``OPERATIONS_PRINT_BATCH``, default 500)."""
    return max(1, int(getattr(settings, "OPERATIONS_PRINT_BATCH", 500)))


def _continuation_note(ordinance: ContinuationOrdinance, previous: dt.date) -> str:
    """The text of a continued case's history row."""
    return _("Title continued from %(old)s to %(new)s by: %(reference)s") % {
        "old": previous.strftime("%d.%m.%Y"),
        "new": ordinance.valid_until.strftime("%d.%m.%Y"),
        "reference": ordinance.reference,
    }


def _continue(ordinance: ContinuationOrdinance, case_ids: list[int], now) -> int:
    """Titles through casework (dates, history rows, one announcement), then the items to
    print, in the caller's transaction."""
    continued = continue_titles(
        case_ids=case_ids,
        valid_until=ordinance.valid_until,
        user=ordinance.run_by,
        note=lambda _case_id, previous: _continuation_note(ordinance, previous),
        at=now,
    )
    ContinuationItem.objects.bulk_create(
        [
            ContinuationItem(
                ordinance=ordinance,
                case_id=title.case_id,
                previous_valid_until=title.previous,
                language=letter_language(title.preferred_language),
                done_at=now,
            )
            for title in continued
        ]
    )
    return len(continued)


def _continue_chunk(ordinance: ContinuationOrdinance, case_ids: list[int], now) -> int:
    """Continue a chunk of cases in one transaction: titles, history rows and items together,
    or none of them. A case another run continued meanwhile makes the chunk fall back to
    one transaction per case. Answers how many cases this call continued."""
    try:
        with transaction.atomic():
            done = set(
                ContinuationItem.objects.filter(
                    ordinance=ordinance, case_id__in=case_ids
                ).values_list("case_id", flat=True)
            )
            return _continue(ordinance, [pk for pk in case_ids if pk not in done], now)
    except IntegrityError:
        return sum(_continue_one(ordinance, pk, now) for pk in case_ids)


def _continue_one(ordinance: ContinuationOrdinance, case_id: int, now: dt.datetime) -> bool:
    """Continue one case in its own transaction: title, history row and item, or nothing.

    The item's unique (ordinance, case) key has the last word: when an earlier (or
    concurrent) run continued the case, the whole transaction is rolled back.
    """
    try:
        with transaction.atomic():
            if ContinuationItem.objects.filter(ordinance=ordinance, case_id=case_id).exists():
                return False
            return _continue(ordinance, [case_id], now) == 1
    except IntegrityError:
        return False


@contextmanager
def _commits_without_waiting_for_the_disk() -> Iterator[None]:
    """PostgreSQL's asynchronous commit for the per-chunk transactions of a run.

    Each chunk is still its own transaction (done or untouched); its commit just does not
    wait for the WAL flush. A server crash can lose the last few commits (well under a
    second): those cases are then untouched, and the next run continues them. The run's
    next ordinary commit (a print file, the status) flushes every earlier one to disk.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            # Never hand a connection with asynchronous commit on to the next task: closing it
            # drops the session setting with it.
            logger.warning("could not reset synchronous_commit", exc_info=True)
            connection.close()


def run_continuation(
    ordinance_id: int,
    *,
    task_id: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Apply an ordinance to every qualifying case, then print the certificates in batches.

    Cases are continued in chunks, each chunk one transaction with its items, so a crash
    leaves every case fully continued or untouched; running again picks up the rest and
    changes nothing that is done. Then every continued case without a certificate in a
    print file gets one: batch after batch, each committed with its file, so a run stopped
    while printing goes on with the next batch. Memory stays flat however many titles.
    """
    ordinance = ContinuationOrdinance.objects.select_related("case_type", "run_by").get(
        pk=ordinance_id
    )
    if ordinance.run_by is None:
        raise ValidationError(_("Start the ordinance from the back office first."))
    started = {"status": RunStatus.RUNNING, "started_at": Coalesce(F("started_at"), timezone.now())}
    if task_id:
        started["task_id"] = str(task_id)
    ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(**started)
    continued = 0
    try:
        ids = list(
            continuation_candidates(ordinance, ordinance.run_by)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = chunk_size()
        with _commits_without_waiting_for_the_disk():
            for start in range(0, len(ids), size):
                count = _continue_chunk(ordinance, ids[start : start + size], timezone.now())
                if count:
                    continued += count
                    if on_progress:
                        on_progress(continued)
        printed = render_certificates(ordinance)
    except Exception as exc:
        ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    done = ordinance.items.count()
    ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        total=done,
    )
    return {"continued": continued, "done": done, "printed": printed}


def certificate_letters(
    ordinance: ContinuationOrdinance, items=None, *, templates=None, office=None
):
    """One bilingual letter (German, then the holder's language) per continued case."""
    templates = templates or TemplateSet()
    office = office or office_letterhead()
    if items is None:
        items = ordinance.items.all()
    items = items.select_related("case", "case__person", "case__case_type").order_by(*PRINT_ORDER)
    for item in items.iterator(chunk_size=500):
        yield _certificate(ordinance, item, templates, office)


#: Certificates are printed in the order of the holders' names.
PRINT_ORDER = ("case__person__family_name", "case__person__given_names", "pk")


def _certificate(ordinance, item, templates, office):
    person = item.case.person
    context = {
        "person": person,
        "case": item.case,
        "office": office,
        "ordinance": ordinance,
        "previous_valid_until": item.previous_valid_until,
    }
    languages = ["de", item.language if item.language in LETTER_LANGUAGES else "de"]
    letter = templates.letter(
        LetterKind.CONTINUATION_CERTIFICATE, languages, context, person=person
    )
    letter.date = timezone.localdate(item.done_at)
    return letter


def _holder(item) -> str:
    person = item.case.person
    return f"{person.family_name}, {person.given_names}".strip(", ")[:300]


def render_certificates(ordinance: ContinuationOrdinance) -> int:
    """Print every certificate not yet in a print file, in batches sorted by name.

    Each batch is one PDF (a cover sheet, then its letters) stored together with the
    items' link to it in one transaction; the file takes its name only when that commits.
    Answers the number of letters printed by this call.
    """
    templates, office = TemplateSet(), office_letterhead()
    size = print_batch_size()
    pending = ordinance.items.filter(batch__isnull=True)
    # The pending items' order is read once (ids only: a few bytes per title), not sorted
    # again for every batch; each batch then reads its own rows by id.
    order = list(pending.order_by(*PRINT_ORDER).values_list("pk", flat=True))
    remaining = len(order)
    if not remaining:
        return 0
    total = ordinance.items.count()
    last = ordinance.batches.order_by("-number").values_list("number", flat=True).first() or 0
    batches = last + -(-remaining // size)
    first_letter = total - remaining + 1
    printed = 0
    storage = ContinuationBatch._meta.get_field("file").storage
    for start in range(0, len(order), size):
        items = list(
            pending.filter(pk__in=order[start : start + size])
            .select_related("case", "case__person", "case__case_type")
            .order_by(*PRINT_ORDER)
        )
        if not items:
            continue
        number = last + 1
        cover = CoverPage(
            title=_("Print batch %(number)s of %(count)s") % {"number": number, "count": batches},
            lines=(
                str(ordinance),
                ordinance.reference[:200],
                "",
                _("Letters %(first)s to %(last)s of %(total)s")
                % {
                    "first": first_letter + printed,
                    "last": first_letter + printed + len(items) - 1,
                    "total": total,
                },
                _("Holders from “%(first)s” to “%(last)s”")
                % {"first": _holder(items[0]), "last": _holder(items[-1])},
                _("Created on %(date)s") % {"date": timezone.localdate().strftime("%d.%m.%Y")},
                "",
                _("Each letter starts on a new page; post it in a window envelope."),
            ),
        )
        pdf = render_letters_pdf(
            (_certificate(ordinance, item, templates, office) for item in items),
            office=office,
            cover=cover,
        )
        with transaction.atomic():
            name = save_after_commit(
                storage,
                f"continuations/{ordinance.pk}/batch-{number:04d}-{uuid.uuid4().hex[:8]}.pdf",
                pdf,
            )
            batch = ContinuationBatch.objects.create(
                ordinance=ordinance,
                number=number,
                file=name,
                letters=len(items),
                first_name=_holder(items[0]),
                last_name=_holder(items[-1]),
            )
            updated = ContinuationItem.objects.filter(
                pk__in=[item.pk for item in items], batch__isnull=True
            ).update(batch=batch)
            if updated != len(items):  # another run printed some of them meanwhile
                raise IntegrityError("print batch raced with another run")
        printed += len(items)
        last = number
        del pdf, items
    return printed


def certificate_pdf(item: ContinuationItem) -> bytes:
    """The certificate of one holder (rendered again from the item: same text each time)."""
    ordinance = item.ordinance
    items = ContinuationItem.objects.filter(pk=item.pk)
    # One holder's copy is tagged (PDF/UA); the print run of all holders stays untagged.
    return render_tagged_letter_pdf(next(iter(certificate_letters(ordinance, items))))


def receipt_pdf(case: Case) -> bytes:
    """The acknowledgement of receipt, in the applicant's language (German otherwise)."""
    person = case.person
    context = {"person": person, "case": case, "office": office_letterhead()}
    letter = TemplateSet().letter(
        LetterKind.RECEIPT, [person.preferred_language], context, person=person
    )
    return render_tagged_letter_pdf(letter, office=context["office"])


def belehrung_pdf(case: Case, *, language: str | None = None) -> bytes:
    """The § 104c instruction sheet handed over with the card: German and the holder's language."""
    person = case.person
    context = {"person": person, "case": case, "office": office_letterhead()}
    letter = TemplateSet().letter(
        LetterKind.BELEHRUNG_104C,
        ["de", language or person.preferred_language],
        context,
        person=person,
    )
    return render_tagged_letter_pdf(letter, office=context["office"])


# -- deletion under the retention rules ---------------------------------------------------------


def forget_cases(case_ids) -> dict:
    """Before cases are deleted (same transaction): remove their continuation items, which
    protect the cases, take them out of their ordinances' totals, and drop the print batches
    that hold their certificates (the batch rows name holders too); the other letters of
    those batches wait to be printed again.

    Returns ``{"items": removed, "batches": removed, "files": [(model label, field, name)],
    "ordinances": [ids]}``: remove the files and call :func:`rerender_print_files` with the
    ordinances after the commit.
    """
    items = ContinuationItem.objects.filter(case_id__in=list(case_ids))
    per_ordinance = dict(
        items.order_by()
        .values("ordinance_id")
        .annotate(n=Count("pk"))
        .values_list("ordinance_id", "n")
    )
    batch_ids = set(items.exclude(batch=None).values_list("batch_id", flat=True))
    removed, _detail = items.delete()
    for ordinance_id, n in per_ordinance.items():
        ContinuationOrdinance.objects.filter(pk=ordinance_id).update(
            total=Greatest(F("total") - n, 0)
        )
    batches = ContinuationBatch.objects.filter(pk__in=batch_ids)
    label = ContinuationBatch._meta.label
    files = [(label, "file", name) for name in batches.values_list("file", flat=True) if name]
    ordinances = sorted(set(batches.values_list("ordinance_id", flat=True)))
    ContinuationItem.objects.filter(batch__in=batch_ids).update(batch=None)
    dropped, _detail = batches.delete()
    return {"items": removed, "batches": dropped, "files": files, "ordinances": ordinances}


def rerender_print_files(ordinance_ids) -> int:
    """Print the certificates of these ordinances that are in no print file (again)."""
    done = 0
    for ordinance in ContinuationOrdinance.objects.filter(pk__in=list(ordinance_ids)):
        render_certificates(ordinance)
        done += 1
    return done


# -- the letter of a request for documents ------------------------------------------------------


def send_document_request(*, case_id: int) -> DocumentRequest | None:
    """The letter of a case's latest request for documents: stored as PDF (the applicant's
    language and German), e-mailed with the PDF when the person gave an address; otherwise
    the case file offers it for printing and posting.

    Once per request (the documents' ``requested_at``): a second run only sends an e-mail
    that failed before. ``None`` when the case asks for nothing (no document requested).
    """
    case = Case.objects.select_related("person", "case_type").get(pk=case_id)
    requested = case.documents.filter(requested_at__isnull=False, received=False)
    latest = requested.order_by("-requested_at").values_list("requested_at", flat=True).first()
    if latest is None:
        return None
    documents = list(requested.filter(requested_at=latest).order_by("name", "pk"))
    due_on = max((d.due_on for d in documents if d.due_on), default=None)
    existing = DocumentRequest.objects.filter(case=case, requested_at=latest).first()
    if existing is None and due_on is not None:
        request = DocumentRequest(
            case=case,
            requested_at=latest,
            due_on=due_on,
            documents="\n".join(f"– {d.name}" for d in documents),
            language=letter_language(case.person.preferred_language),
            emailed_to=case.person.email,
        )
        letter = TemplateSet().letter(
            LetterKind.DOCUMENT_REQUEST,
            [request.language, "de"],
            _document_request_context(request),
            person=case.person,
        )
        try:
            with transaction.atomic():
                request.save()
                request.letter.save(
                    f"documents-{case.file_number}.pdf",
                    ContentFile(render_tagged_letter_pdf(letter, office=office_letterhead())),
                )
        except IntegrityError:  # another run was first
            return DocumentRequest.objects.get(case=case, requested_at=latest)
        existing = request
    if existing is not None and existing.emailed_to and existing.emailed_at is None:
        _send_document_request_mail(existing)
    return existing


def resend_document_requests() -> int:
    """E-mails of requests for documents that failed before (the daily job)."""
    sent = 0
    pending = DocumentRequest.objects.filter(emailed_at__isnull=True).exclude(emailed_to="")
    for request in pending.select_related("case", "case__person", "case__case_type"):
        try:
            _send_document_request_mail(request)
            sent += 1
        except Exception:  # noqa: BLE001 - a mail server hiccup must not stop the job
            logger.exception("request for documents %s: e-mail failed", request.pk)
    return sent


def _document_request_context(request: DocumentRequest) -> dict:
    from config.links import public_url

    return {
        "person": request.case.person,
        "case": request.case,
        "office": office_letterhead(),
        "due_on": request.due_on,
        "documents": request.documents,
        "status_url": public_url("applications:status", language=request.language),
    }


def _send_document_request_mail(request: DocumentRequest) -> None:
    """The letter's text in the applicant's language, the stored PDF attached."""
    context = _document_request_context(request)
    section = TemplateSet().section(LetterKind.DOCUMENT_REQUEST, request.language, context)
    with request.letter.open("rb") as stored:
        pdf = stored.read()
    message = EmailMessage(subject=section.subject, body=section.text, to=[request.emailed_to])
    message.attach(f"{request.case.file_number}.pdf", pdf, "application/pdf")
    message.send()
    now = timezone.now()
    DocumentRequest.objects.filter(pk=request.pk, emailed_at__isnull=True).update(emailed_at=now)
    request.emailed_at = now
