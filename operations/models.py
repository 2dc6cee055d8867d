"""Letters the office sends, reminders before expiry, and bulk continuations of titles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from casework.constants import Language

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
