"""Letters the office sends, reminders before expiry, and bulk continuations of titles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from casework.constants import Language, RecordKind

from .constants import LetterKind, ReminderKind, RunStatus
from .storage import private_storage


class LetterTemplate(PreviewableMixin, models.Model):
    """The text of one kind of letter in one language.

    The body is plain text with the kind's variables (``{{ family_name }}``, see
    :mod:`operations.letter_context`) and ``{% if %}`` conditions; blank lines separate
    paragraphs. The office edits it in the admin, where it is checked on save and previewed
    with sample data; the letterhead comes from the site settings.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text; blank lines separate paragraphs. Variables such as {{ family_name }} "
            "and conditions such as {% if granted_until %} … {% endif %}: the variables of "
            "each kind of letter are listed below."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="unique_letter_template")
        ]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()})"

    def clean(self) -> None:
        """Broken syntax, unknown variables or tags beyond the sandbox: refused on save."""
        from .letter_context import check_template

        super().clean()
        errors = {
            field: messages
            for field in ("subject", "body")
            if (messages := check_template(self.kind, getattr(self, field) or ""))
        }
        if errors:
            raise ValidationError(errors)

    # -- preview in the admin, with sample data ---------------------------------------------

    def get_preview_template(self, request, mode_name):
        return "operations/letter_preview.html"

    def get_preview_context(self, request, mode_name):
        from .letter_context import render_sample, sample_context
        from .letters import office_letterhead, paragraphs_of

        return {
            **super().get_preview_context(request, mode_name),
            "subject": " ".join(render_sample(self.kind, self.subject, self.language).split()),
            "paragraphs": paragraphs_of(render_sample(self.kind, self.body, self.language)),
            "office": office_letterhead(),
            "sample": sorted(sample_context(self.kind).items()),
            "language": self.language or "de",
        }


class Reminder(models.Model):
    """One reminder to a holder that a title or passport expires; never sent twice."""

    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    expires_on = models.DateField(_("expires on"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    letter = models.FileField(
        _("letter (PDF)"), storage=private_storage, upload_to="reminders/%Y/%m", blank=True
    )
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "expires_on"], name="unique_expiry_reminder"
            )
        ]
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()} {self.expires_on:%d.%m.%Y}"


class DocumentRequest(models.Model):
    """The letter asking an applicant for documents (the case's "request documents" step).

    E-mailed with the letter as PDF when the person gave an address; otherwise the office
    prints the PDF from the case file and posts it.
    """

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="document_requests"
    )
    #: When the step asked (the documents' ``requested_at``): one letter per request.
    requested_at = models.DateTimeField(_("requested at"))
    due_on = models.DateField(_("due on"))
    documents = models.TextField(_("requested documents"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    letter = models.FileField(
        _("letter (PDF)"), storage=private_storage, upload_to="document-requests/%Y/%m"
    )
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requested_at"], name="one_letter_per_document_request"
            )
        ]
        verbose_name = _("request for documents")
        verbose_name_plural = _("requests for documents")

    def __str__(self) -> str:
        return f"{self.case} – {self.due_on:%d.%m.%Y}"


class ContinuationOrdinance(models.Model):
    """A federal ordinance that continues all titles of one type valid on a cut-off date."""

    case_type = models.ForeignKey(
        "casework.CaseType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("legal basis / case type"),
    )
    cut_off_on = models.DateField(
        _("cut-off date"), help_text=_("Titles valid on this day are continued.")
    )
    valid_until = models.DateField(_("new validity date"))
    reference = models.TextField(
        _("reference"), help_text=_("The ordinance, e.g. its name and where it was published.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    total = models.PositiveIntegerField(_("titles to continue"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("continuation ordinance")
        verbose_name_plural = _("continuation ordinances")

    def __str__(self) -> str:
        basis = self.case_type.legal_basis
        return f"{basis}: {self.cut_off_on:%d.%m.%Y} → {self.valid_until:%d.%m.%Y}"


class ContinuationBatch(models.Model):
    """One print file of an ordinance's certificates: a cover sheet and up to a few hundred
    letters, sorted by name across the batches."""

    ordinance = models.ForeignKey(
        ContinuationOrdinance, on_delete=models.CASCADE, related_name="batches"
    )
    number = models.PositiveIntegerField(_("batch"))
    file = models.FileField(
        _("print file (PDF)"), storage=private_storage, upload_to="continuations", max_length=200
    )
    letters = models.PositiveIntegerField(_("letters"))
    first_name = models.CharField(_("first holder"), max_length=300, blank=True)
    last_name = models.CharField(_("last holder"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["ordinance", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ordinance", "number"], name="unique_print_batch")
        ]
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self) -> str:
        return f"{self.ordinance_id}/{self.number}"


class ContinuationItem(models.Model):
    """One case continued by an ordinance; written in the same transaction as the title."""

    ordinance = models.ForeignKey(
        ContinuationOrdinance, on_delete=models.CASCADE, related_name="items"
    )
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    previous_valid_until = models.DateField(_("valid until before"))
    language = models.CharField(_("language of the certificate"), max_length=5)
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    batch = models.ForeignKey(
        ContinuationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("print batch"),
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ordinance", "case"], name="unique_continuation_item")
        ]

    def __str__(self) -> str:
        return f"{self.ordinance_id}/{self.case_id}"


class TargetGroup(models.Model):
    """Persons of the register selected by their current status and its uninterrupted
    duration, who get an information letter once (e.g. candidates for § 25b AufenthG).

    Office management defines the groups (a snippet); supervisors preview and write to
    the persons of their departments (:mod:`casework.target_groups` says how the duration
    is counted)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("current status"),
        max_length=12,
        choices=RecordKind.choices,
        default=RecordKind.DULDUNG,
    )
    years = models.PositiveSmallIntegerField(_("at least (years)"), default=6)
    years_with_child = models.PositiveSmallIntegerField(
        _("with a minor child in the household (years)"),
        null=True,
        blank=True,
        default=4,
        help_text=_("Empty: no shorter duration with children."),
    )
    gap_days = models.PositiveSmallIntegerField(
        _("days without a document that do not break the duration"), default=0
    )
    nationality = models.CharField(
        _("nationality (ISO 3166 alpha-3)"),
        max_length=3,
        blank=True,
        help_text=_("Empty: every nationality."),
    )
    letter_kind = models.CharField(
        _("letter"),
        max_length=40,
        choices=LetterKind.choices,
        default=LetterKind.RIGHT_TO_STAY_INFO,
    )
    hint = models.CharField(
        _("hint on the case file"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown on the case file of a Duldung case whose person belongs to the group, "
            "e.g. “Possible § 25b candidate”. Empty: no hint."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.years_with_child is not None and self.years_with_child > self.years:
            raise ValidationError(
                {"years_with_child": _("The duration with a child cannot be the longer one.")}
            )

    @property
    def criteria(self):
        from casework.target_groups import Criteria

        return Criteria(
            status=self.status,
            years=self.years,
            years_with_child=self.years_with_child,
            gap_days=self.gap_days,
            nationality=self.nationality,
        )


class TargetGroupMailing(models.Model):
    """One run of a target group's letters (a background job with progress), for the
    persons the supervisor who started it may see."""

    group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="mailings")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("persons"), default=0)
    sent = models.PositiveIntegerField(_("letters sent"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One run of a group at a time: a second click joins the running one.
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_mailing_per_group",
            )
        ]
        verbose_name = _("target group mailing")
        verbose_name_plural = _("target group mailings")

    def __str__(self) -> str:
        return f"{self.group} ({self.started_at:%d.%m.%Y %H:%M})"


class TargetGroupLetter(models.Model):
    """The information letter of a target group to one person: sent once (the unique
    constraint), logged with who sent it and when."""

    group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="letters")
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="target_group_letters"
    )
    mailing = models.ForeignKey(
        TargetGroupMailing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )
    tolerated_since = models.DateField(_("tolerated since"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    letter = models.FileField(
        _("letter (PDF)"), storage=private_storage, upload_to="target-groups/%Y/%m", blank=True
    )
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], name="one_target_group_letter_per_person"
            )
        ]
        verbose_name = _("target group letter")
        verbose_name_plural = _("target group letters")

    def __str__(self) -> str:
        return f"{self.group} – {self.person}"
