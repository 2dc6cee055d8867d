from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To be reviewed")
    SAME = "same", _("Same person: records added to the known person")
    DIFFERENT = "different", _("Different person: imported as a new person")
