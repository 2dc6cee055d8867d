"""Leases on django-tasks' database rows: a task whose worker died is run again.

django-tasks' database backend marks a task *running* when a worker claims it and never
looks back: if that worker is killed, the task stays *running* forever. Here every worker
keeps a heartbeat row (:class:`~background.models.WorkerProcess`) naming the task it runs;
the lease on a task is that row's heartbeat. A running task without a fresh heartbeat is
*orphaned*: :func:`reclaim_orphans` puts it back in the queue (or fails it for good after
``TASKS_MAX_ATTEMPTS`` claims, so a task that kills its worker every time cannot loop).

Tasks are therefore run *at least once*; each task must be safe to run again after a crash
(the bulk continuation is: every case is done or untouched, and a rerun picks up the rest).
This holds for every django-tasks job, whatever it does; nothing here knows about them.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerProcess

__all__ = [
    "TaskHealth",
    "alive_workers",
    "heartbeat_seconds",
    "lease_seconds",
    "max_attempts",
    "orphaned_tasks",
    "reclaim_orphans",
    "release_task",
    "retry_seconds",
    "task_health",
]

logger = logging.getLogger(__name__)

#: What the traceback of a task says that was given up after its workers kept dying.
WORKER_LOST = "background.leases.WorkerLost"


def lease_seconds() -> float:
    """How long a worker may go without a heartbeat before its task is taken from it."""
    return float(getattr(settings, "TASKS_LEASE_SECONDS", 60))


def heartbeat_seconds() -> float:
    """How often a worker renews its lease (a fraction of the lease)."""
    configured = getattr(settings, "TASKS_HEARTBEAT_SECONDS", None)
    return float(configured) if configured else max(lease_seconds() / 6, 0.2)


def retry_seconds() -> float:
    """The first pause before a task that lost the database runs again (doubling after)."""
    return float(getattr(settings, "TASKS_RETRY_SECONDS", 5))


def max_attempts() -> int:
    """Claims of one task (each by a worker that then died) before it is failed for good."""
    return int(getattr(settings, "TASKS_MAX_ATTEMPTS", 5))


def alive_workers(now: dt.datetime | None = None) -> QuerySet[WorkerProcess]:
    now = now or timezone.now()
    return WorkerProcess.objects.filter(seen_at__gte=now - dt.timedelta(seconds=lease_seconds()))


def orphaned_tasks(now: dt.datetime | None = None) -> QuerySet[DBTaskResult]:
    """Running tasks that no live worker holds."""
    held = alive_workers(now).filter(task_id__isnull=False).values("task_id")
    return DBTaskResult.objects.running().exclude(id__in=held)


def reclaim_orphans(now: dt.datetime | None = None) -> int:
    """Put orphaned tasks back in the queue; answer how many were reclaimed or given up.

    Each task is locked (skipping rows another worker is reclaiming) and checked again
    inside the transaction, so two workers never both reclaim it.
    """
    now = now or timezone.now()
    count = 0
    for task_id in list(orphaned_tasks(now).values_list("id", flat=True)[:100]):
        with transaction.atomic():
            task = (
                orphaned_tasks(now).filter(id=task_id).select_for_update(skip_locked=True).first()
            )
            if task is None:
                continue
            attempts = len(task.worker_ids or [])
            if attempts >= max_attempts():
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = WORKER_LOST
                task.traceback = (
                    f"The worker running this task stopped {attempts} times "
                    f"(workers: {', '.join(task.worker_ids)}); given up."
                )
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                logger.error(
                    "task %s (%s): given up after %s lost workers",
                    task.id,
                    task.task_path,
                    attempts,
                )
            else:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                logger.warning(
                    "task %s (%s): its worker %s stopped; queued again (attempt %s of %s)",
                    task.id,
                    task.task_path,
                    (task.worker_ids or ["?"])[-1],
                    attempts + 1,
                    max_attempts(),
                )
            count += 1
    # Rows of workers gone for a day are of no use to anyone.
    WorkerProcess.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return count


def _as_uuid(task_id) -> uuid.UUID | None:
    """The id of a database-backend task, or ``None`` (another backend's id, or none)."""
    if isinstance(task_id, uuid.UUID):
        return task_id
    try:
        return uuid.UUID(str(task_id))
    except ValueError:
        return None


def release_task(task_id: str | uuid.UUID) -> bool:
    """Give up a task whose worker is gone, now (the back office's "resume").

    Only a task that is queued, or running without a live worker, is released: it is marked
    failed so that no worker picks it up again; the caller queues a new one. Answers whether
    the task was released (``False``: a live worker holds it).
    """
    task_id = _as_uuid(task_id)
    if task_id is None:
        return True
    now = timezone.now()
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(id=task_id).first()
        if task is None:
            return True
        if (
            task.status == TaskResultStatus.RUNNING
            and alive_workers(now).filter(task_id=task.id).exists()
        ):
            return False
        if task.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            task.status = TaskResultStatus.FAILED
            task.finished_at = now
            task.exception_class_path = WORKER_LOST
            task.traceback = "Released from the back office; a new task took its place."
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    return True


class TaskHealth:
    """The state of one task as the back office shows it."""

    MISSING = "missing"
    QUEUED = "queued"
    RUNNING = "running"
    STALLED = "stalled"
    SUCCESSFUL = "successful"
    FAILED = "failed"


def task_health(task_id: str | uuid.UUID | None, now: dt.datetime | None = None) -> str:
    """Queued, running (a live worker holds it), stalled (its worker is gone), or finished."""
    task_id = _as_uuid(task_id) if task_id else None
    if task_id is None:
        return TaskHealth.MISSING
    task = DBTaskResult.objects.filter(id=task_id).only("status").first()
    if task is None:
        return TaskHealth.MISSING
    if task.status == TaskResultStatus.READY:
        return TaskHealth.QUEUED
    if task.status == TaskResultStatus.RUNNING:
        if alive_workers(now).filter(task_id=task.id).exists():
            return TaskHealth.RUNNING
        return TaskHealth.STALLED
    if task.status == TaskResultStatus.SUCCESSFUL:
        return TaskHealth.SUCCESSFUL
    return TaskHealth.FAILED
