"""An import run of a legacy register, its row errors, the legacy keys and the likely
duplicates held back for review."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Department, Person
from operations.storage import private_storage

from .constants import DuplicateStatus, ImportStatus


class ImportRun(models.Model):
    """One uploaded file and how far its import got (``rows_done``: the resume point)."""

    file = models.FileField(_("file"), storage=private_storage, upload_to="register-imports/")
    filename = models.CharField(_("file name"), max_length=255)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    persons_created = models.PositiveIntegerField(default=0)
    persons_updated = models.PositiveIntegerField(default=0)
    persons_unchanged = models.PositiveIntegerField(default=0)
    persons_rejected = models.PositiveIntegerField(default=0)
    records_written = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class RowError(models.Model):
    """One thing wrong with one cell (or row) of the file, for the error report."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.TextField(_("problem"))
    value = models.TextField(_("value"), blank=True)

    class Meta:
        ordering = ["row", "pk"]


class LegacyPerson(models.Model):
    """A person's key in the earlier register: a re-import finds the person by it."""

    key = models.CharField(_("legacy key"), max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    #: What the rows of the person said last time (unchanged rows are skipped quickly).
    digest = models.CharField(max_length=64)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")
    row = models.PositiveIntegerField(default=0)


class DuplicateCandidate(models.Model):
    """A person of the file who looks like a person the register knew before the import:
    held back until office management decides (never merged without review)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="duplicate_rows")
    key = models.CharField(_("legacy key"), max_length=64)
    row = models.PositiveIntegerField(_("row"))
    payload = models.JSONField()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("known person")
    )
    score = models.FloatField(_("similarity"))
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["row", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status="open"),
                name="one_open_duplicate_per_legacy_key",
            )
        ]
