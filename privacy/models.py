"""Retention rules, deletion proposals released by a second person, and the access reports.

Nothing here names a person once a deletion is done: a finished :class:`DeletionItem` keeps
only which kinds of record were deleted (counts), under which rule, when and by whose release.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ArchiveDecision, ItemStatus, Outcome, ProposalStatus, ReportFormat, Trigger


class RetentionRule(models.Model):
    """How long the office keeps a person's file after one kind of case ended.

    A person is proposed for deletion only when every one of their cases is closed and has
    passed the period of the rule that fits it best (its case type and outcome before "any").
    """

    name = models.CharField(_("name"), max_length=200)
    case_type = models.ForeignKey(
        "casework.CaseType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case type"),
        help_text=_("Empty: every case type without a rule of its own."),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=30,
        choices=Outcome.choices,
        blank=True,
        default=Outcome.ANY,
        help_text=_("How the case ended. Cases that are still open are never deleted."),
    )
    trigger = models.CharField(
        _("counted from"),
        max_length=20,
        choices=Trigger.choices,
        default=Trigger.CASE_CLOSED,
        help_text=_(
            "Closed: the last change of state. Title expired: the validity of the title "
            "granted in the case (or of the title held before; a permanent title without an "
            "end date never expires). Person left: the file was forwarded to another office "
            "because the person moved away (AufenthV § 67 (1) no. 2) and no later case "
            "followed."
        ),
    )
    years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "AufenthV § 68 (2): data of persons who moved away, died or became German are "
            "deleted ten years after they were taken into file B (five years after death or "
            "naturalisation). AufenthG § 91 (1): data on an expulsion or deportation are "
            "deleted ten years after the entry ban ended. For other files the office's own "
            "retention schedule applies (DSGVO Art. 5 (1) e: no longer than needed)."
        ),
    )
    from_end_of_year = models.BooleanField(
        _("count from the end of that year"),
        default=True,
        help_text=_("“Ten years after the end of the year in which …”, as files are weeded."),
    )
    offer_to_archive = models.BooleanField(
        _("offer to the public archive first"),
        default=False,
        help_text=_(
            "Files of lasting value are offered to the competent public archive before they "
            "are deleted (archive laws of the Länder, e.g. § 4 ArchivG NRW). The deletion "
            "waits until the archive's answer (declined or taken over) is recorded."
        ),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=200,
        help_text=_("Cited in the proposals and the deletion log, e.g. “§ 68 (2) AufenthV”."),
    )
    active = models.BooleanField(_("active"), default=True)
    configured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last configured by"),
    )
    configured_at = models.DateTimeField(_("last configured at"), null=True, editable=False)

    class Meta:
        ordering = ["case_type__legal_basis", "outcome", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "outcome"],
                condition=Q(case_type__isnull=False),
                name="unique_retention_rule_per_type",
            ),
            models.UniqueConstraint(
                fields=["outcome"],
                condition=Q(case_type__isnull=True),
                name="unique_retention_rule_any_type",
            ),
        ]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        others = RetentionRule.objects.exclude(pk=self.pk).filter(outcome=self.outcome)
        others = (
            others.filter(case_type=self.case_type_id)
            if self.case_type_id
            else others.filter(case_type__isnull=True)
        )
        if others.exists():
            raise ValidationError(
                {"outcome": _("There is already a rule for this case type and outcome.")}
            )

    @property
    def period_label(self) -> str:
        return _("%(years)s years %(trigger)s") % {
            "years": self.years,
            "trigger": self.get_trigger_display(),
        }


class DeletionProposal(models.Model):
    """The persons the daily job found due, reviewed by one person and released by another."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.REVIEW
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    submitted_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deletion proposal")
        verbose_name_plural = _("deletion proposals")

    def __str__(self) -> str:
        return _("Deletion proposal of %(date)s") % {
            "date": timezone.localtime(self.created_at).strftime("%d.%m.%Y")
        }


class DeletionItem(models.Model):
    """One person in a proposal; after the deletion, a log line without personal data.

    ``pending`` holds what is still to be removed outside the database (stored files, search
    entries, print files) between the commit that deleted the rows and the end of the
    clean-up, so a run that stopped half-way is finished by the next one; it is emptied then.
    """

    proposal = models.ForeignKey(DeletionProposal, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(
        "casework.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    due_on = models.DateField(_("due since"))
    rules = models.ManyToManyField(RetentionRule, related_name="+", verbose_name=_("rules"))
    #: The rules' names and legal bases when the item was proposed (rules may change later).
    rule_summary = models.CharField(_("rules applied"), max_length=500, blank=True)
    archive = models.CharField(
        _("public archive"),
        max_length=12,
        choices=ArchiveDecision.choices,
        blank=True,
        default=ArchiveDecision.NOT_REQUIRED,
    )
    archive_note = models.CharField(_("archive's answer (reference)"), max_length=200, blank=True)
    keep_reason = models.CharField(_("reason to keep"), max_length=200, blank=True)
    keep_until = models.DateField(_("kept until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    counts = models.JSONField(_("deleted records"), default=dict, blank=True)
    pending = models.JSONField(default=dict, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    done_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person"],
                condition=Q(person__isnull=False),
                name="unique_person_per_proposal",
            )
        ]
        verbose_name = _("deletion item")
        verbose_name_plural = _("deletion log")

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.pk}"


class AccessReport(models.Model):
    """That office management produced a person's access report (DSGVO Art. 15), and how."""

    person = models.ForeignKey(
        "casework.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("produced by"),
    )
    produced_at = models.DateTimeField(_("produced at"), default=timezone.now, db_index=True)
    format = models.CharField(_("format"), max_length=5, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=5, default="de")

    class Meta:
        ordering = ["-produced_at", "-id"]
        verbose_name = _("access report")
        verbose_name_plural = _("access reports")

    def __str__(self) -> str:
        return f"{self.produced_at:%Y-%m-%d %H:%M} {self.get_format_display()}"
