from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.constants import CaseState


class Outcome(models.TextChoices):
    """How a case ended; a rule for "any outcome" leaves the field empty."""

    ANY = "", _("any outcome")
    HANDED_OVER = CaseState.HANDED_OVER.value, _("title granted (card handed over)")
    REFUSED = CaseState.REFUSED.value, _("refused")
    WITHDRAWN = CaseState.WITHDRAWN.value, _("withdrawn")
    FORWARDED = CaseState.FORWARDED.value, _("forwarded to another office (moved away)")


class Trigger(models.TextChoices):
    """The event from which a retention period is counted."""

    CASE_CLOSED = "case_closed", _("after the case was closed")
    TITLE_EXPIRED = "title_expired", _("after the residence title expired")
    PERSON_LEFT = "person_left", _("after the person left the district")


class ProposalStatus(models.TextChoices):
    REVIEW = "review", _("To be reviewed")
    SUBMITTED = "submitted", _("Proposed, awaiting release")
    RELEASED = "released", _("Released, being deleted")
    DONE = "done", _("Deleted")


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("To be deleted")
    KEPT = "kept", _("Kept (excluded by the reviewer)")
    CLEANUP = "cleanup", _("Rows deleted, files and index being removed")
    DELETED = "deleted", _("Deleted")
    SKIPPED = "skipped", _("No longer due, nothing deleted")


class ArchiveDecision(models.TextChoices):
    """Files of lasting value are offered to the public archive before deletion."""

    NOT_REQUIRED = "", _("not to be offered")
    PENDING = "pending", _("to be offered to the archive")
    DECLINED = "declined", _("offered, the archive declined")
    TAKEN_OVER = "taken_over", _("offered and handed over to the archive")


#: Decisions that let a deletion go ahead.
ARCHIVE_SETTLED = frozenset(
    {ArchiveDecision.NOT_REQUIRED, ArchiveDecision.DECLINED, ArchiveDecision.TAKEN_OVER}
)


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    JSON = "json", _("JSON (machine-readable)")
    ZIP = "zip", _("ZIP (PDF, JSON and the stored files)")
