"""Importing a legacy register: upload, the background run in chunks, resume, review.

The file is read as a stream; consecutive rows of one person key form a person
(:mod:`.rows`). Persons are written in chunks, each chunk one transaction with its row
errors, its legacy keys and the run's resume point (``rows_done``), so a crash leaves every
person whole or untouched and a new run goes on after the last chunk that committed.
Casework's models are written by casework's service (:func:`import_register_entries`) only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from background.leases import TaskHealth, release_task, task_health
from casework.models import Department
from casework.services import ImportedPerson, ImportedRecord, import_register_entries
from casework.services import may_import_register as _may_import

from .constants import DuplicateStatus, ImportStatus
from .duplicates import likely_duplicates
from .models import DuplicateCandidate, ImportRun, LegacyPerson, RowError
from .readers import FileProblem, open_register_file
from .rows import Checked, PersonRows, check_person, group_rows, harmless, visible

__all__ = [
    "RunState",
    "decide_duplicate",
    "may_import_register",
    "run_import",
    "run_state",
    "start_import",
]

logger = logging.getLogger(__name__)

#: Rows per chunk (one transaction each); a person's rows always stay together.
DEFAULT_CHUNK_ROWS = 2000
#: Errors kept per run (the report of a broken file of 100,000 rows stays readable).
MAX_ERRORS = 10_000


def chunk_rows() -> int:
    return max(1, int(getattr(settings, "REGISTER_IMPORT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)))


def may_import_register(user) -> bool:
    return _may_import(user)


# --- starting --------------------------------------------------------------------------------


def create_run(*, path: str | Path, filename: str, department: Department, user) -> ImportRun:
    """Check the file's columns and store it with a new run (queued, not started).

    A file that cannot be imported at all (no header, a required column missing) raises
    :class:`ValidationError` and nothing is stored."""
    if not may_import_register(user):
        raise PermissionDenied
    try:
        register_file = open_register_file(path)
        total = register_file.count_rows()
    except FileProblem as exc:
        raise ValidationError(str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise ValidationError(_("The file cannot be read as CSV or XLSX.")) from exc
    run = ImportRun(
        filename=Path(filename).name[:255],
        department=department,
        started_by=user,
        total_rows=total,
        encoding=register_file.encoding or register_file.kind,
    )
    with open(path, "rb") as handle:
        suffix = ".xlsx" if register_file.kind == "xlsx" else ".csv"
        run.file.save(f"import{suffix}", File(handle), save=False)
    run.save()
    return run


def start_import(*, path: str | Path, filename: str, department: Department, user) -> ImportRun:
    """A new run for the file, queued as a background job after the commit."""
    with transaction.atomic():
        run = create_run(path=path, filename=filename, department=department, user=user)
        transaction.on_commit(lambda: _queue(run.pk))
    return run


def _queue(run_id: int) -> None:
    from .tasks import run_import_task

    result = run_import_task.enqueue(run_id)
    ImportRun.objects.filter(pk=run_id).update(task_id=str(result.id))


class RunState:
    QUEUED = "queued"
    RUNNING = "running"
    STALLED = "stalled"
    DONE = "done"
    FAILED = "failed"


def run_state(run: ImportRun) -> str:
    """*stalled* when the run says queued or running but no worker holds its job."""
    if not run.is_active:
        return str(run.status)
    health = task_health(run.task_id) if run.task_id else TaskHealth.MISSING
    if health == TaskHealth.QUEUED or (health == TaskHealth.MISSING and not run.task_id):
        return RunState.QUEUED
    if health == TaskHealth.RUNNING:
        return RunState.RUNNING
    return RunState.STALLED


def resume_import(*, run: ImportRun, user) -> ImportRun:
    """Queue a stalled or failed run again: it goes on after the last committed chunk."""
    if not may_import_register(user):
        raise PermissionDenied
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.is_active and run_state(run) != RunState.STALLED:
            raise ValidationError(_("This import is already running."))
        if run.task_id:
            release_task(run.task_id)
        run.status, run.error, run.task_id = ImportStatus.QUEUED, "", ""
        run.save(update_fields=["status", "error", "task_id"])
        transaction.on_commit(lambda: _queue(run.pk))
    return run


# --- the run ---------------------------------------------------------------------------------


def run_import(
    run_id: int,
    *,
    task_id: str | None = None,
    on_progress: Callable[[ImportRun], None] | None = None,
    fail_after_chunks: int | None = None,
) -> ImportRun:
    """Import the run's file from its resume point to the end, chunk by chunk.

    ``fail_after_chunks`` stops the run with an error after that many chunks (the crash
    tests and the bench's resume check use it)."""
    with translation.override(settings.LANGUAGE_CODE):
        run = ImportRun.objects.select_related("department", "started_by").get(pk=run_id)
        started = {"status": ImportStatus.RUNNING, "started_at": run.started_at or timezone.now()}
        if task_id:
            started["task_id"] = str(task_id)
        ImportRun.objects.filter(pk=run.pk).update(**started)
        try:
            register_file = open_register_file(run.file.path)
            chunk: list[PersonRows] = []
            size, rows, chunks = chunk_rows(), 0, 0
            for group in group_rows(register_file.rows(start=run.rows_done)):
                chunk.append(group)
                rows += len(group.rows)
                if rows >= size:
                    _import_chunk(run, chunk)
                    chunks, chunk, rows = chunks + 1, [], 0
                    run.refresh_from_db()
                    if on_progress:
                        on_progress(run)
                    if fail_after_chunks is not None and chunks >= fail_after_chunks:
                        raise RuntimeError(f"crash injected after {chunks} chunks")
            if chunk:
                _import_chunk(run, chunk)
        except Exception as exc:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.FAILED, error=str(exc)[:2000]
            )
            raise
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE,
            finished_at=timezone.now(),
            rows_done=F("total_rows"),
        )
        run.refresh_from_db()
        if on_progress:
            on_progress(run)
        return run


def _import_chunk(run: ImportRun, groups: list[PersonRows]) -> None:
    """One transaction: the chunk's persons, errors, keys and the resume point; where the
    database refuses the chunk, each person on their own (the refused ones are reported)."""
    checked = [(group, check_person(group)) for group in groups]
    try:
        with transaction.atomic():
            _write(run, checked)
    except DatabaseError:
        if len(groups) == 1:
            logger.exception("register import %s: row %s refused", run.pk, groups[0].first_row)
            group = groups[0]
            with transaction.atomic():
                _write(
                    run,
                    [
                        (
                            group,
                            Checked(
                                None,
                                [
                                    (
                                        group.first_row,
                                        "",
                                        _("The database refused this person's data."),
                                        "",
                                    )
                                ],
                            ),
                        )
                    ],
                )
            return
        for group in groups:
            _import_chunk(run, [group])


def _error_rows(run: ImportRun, errors: list[tuple[int, str, str, str]]) -> list[RowError]:
    return [
        RowError(run=run, row=row, column=column, message=message, value=visible(value)[:1000])
        for row, column, message, value in errors
    ]


def _write(run: ImportRun, checked: list[tuple[PersonRows, Checked]]) -> None:
    keys = [group.key for group, result in checked if result.entry is not None]
    known = {lp.key: lp for lp in LegacyPerson.objects.select_for_update().filter(key__in=keys)}
    held = {
        d.key: d
        for d in DuplicateCandidate.objects.select_for_update().filter(
            key__in=keys, status=DuplicateStatus.OPEN
        )
    }
    errors: list[tuple[int, str, str, str]] = []
    counts = dict.fromkeys(("created", "updated", "unchanged", "rejected", "duplicates"), 0)
    entries: list[tuple[PersonRows, Checked]] = []
    unchanged: list[LegacyPerson] = []
    staying: list[LegacyPerson] = []
    new: list[tuple[PersonRows, Checked]] = []
    in_chunk: dict[str, int] = {}
    for group, result in checked:
        if result.entry is None:
            errors += result.errors
            counts["rejected"] += 1
            continue
        legacy = known.get(group.key)
        earlier = in_chunk.get(group.key)
        for previous in (legacy, held.get(group.key)):
            if earlier is None and previous is not None and previous.run_id == run.pk:
                earlier = previous.row if previous.row != group.first_row else None
        if earlier is not None:
            errors.append(
                (
                    group.first_row,
                    "Personenkennung",
                    _(
                        "The person key is already used in row %(row)d: one person's rows "
                        "must follow each other, and one key stands for one person."
                    )
                    % {"row": earlier},
                    group.key,
                )
            )
            counts["rejected"] += 1
            continue
        in_chunk[group.key] = group.first_row
        if legacy is not None:
            moved = legacy.row != group.first_row
            legacy.run_id, legacy.row = run.pk, group.first_row
            if legacy.digest == result.digest:
                # Only the run (one UPDATE for the chunk) unless the rows moved in the file.
                (unchanged if moved else staying).append(legacy)
                counts["unchanged"] += 1
                continue
            result.entry.person_id = legacy.person_id
            entries.append((group, result))
            counts["updated"] += 1
        elif group.key in held:
            duplicate = held[group.key]
            duplicate.run, duplicate.row = run, group.first_row
            duplicate.payload = _payload(result)
            duplicate.save(update_fields=["run", "row", "payload"])
            counts["duplicates"] += 1
        else:
            new.append((group, result))
    matches = likely_duplicates([result.entry for _group, result in new])
    holding = []
    for index, (group, result) in enumerate(new):
        match = matches.get(index)
        if match is None:
            entries.append((group, result))
            counts["created"] += 1
            continue
        person_id, score = match
        holding.append(
            DuplicateCandidate(
                run=run,
                key=group.key,
                row=group.first_row,
                payload=_payload(result),
                person_id=person_id,
                score=score,
            )
        )
        counts["duplicates"] += 1
    DuplicateCandidate.objects.bulk_create(holding)
    person_ids = import_register_entries(
        entries=[result.entry for _group, result in entries],
        user=run.started_by,
        department=run.department,
    )
    written = [(group, result, pk) for (group, result), pk in zip(entries, person_ids, strict=True)]
    updated = []
    for group, result, _pk in written:
        if group.key in known:
            known[group.key].digest = result.digest
            updated.append(known[group.key])
    LegacyPerson.objects.bulk_update([*updated, *unchanged], ["digest", "run", "row"])
    if staying:
        LegacyPerson.objects.filter(pk__in=[legacy.pk for legacy in staying]).update(run=run)
    LegacyPerson.objects.bulk_create(
        LegacyPerson(
            key=group.key, person_id=pk, digest=result.digest, run=run, row=group.first_row
        )
        for group, result, pk in written
        if group.key not in known
    )
    stored = ImportRun.objects.filter(pk=run.pk).values_list("error_count", flat=True).first()
    room = max(0, MAX_ERRORS - (stored or 0))
    RowError.objects.bulk_create(_error_rows(run, errors[:room]))
    last_row = checked[-1][0].rows[-1][0]
    ImportRun.objects.filter(pk=run.pk).update(
        rows_done=last_row - 1,
        persons_created=F("persons_created") + counts["created"],
        persons_updated=F("persons_updated") + counts["updated"],
        persons_unchanged=F("persons_unchanged") + counts["unchanged"],
        persons_rejected=F("persons_rejected") + counts["rejected"],
        duplicates=F("duplicates") + counts["duplicates"],
        records_written=F("records_written")
        + sum(len(result.entry.records) for _g, result, _pk in written),
        error_count=F("error_count") + len(errors),
    )


# --- duplicates held back --------------------------------------------------------------------


def _payload(result: Checked) -> dict:
    entry = result.entry
    person = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in entry.person.items()}
    records = [
        {
            "kind": r.kind,
            "legal_basis": r.legal_basis,
            "title": r.title,
            "valid_from": r.valid_from.isoformat(),
            "valid_until": r.valid_until.isoformat() if r.valid_until else None,
            "card_number": r.card_number,
            "employment_permitted": r.employment_permitted,
        }
        for r in entry.records
    ]
    return {"person": person, "records": records, "digest": result.digest}


def _entry(payload: dict) -> ImportedPerson:
    person = dict(payload["person"])
    person["birth_date"] = dt.date.fromisoformat(person["birth_date"])
    records = [
        ImportedRecord(
            **{
                **r,
                "valid_from": dt.date.fromisoformat(r["valid_from"]),
                "valid_until": dt.date.fromisoformat(r["valid_until"])
                if r["valid_until"]
                else None,
            }
        )
        for r in payload["records"]
    ]
    return ImportedPerson(person=person, records=records)


def decide_duplicate(*, candidate: DuplicateCandidate, same: bool, user) -> DuplicateCandidate:
    """Office management's decision on a person held back as a likely duplicate.

    *Same person*: the records are added to the known person and the key points to them;
    the known person's details are only completed (empty fields), never overwritten.
    *Different person*: imported as a new person. Either way the next re-import of the file
    updates the person by the key."""
    if not may_import_register(user):
        raise PermissionDenied
    with transaction.atomic():
        candidate = (
            DuplicateCandidate.objects.select_for_update()
            .select_related("run", "run__department")
            .get(pk=candidate.pk)
        )
        if candidate.status != DuplicateStatus.OPEN:
            raise ValidationError(_("This duplicate has already been decided."))
        entry = _entry(candidate.payload)
        if same:
            entry.person_id, entry.only_blank = candidate.person_id, True
        (person_id,) = import_register_entries(
            entries=[entry], user=user, department=candidate.run.department
        )
        LegacyPerson.objects.update_or_create(
            key=candidate.key,
            defaults={
                "person_id": person_id,
                "digest": candidate.payload.get("digest", ""),
                "run": candidate.run,
                "row": candidate.row,
            },
        )
        candidate.status = DuplicateStatus.SAME if same else DuplicateStatus.DIFFERENT
        candidate.decided_by, candidate.decided_at = user, timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    return candidate


def error_report_rows(run: ImportRun):
    """The report's rows (row, column, problem, value made harmless), streamed."""
    for error in run.row_errors.order_by("row", "pk").iterator(chunk_size=2000):
        yield [
            error.row,
            harmless(error.column),
            harmless(error.message, 1000),
            harmless(error.value),
        ]
