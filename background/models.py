"""Which worker processes are alive and which task each one runs (the lease on a task)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerProcess(models.Model):
    """One running ``db_worker`` process; its heartbeat holds the lease on its task.

    The worker writes ``seen_at`` every few seconds from a thread of its own. A task that is
    *running* without a live worker holding it (no row with its id and a fresh ``seen_at``)
    lost its worker: the next worker puts it back in the queue (:mod:`background.leases`).
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last heartbeat"), default=timezone.now, db_index=True)
    task_id = models.UUIDField(_("running task"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker process")
        verbose_name_plural = _("worker processes")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
