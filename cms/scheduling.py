"""Scheduled publishing through the background worker.

Wagtail puts a page live at its scheduled time ("go live at") and takes an expired one
offline only when its ``publish_scheduled`` command runs. Here the background worker runs it
(django-tasks, database backend; ``make run`` starts the worker): one task that queues its
own next run ``CMS_PUBLISH_SCHEDULED_INTERVAL`` seconds later.

- **One run at a time**: a run takes a lease on the :class:`~cms.models.PublishingSchedule`
  row (a conditional ``UPDATE``, so two workers cannot both win); a run that finds the lease
  taken ends at once. A lease of a run that died runs out after ``LEASE``.
- **One queued run at most**: the next run is queued only if none is waiting.
- **Catches up after downtime**: a run that was due while the worker was down runs as soon
  as the worker is back, and ``publish_scheduled`` publishes everything due since.
- **Starts and heals itself**: after every ``migrate``, whenever an editor schedules a page
  and with the office's daily jobs, a run is queued if none is waiting; a run that fails
  still queues the next. The results of runs older than a day are removed (one a minute).
- **Caches**: Wagtail's ``page_published``/``page_unpublished`` signals make the page cache
  stale (:mod:`cms.signals`), in the worker's process; the web servers see it through the
  shared cache (``REDIS_URL``; ``make run`` shares a file cache between server and worker).
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page, Revision

__all__ = [
    "LEASE",
    "daily_job",
    "ensure_scheduled",
    "interval",
    "publish_scheduled_pages",
    "run_once",
]

logger = logging.getLogger(__name__)

#: A run holds the lease at most this long (a run that died frees it after this).
LEASE = dt.timedelta(minutes=10)
#: Results of finished runs are kept this long.
KEEP_RESULTS = dt.timedelta(days=1)
DEFAULT_INTERVAL = 60


def interval() -> dt.timedelta:
    seconds = int(getattr(settings, "CMS_PUBLISH_SCHEDULED_INTERVAL", DEFAULT_INTERVAL))
    return dt.timedelta(seconds=max(seconds, 5))


def _schedule():
    from .models import PublishingSchedule

    schedule, _created = PublishingSchedule.objects.get_or_create(pk=1)
    return schedule


def run_once(*, now: dt.datetime | None = None) -> dict:
    """Publish what is due and unpublish what has expired, unless another run is busy."""
    from .models import PublishingSchedule

    now = now or timezone.now()
    _schedule()
    won = PublishingSchedule.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=1
    ).update(lease_until=now + LEASE, last_started_at=now)
    if not won:
        return {"skipped": "another run is busy"}
    due = Revision.objects.filter(approved_go_live_at__lt=now).count()
    expired = Page.objects.filter(live=True, expire_at__lt=now).count()
    error = ""
    try:
        call_command("publish_scheduled", stdout=io.StringIO())
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.exception("scheduled publishing failed")
        raise
    finally:
        published = due - Revision.objects.filter(approved_go_live_at__lt=now).count()
        PublishingSchedule.objects.filter(pk=1).update(
            lease_until=None,
            last_finished_at=timezone.now(),
            last_published=max(published, 0),
            last_unpublished=expired if not error else 0,
            last_error=error,
        )
    _prune(now)
    return {"published": max(published, 0), "unpublished": expired}


def _prune(now: dt.datetime) -> None:
    """Remove the results of earlier runs (the chain leaves one row a minute)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=publish_scheduled_pages.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - KEEP_RESULTS,
    ).delete()


def daily_job(*, today: dt.date | None = None) -> dict:
    """Part of the office's daily jobs: queue a run if the chain broke (e.g. a run given up
    after its workers died)."""
    return {"publishing_requeued": int(ensure_scheduled())}


def _waiting() -> bool:
    """A run is queued already (the database backend only; others cannot tell)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=publish_scheduled_pages.module_path, status=TaskResultStatus.READY
    ).exists()


def ensure_scheduled(*, delay: dt.timedelta | None = None) -> bool:
    """Queue a run (``delay`` from now) unless one is waiting; answers whether it queued one.

    Backends that run tasks at once (the tests' immediate backend) get no chain: a task that
    queues itself there would never end.
    """
    task_ = publish_scheduled_pages
    backend = task_.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__module__.startswith("django_tasks_db") and _waiting():
        return False
    run_after = timezone.now() + (delay if delay is not None else dt.timedelta(0))
    task_.using(run_after=run_after).enqueue()
    return True


@task()
def publish_scheduled_pages() -> dict:
    """One run of scheduled publishing; the next run is queued whatever happens."""
    try:
        return run_once()
    finally:
        ensure_scheduled(delay=interval())
