"""Writes: proposing what is due, the review, the release by a second person, the deletion.

The deletion of one person runs in two phases:

1. One transaction: the person is checked again (still due under today's rules?), the other
   apps remove what protects the cases (continuation items), :func:`casework.services.
   erase_person` deletes the person, the cases and every row hanging off them, search forgets
   the name keys and blanks the search-log queries that named them, and the item records the
   counts and what is left to remove outside the database. A crash rolls all of it back: the
   person is whole.
2. After the commit: the stored files (uploads, letters), the search backends' entries and
   the continuation print files that held the person's certificate. Each step can run again;
   a crash leaves the item "being cleaned up" and the next run finishes it.

Files on disk are therefore removed only once the rows that named them are gone for good.

What goes with the person, and why: every row that refers to them or their cases (history,
documents, comments, card orders, bookings, submissions, reminders, shares, whichever app
declares it). The access log of their case files goes too: once the file is gone it would
only tell that this person had one; who deleted it under which rule stays in the deletion
log, and who produced access reports stays (without the person). Staff searches that named
them stay in the search log with the query blanked. The public archive's answer is recorded
before a file of lasting value is deleted (the hand-over itself, e.g. as xdomea, is the
archive's procedure; the access report's ZIP can serve as the package).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from pathlib import Path

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.uploads import private_storage as uploads_storage
from casework.models import Person
from casework.services import erase_person, log_case_access
from operations import services as operations_services
from search import services as search_services

from .constants import (
    ARCHIVE_SETTLED,
    ArchiveDecision,
    ItemStatus,
    ProposalStatus,
    ReportFormat,
)
from .models import AccessReport, DeletionItem, DeletionProposal, RetentionRule
from .permissions import can_manage
from .selectors import OPEN_PROPOSAL_STATES, active_rules, due_persons, verdict_for

__all__ = [
    "execute_proposal",
    "produce_access_report",
    "keep_item",
    "propose_due_deletions",
    "record_archive_decision",
    "release_proposal",
    "restore_item",
    "rule_configured",
    "send_back",
    "submit_proposal",
]

logger = logging.getLogger(__name__)

_SAFE_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
MAX_NOTE = 200


def _require_manager(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only office management may do this."))


def _note(value, *, field: str, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > MAX_NOTE:
        raise ValidationError(
            {field: _("At most %(count)s characters, please.") % {"count": MAX_NOTE}}
        )
    return text


# -- rules -------------------------------------------------------------------------------------


def rule_configured(*, rule: RetentionRule, user) -> None:
    """Remember who configured the rule last: that person may not release what it makes due."""
    RetentionRule.objects.filter(pk=rule.pk).update(
        configured_by=user, configured_at=timezone.now()
    )


# -- the daily proposal ------------------------------------------------------------------------


def _rule_summary(rules) -> str:
    text = "; ".join(f"{rule.name} ({rule.legal_basis})" for rule in rules)
    return text[:500]


def propose_due_deletions(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: put every person who became due into the proposal under review.

    Persons already in an open proposal, or kept by a reviewer until a later date, are left
    out; items of the proposal under review that are no longer due (a new case arrived, a
    rule changed) are dropped. Released proposals a crash left unfinished are finished.
    Safe to run again on the same day.
    """
    today = today or timezone.localdate()
    rules = active_rules()
    resumed = 0
    for proposal_id in DeletionProposal.objects.filter(status=ProposalStatus.RELEASED).values_list(
        "pk", flat=True
    ):
        execute_proposal(proposal_id)
        resumed += 1
    with transaction.atomic():
        proposal = (
            DeletionProposal.objects.select_for_update()
            .filter(status=ProposalStatus.REVIEW)
            .order_by("created_at", "pk")
            .first()
        )
        dropped = 0
        if proposal is not None:
            for item in proposal.items.filter(status=ItemStatus.PROPOSED):
                verdict = (
                    verdict_for(item.person_id, rules=rules, today=today)
                    if item.person_id
                    else None
                )
                if verdict is None or not verdict.is_due(today):
                    item.delete()
                    dropped += 1
        busy = set(
            DeletionItem.objects.filter(
                proposal__status__in=OPEN_PROPOSAL_STATES, person__isnull=False
            ).values_list("person_id", flat=True)
        ) | set(
            DeletionItem.objects.filter(
                status=ItemStatus.KEPT, keep_until__gte=today, person__isnull=False
            ).values_list("person_id", flat=True)
        )
        new = [(pk, verdict) for pk, verdict in due_persons(today=today, rules=rules)]
        new = [(pk, verdict) for pk, verdict in new if pk not in busy]
        if new and proposal is None:
            proposal = DeletionProposal.objects.create()
        for person_id, verdict in new:
            item = DeletionItem.objects.create(
                proposal=proposal,
                person_id=person_id,
                due_on=verdict.due_on,
                rule_summary=_rule_summary(verdict.rules),
                archive=(
                    ArchiveDecision.PENDING
                    if any(rule.offer_to_archive for rule in verdict.rules)
                    else ArchiveDecision.NOT_REQUIRED
                ),
            )
            item.rules.set(verdict.rules)
    return {"proposed": len(new), "dropped": dropped, "resumed": resumed}


# -- the review (first person) -----------------------------------------------------------------


def _locked_proposal(proposal: DeletionProposal, *states) -> DeletionProposal:
    locked = DeletionProposal.objects.select_for_update().get(pk=proposal.pk)
    if states and locked.status not in states:
        raise ValidationError(
            _("This proposal is “%(status)s” now; reload the page.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _locked_item(item: DeletionItem) -> DeletionItem:
    with transaction.atomic():
        locked = DeletionItem.objects.select_for_update().select_related("proposal").get(pk=item.pk)
    return locked


def keep_item(*, item: DeletionItem, user, reason: str, keep_until: dt.date) -> DeletionItem:
    """Take a person out of the proposal (e.g. a pending lawsuit) until ``keep_until``."""
    _require_manager(user)
    reason = _note(reason, field="keep_reason")
    today = timezone.localdate()
    if not isinstance(keep_until, dt.date) or keep_until <= today:
        raise ValidationError({"keep_until": _("The date must be in the future.")})
    with transaction.atomic():
        _locked_proposal(item.proposal, ProposalStatus.REVIEW)
        locked = _locked_item(item)
        if locked.status != ItemStatus.PROPOSED:
            raise ValidationError(_("This person is no longer on the list to delete."))
        locked.status = ItemStatus.KEPT
        locked.keep_reason = reason
        locked.keep_until = keep_until
        locked.decided_by = user
        locked.save(update_fields=["status", "keep_reason", "keep_until", "decided_by"])
    return locked


def restore_item(*, item: DeletionItem, user) -> DeletionItem:
    """Put a kept person back on the list (while the proposal is under review)."""
    _require_manager(user)
    with transaction.atomic():
        _locked_proposal(item.proposal, ProposalStatus.REVIEW)
        locked = _locked_item(item)
        if locked.status != ItemStatus.KEPT:
            raise ValidationError(_("This person is not kept."))
        locked.status = ItemStatus.PROPOSED
        locked.keep_reason = ""
        locked.keep_until = None
        locked.decided_by = user
        locked.save(update_fields=["status", "keep_reason", "keep_until", "decided_by"])
    return locked


def record_archive_decision(*, item: DeletionItem, user, decision: str, note: str) -> DeletionItem:
    """The public archive's answer to the offer of this file: declined or taken over."""
    _require_manager(user)
    if decision not in (ArchiveDecision.DECLINED, ArchiveDecision.TAKEN_OVER):
        raise ValidationError({"archive": _("Select the archive's answer.")})
    note = _note(note, field="archive_note")
    with transaction.atomic():
        _locked_proposal(item.proposal, ProposalStatus.REVIEW)
        locked = _locked_item(item)
        if locked.archive == ArchiveDecision.NOT_REQUIRED:
            raise ValidationError(_("This file is not to be offered to the archive."))
        locked.archive = decision
        locked.archive_note = note
        locked.decided_by = user
        locked.save(update_fields=["archive", "archive_note", "decided_by"])
    return locked


def submit_proposal(*, proposal: DeletionProposal, user) -> DeletionProposal:
    """The reviewer proposes the list for release; a second person must release it."""
    _require_manager(user)
    with transaction.atomic():
        locked = _locked_proposal(proposal, ProposalStatus.REVIEW)
        to_delete = locked.items.filter(status=ItemStatus.PROPOSED)
        if not to_delete.exists():
            raise ValidationError(_("Nobody is left on the list to delete."))
        unsettled = to_delete.exclude(archive__in=sorted(ARCHIVE_SETTLED)).count()
        if unsettled:
            raise ValidationError(
                _(
                    "Record the public archive's answer for %(count)s file(s) first: files "
                    "of lasting value are offered to the archive before they are deleted."
                )
                % {"count": unsettled}
            )
        locked.status = ProposalStatus.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "error"])
    return locked


def send_back(*, proposal: DeletionProposal, user) -> DeletionProposal:
    """Back to review (the releaser has doubts, or the proposer withdraws it)."""
    _require_manager(user)
    with transaction.atomic():
        locked = _locked_proposal(proposal, ProposalStatus.SUBMITTED)
        locked.status = ProposalStatus.REVIEW
        locked.submitted_by = None
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_by", "submitted_at"])
    return locked


# -- the release (second person) ---------------------------------------------------------------


def release_blockers(*, proposal: DeletionProposal, user) -> list[str]:
    """Why ``user`` may not release the proposal now (empty: they may)."""
    if not can_manage(user):
        return [_("Only office management may release deletions.")]
    if proposal.status != ProposalStatus.SUBMITTED:
        return [_("Only a proposed list can be released.")]
    reasons = []
    if proposal.submitted_by_id == user.pk:
        reasons.append(
            _("You proposed this list. A second person of office management must release it.")
        )
    configured = (
        RetentionRule.objects.filter(
            pk__in=proposal.items.filter(status=ItemStatus.PROPOSED).values("rules"),
            configured_by=user,
        )
        .order_by("name")
        .values_list("name", flat=True)
    )
    for name in configured:
        reasons.append(
            _(
                "You configured the rule “%(rule)s” that makes files on this list due. "
                "Another person of office management must release it."
            )
            % {"rule": name}
        )
    return reasons


def release_proposal(*, proposal: DeletionProposal, user) -> DeletionProposal:
    """Release the deletion (four eyes); the deletion runs in the background after commit."""
    from .tasks import run_deletion_task

    _require_manager(user)
    with transaction.atomic():
        locked = _locked_proposal(proposal, ProposalStatus.SUBMITTED)
        reasons = release_blockers(proposal=locked, user=user)
        if reasons:
            raise ValidationError(reasons)
        locked.status = ProposalStatus.RELEASED
        locked.released_by = user
        locked.released_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["status", "released_by", "released_at", "error"])
        transaction.on_commit(lambda: run_deletion_task.enqueue(locked.pk))
    return locked


# -- the deletion ------------------------------------------------------------------------------


def _file_storage(label: str, field_name: str):
    if label == "casework.CaseDocument":
        return uploads_storage()
    return apps.get_model(label)._meta.get_field(field_name).storage


def _erase(item: DeletionItem, proposal: DeletionProposal, rules, today: dt.date) -> str:
    """Phase 1 for one item, in one transaction; answers the item's new status."""
    with transaction.atomic():
        item = DeletionItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ItemStatus.PROPOSED:
            return item.status
        person = Person.objects.filter(pk=item.person_id).first() if item.person_id else None
        verdict = verdict_for(person.pk, rules=rules, today=today) if person else None
        if verdict is None or not verdict.is_due(today):
            item.status = ItemStatus.SKIPPED
            item.person = None
            item.error = _("No longer due when the deletion ran; nothing was deleted.")
            item.save(update_fields=["status", "person", "error"])
            return item.status
        case_ids = list(person.cases.values_list("pk", flat=True))
        continued = operations_services.forget_cases(case_ids)
        result = erase_person(person=person, user=proposal.released_by)
        forgotten = search_services.forget_person(
            family_name=person.family_name,
            given_names=person.given_names,
            family_name_native=person.family_name_native,
            given_names_native=person.given_names_native,
            file_numbers=result.file_numbers,
            identifiers=[person.passport_number, getattr(person, "id_card_number", "")],
        )
        counts = dict(result.counts)
        if continued["items"]:
            counts["operations.ContinuationItem"] = continued["items"]
        if continued["batches"]:
            counts["operations.ContinuationBatch"] = continued["batches"]
        if forgotten["name_terms"]:
            counts["search.NameTerm"] = forgotten["name_terms"]
        if forgotten["search_log"]:
            counts["search.SearchLog:blanked"] = forgotten["search_log"]
        item.counts = counts
        item.pending = {
            "files": [list(entry) for entry in [*result.files, *continued["files"]]],
            "folders": [f"cases/{number}" for number in result.file_numbers],
            "case_ids": result.case_ids,
            "ordinances": continued["ordinances"],
        }
        item.person = None
        item.status = ItemStatus.CLEANUP
        item.error = ""
        item.save(update_fields=["counts", "pending", "person", "status", "error"])
    return item.status


def _remove_folder(name: str) -> bool:
    folder = name.split("/", 1)[-1]
    if not name.startswith("cases/") or not _SAFE_FOLDER.match(folder):
        return False
    root = Path(uploads_storage().location).resolve()
    path = (root / "cases" / folder).resolve()
    if root not in path.parents or not path.is_dir():
        return False
    shutil.rmtree(path)
    return True


def _clean_up(item: DeletionItem) -> None:
    """Phase 2 for one item: everything outside the database; each step may run again."""
    pending = item.pending or {}
    files = pending.get("files", [])
    for label, field_name, name in files:
        storage = _file_storage(label, field_name)
        if storage.exists(name):
            storage.delete(name)
    for folder in pending.get("folders", []):
        _remove_folder(folder)
    search_services.remove_cases_everywhere(pending.get("case_ids", []))
    operations_services.rerender_print_files(pending.get("ordinances", []))
    with transaction.atomic():
        locked = DeletionItem.objects.select_for_update().get(pk=item.pk)
        counts = dict(locked.counts)
        counts["files"] = len(files)
        locked.counts = counts
        locked.pending = {}
        locked.status = ItemStatus.DELETED
        locked.done_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["counts", "pending", "status", "done_at", "error"])


def execute_proposal(proposal_id: int, *, today: dt.date | None = None) -> dict[str, int]:
    """Delete every person of a released proposal; safe to run again at any time.

    A failure stops the run with the error recorded on the proposal and the item; the
    persons done so far stay deleted, the failed one stays whole (or, if it failed after
    its rows were deleted, "being cleaned up"), and running again finishes the rest.
    """
    today = today or timezone.localdate()
    proposal = DeletionProposal.objects.select_related("released_by").get(pk=proposal_id)
    if proposal.status != ProposalStatus.RELEASED:
        return {"deleted": 0, "skipped": 0}
    rules = active_rules()
    deleted = skipped = 0
    todo = proposal.items.filter(status__in=[ItemStatus.PROPOSED, ItemStatus.CLEANUP])
    for item in list(todo.order_by("pk")):
        try:
            status = _erase(item, proposal, rules, today)
            if status == ItemStatus.CLEANUP:
                item.refresh_from_db()
                _clean_up(item)
                deleted += 1
            elif status == ItemStatus.SKIPPED:
                skipped += 1
        except Exception as exc:
            # The exception's text may name a record; the server log has it, the item not.
            message = _(
                "The deletion stopped (%(error)s). Run it again to finish; if it stops again, "
                "the server log has the details."
            ) % {"error": type(exc).__name__}
            logger.exception("Deletion of proposal %s stopped at item %s", proposal.pk, item.pk)
            DeletionItem.objects.filter(pk=item.pk).update(error=message)
            DeletionProposal.objects.filter(pk=proposal.pk).update(error=message)
            raise
    DeletionProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.RELEASED).update(
        status=ProposalStatus.DONE, finished_at=timezone.now(), error=""
    )
    return {"deleted": deleted, "skipped": skipped}


# -- the access report (DSGVO Art. 15) ----------------------------------------------------------


def produce_access_report(
    *, person: Person, user, fmt: str, language: str = "de"
) -> tuple[str, str, bytes]:
    """The person's access report as ``(file name, content type, bytes)``.

    Producing it is logged twice: as an access report (who, when, which format) and as an
    opening of each of the person's case files (route "export").
    """
    from . import report

    _require_manager(user)
    if fmt not in ReportFormat.values:
        raise ValidationError({"format": _("Select a valid choice.")})
    if language not in report.REPORT_LANGUAGES:
        raise ValidationError({"language": _("Select a valid choice.")})
    data = report.build_report(person, language=language)
    stamp = timezone.localdate().isoformat()
    if fmt == ReportFormat.JSON:
        content, content_type = report.render_json(data), "application/json"
    elif fmt == ReportFormat.PDF:
        content, content_type = report.render_pdf(data), "application/pdf"
    else:
        content = report.render_zip(
            data, pdf=report.render_pdf(data), json_bytes=report.render_json(data)
        )
        content_type = "application/zip"
    with transaction.atomic():
        AccessReport.objects.create(person=person, produced_by=user, format=fmt, language=language)
        for section in data.cases:
            log_case_access(case=section.case, user=user, route="export")
    return f"auskunft-{person.pk}-{stamp}.{fmt}", content_type, content
