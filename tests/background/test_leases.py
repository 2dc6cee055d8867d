"""Leases on django-tasks' rows: orphaned tasks are queued again, held ones are left alone."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import leases
from background.models import WorkerProcess
from background.worker import Backoff, LeasedWorker, is_database_unavailable

pytestmark = pytest.mark.django_db


def running_task(*workers: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="operations.tasks.daily_jobs",
        backend_name="default",
        status="RUNNING",
        worker_ids=list(workers),
    )


def heartbeat(worker_id: str, task, seconds_ago: float) -> WorkerProcess:
    return WorkerProcess.objects.create(
        worker_id=worker_id,
        task_id=task.id if task else None,
        seen_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )


def test_a_task_whose_worker_stopped_beating_is_queued_again(settings):
    settings.TASKS_LEASE_SECONDS = 30
    task = running_task("dead")
    heartbeat("dead", task, seconds_ago=31)
    assert leases.task_health(task.id) == leases.TaskHealth.STALLED
    assert leases.reclaim_orphans() == 1
    task.refresh_from_db()
    assert task.status == "READY"
    assert leases.task_health(task.id) == leases.TaskHealth.QUEUED


def test_a_task_without_any_worker_row_is_queued_again():
    task = running_task("killed-before-its-first-beat")
    assert leases.reclaim_orphans() == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_task_a_live_worker_holds_is_left_alone(settings):
    settings.TASKS_LEASE_SECONDS = 30
    task = running_task("alive")
    heartbeat("alive", task, seconds_ago=5)
    assert leases.reclaim_orphans() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert leases.task_health(task.id) == leases.TaskHealth.RUNNING
    assert leases.release_task(task.id) is False  # "resume" cannot take it away


def test_a_live_worker_running_another_task_does_not_hold_this_one():
    task, other = running_task("w"), running_task("w")
    heartbeat("w", other, seconds_ago=0)
    assert leases.reclaim_orphans() == 1
    task.refresh_from_db()
    other.refresh_from_db()
    assert (task.status, other.status) == ("READY", "RUNNING")


def test_a_task_that_kills_every_worker_is_given_up(settings):
    settings.TASKS_MAX_ATTEMPTS = 3
    task = running_task("a", "b", "c")
    assert leases.reclaim_orphans() == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == leases.WORKER_LOST
    assert "3 times" in task.traceback


def test_released_tasks_are_never_picked_up_again():
    task = running_task("dead")
    assert leases.release_task(task.id) is True
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert leases.reclaim_orphans() == 0
    assert leases.task_health(task.id) == leases.TaskHealth.FAILED


def test_health_of_ids_from_other_backends_is_missing():
    assert leases.task_health("not-a-uuid") == leases.TaskHealth.MISSING
    assert leases.task_health("") == leases.TaskHealth.MISSING
    assert leases.release_task("not-a-uuid") is True


def test_rows_of_workers_gone_for_a_day_are_removed():
    heartbeat("old", None, seconds_ago=2 * 86400)
    heartbeat("new", None, seconds_ago=0)
    leases.reclaim_orphans()
    assert list(WorkerProcess.objects.values_list("worker_id", flat=True)) == ["new"]


def test_the_claim_and_the_lease_are_taken_together(monkeypatch):
    """The worker's claim writes its heartbeat row naming the task in the same transaction."""
    monkeypatch.setattr("background.worker.close_old_connections", lambda: None)  # test txn
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="operations.tasks.daily_jobs",
        backend_name="default",
        worker_ids=[],
    )
    worker = LeasedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-claim",
        excluded_queue_names=[],
    )
    claimed = worker._next_task()
    assert claimed.pk == task.pk
    row = WorkerProcess.objects.get(worker_id="w-claim")
    assert row.task_id == task.id
    assert leases.task_health(task.id) == leases.TaskHealth.RUNNING


def test_database_errors_in_the_cause_chain_count_as_unavailable():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("the task failed") from exc
    except RuntimeError as exc:
        assert is_database_unavailable(exc)
    assert not is_database_unavailable(ValueError("bad input"))


def test_backoff_doubles_up_to_its_maximum():
    backoff = Backoff(first=1, maximum=8)
    delays = [backoff.next_delay() for _ in range(6)]
    assert 0.75 <= delays[0] <= 1.25
    assert 6 <= delays[-1] <= 10
    backoff.reset()
    assert backoff.next_delay() <= 1.25
