"""django-tasks' database worker with a lease on each task and a way through database outages.

What it adds to :class:`django_tasks_db.management.commands.db_worker.Worker`:

- a heartbeat thread (its own database connection) renews this worker's lease every few
  seconds; the row names the task being run, in the same transaction as the claim;
- before claiming, orphaned tasks (running, no live worker) go back to the queue
  (:func:`background.leases.reclaim_orphans`);
- a database error in the loop (the server restarting, the network gone) no longer ends
  the process: the worker closes its connection and tries again with exponential backoff;
- a task that fails *because* the database went away is queued again after a pause instead
  of being marked failed, and a task's result is recorded once the database is back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import socket
import threading
import time
from traceback import format_exception

from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django.db import connection as default_connection
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import leases
from .models import WorkerProcess

__all__ = ["LeasedWorker", "is_database_unavailable"]

logger = logging.getLogger("background.worker")

#: Backoff between attempts to reach the database: doubles from the first to the last.
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0


def is_database_unavailable(exc: BaseException) -> bool:
    """The error says the database could not be reached or dropped the connection."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _close_connection() -> None:
    with contextlib.suppress(DatabaseError):
        default_connection.close()


class Backoff:
    """Exponential backoff with jitter, reset after a success."""

    def __init__(self, first: float = BACKOFF_FIRST, maximum: float = BACKOFF_MAX) -> None:
        self.first, self.maximum, self.failures = first, maximum, 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.first * 2**self.failures)
        self.failures += 1
        return delay * (0.75 + random.random() / 2)  # noqa: S311 - jitter, not a secret

    def reset(self) -> None:
        self.failures = 0


class _Heartbeat(threading.Thread):
    """Renews the worker's row every ``interval`` seconds on its own connection."""

    def __init__(self, worker: LeasedWorker, interval: float) -> None:
        super().__init__(name="task-lease-heartbeat", daemon=True)
        self.worker, self.interval = worker, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.worker.beat()
                except DatabaseError as exc:
                    logger.warning("heartbeat failed (%s); trying again", exc)
                    connection.close()
        finally:
            connection.close()


class LeasedWorker(Worker):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.current_task_id = None
        self.backoff = Backoff()
        self._last_reclaim = 0.0
        self._heartbeat: _Heartbeat | None = None

    # -- the lease --------------------------------------------------------------------------

    def beat(self) -> None:
        """Renew the lease (recreating the row if a long outage let it be cleaned up)."""
        now = timezone.now()
        updated = WorkerProcess.objects.filter(worker_id=self.worker_id).update(
            seen_at=now, task_id=self.current_task_id
        )
        if not updated:
            WorkerProcess.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "seen_at": now,
                    "task_id": self.current_task_id,
                },
            )

    def _register(self) -> None:
        self._until_database_answers(self.beat, "register the worker")
        self._heartbeat = _Heartbeat(self, leases.heartbeat_seconds())
        self._heartbeat.start()

    def _unregister(self) -> None:
        if self._heartbeat:
            self._heartbeat.stopped.set()
        try:
            WorkerProcess.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("could not remove the worker's row; it expires by itself")

    def _until_database_answers(self, action, what: str):
        """Run ``action`` until the database answers; ``None`` if told to stop meanwhile."""
        backoff = Backoff()
        while True:
            try:
                return action()
            except DatabaseError as exc:
                if not is_database_unavailable(exc):
                    raise
                _close_connection()
                if not self.running:
                    logger.warning("database unavailable (%s); stopping without: %s", exc, what)
                    return None
                delay = backoff.next_delay()
                logger.warning("database unavailable (%s): %s again in %.1f s", exc, what, delay)
                time.sleep(delay)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        self._register()
        try:
            while self.running:
                try:
                    task_result = self._next_task()
                    self.backoff.reset()
                except DatabaseError as exc:
                    if is_locked_database_exception(exc):
                        task_result = None
                    else:
                        delay = self.backoff.next_delay()
                        logger.warning(
                            "database unavailable (%s); trying again in %.1f s", exc, delay
                        )
                        _close_connection()
                        time.sleep(delay)
                        continue
                if task_result is not None:
                    self.run_task(task_result)
                elif self.batch:
                    logger.info("No more tasks to run for worker_id=%s.", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    logger.info("Ran the maximum of %d tasks; exiting.", self._run_tasks)
                    return
                close_old_connections()
                if self.running and task_result is None:
                    time.sleep(self.interval)
        finally:
            self._unregister()

    def _next_task(self) -> DBTaskResult | None:
        close_old_connections()
        if time.monotonic() - self._last_reclaim >= leases.heartbeat_seconds():
            leases.reclaim_orphans()
            self._last_reclaim = time.monotonic()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
                self.current_task_id = task_result.id
                # The lease is taken in the claim's transaction: never a running task
                # without a worker holding it.
                self.beat()
        return task_result

    # -- one task ---------------------------------------------------------------------------

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        outcome, value = "failed", None
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            args, kwargs = task_result.args, task_result.kwargs
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            outcome = "successful"
        except (KeyboardInterrupt, SystemExit) as exc:
            # Told to stop in the middle: the task did not fail; another worker runs it.
            outcome, value = "again", exc
            self.running = False
        except BaseException as exc:  # noqa: BLE001 - recorded on the task
            outcome, value = ("again" if is_database_unavailable(exc) else "failed"), exc
        finally:
            self.running_task = False
            self._run_tasks += 1
        self._until_database_answers(
            lambda: self._record(db_task_result, outcome, value), "record the task's result"
        )
        self.current_task_id = None
        self._until_database_answers(self.beat, "release the lease")

    def _record(self, db_task_result: DBTaskResult, outcome: str, value) -> None:
        close_old_connections()
        if outcome == "again":
            attempts = len(db_task_result.worker_ids or [])
            delay = min(300.0, leases.retry_seconds() * 2 ** min(attempts, 6))
            DBTaskResult.objects.filter(id=db_task_result.id).update(
                status=TaskResultStatus.READY,
                run_after=timezone.now() + dt.timedelta(seconds=delay),
                traceback="".join(format_exception(value)),
            )
            logger.warning(
                "task %s stopped (%s); queued again in %s s",
                db_task_result.id,
                type(value).__name__,
                delay,
            )
            return
        if outcome == "successful":
            try:
                db_task_result.set_successful(value)
            except DatabaseError as exc:
                if is_database_unavailable(exc):
                    raise
                db_task_result.set_failed(exc)  # e.g. a return value JSON cannot hold
            except (TypeError, ValueError) as exc:
                db_task_result.set_failed(exc)
        else:
            db_task_result.set_failed(value)
        try:
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        except Exception:  # noqa: BLE001 - a receiver's error is not the task's
            logger.exception("task_finished receiver failed for task %s", db_task_result.id)
