"""One row per submitted online application; its token makes submitting idempotent."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.constants import Language
from casework.models import Case

from .constants import ApplicationKind


class Submission(models.Model):
    """An online application as it was sent.

    ``token`` is created when the applicant opens the form and travels in a hidden field;
    the unique constraint turns a second POST of the same form (double click, reload, retry
    after a timeout) into a lookup of the first one instead of a second case.
    """

    token = models.CharField(_("submission token"), max_length=64, unique=True, editable=False)
    kind = models.CharField(_("form"), max_length=20, choices=ApplicationKind.choices)
    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        related_name="online_submission",
        null=True,
        verbose_name=_("case"),
    )
    email = models.EmailField(_("e-mail for the confirmation"))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DE
    )
    linked_existing_person = models.BooleanField(_("linked to an existing person"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")

    def __str__(self) -> str:
        return self.case.file_number if self.case_id else self.token[:8]
