from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of an application")
    TITLE_REMINDER = "title_reminder", _("Reminder: residence title expires")
    PASSPORT_REMINDER = "passport_reminder", _("Reminder: passport expires")
    CONTINUATION_CERTIFICATE = "continuation_certificate", _("Certificate of continuation")
    BELEHRUNG_104C = "belehrung_104c", _("Instruction sheet § 104c (Belehrung)")
    DOCUMENT_REQUEST = "document_request", _("Request for documents")
    HEARING = "hearing", _("Hearing before a refusal (§ 28 VwVfG)")
    REFUSAL_NOTICE = "refusal_notice", _("Refusal notice")
    RIGHT_TO_STAY_INFO = "right_to_stay_info", _("Information on a right to stay (target group)")
    GRANT_NOTICE = "grant_notice", _("Grant notice")
    FIKTION_CERTIFICATE = "fiktion_certificate", _("Fiktionsbescheinigung (§ 81 (5) AufenthG)")
    APPOINTMENT_INVITATION = "appointment_invitation", _("Appointment invitation")
    CARD_READY = "card_ready", _("Card ready for collection")
    FIKTION_REMINDER = "fiktion_reminder", _("Reminder: Fiktionsbescheinigung expires")


class ReminderKind(models.TextChoices):
    TITLE = "title", _("Residence title")
    PASSPORT = "passport", _("Passport")
    FIKTION = "fiktion", _("Fiktionsbescheinigung")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: Languages every letter template exists in; other languages fall back to German.
LETTER_LANGUAGES = ("de", "en", "uk", "ru")
DEFAULT_LETTER_LANGUAGE = "de"
