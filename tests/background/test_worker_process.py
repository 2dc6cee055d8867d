"""Real worker processes (``manage.py db_worker``) against the test database on PostgreSQL.

- A worker is killed (SIGKILL) in the middle of a bulk continuation; a second worker takes
  the task over once the lease expired and finishes it: every case continued exactly once,
  every certificate in a print file.
- The database goes away for a few seconds (a proxy between the worker and PostgreSQL is
  cut; the shared server keeps running) while the worker is in the middle of a run: the
  worker survives, reconnects and finishes the run.

To stop a run at a known point, the test holds a row lock on a case in the middle: the
worker continues the chunks before it and then waits for the lock.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from casework.constants import Role
from casework.models import Case, CaseHistory
from operations import services
from operations.constants import RunStatus
from operations.models import ContinuationBatch, ContinuationItem
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

from .proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CUT_OFF, NEW = dt.date(2025, 2, 1), dt.date(2027, 3, 4)
TITLES, CHUNK, BATCH = 40, 5, 15
LEASE = 2.0


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a worker process shares the test database)")


@pytest.fixture
def office(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    department = DepartmentFactory(code="a")
    case_type = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", department=department)
    supervisor = MembershipFactory(department=department, role=Role.SUPERVISOR).user
    cases = [
        WorkflowCaseFactory(
            person=PersonFactory(preferred_language="uk"),
            case_type=case_type,
            handed_over=True,
            granted_until=dt.date(2025, 3, 4),
            # granted a year before it expires (the check accepts no date in the past)
            at=dt.datetime(2024, 3, 4, 10, tzinfo=dt.UTC),
        )
        for _ in range(TITLES)
    ]
    ordinance = services.create_ordinance(
        user=supervisor,
        case_type=case_type,
        cut_off_on=CUT_OFF,
        valid_until=NEW,
        reference="Fortgeltungsverordnung",
    )
    return {"supervisor": supervisor, "cases": sorted(cases, key=lambda c: c.pk), "ord": ordinance}


def _dsn(host: str, port: int) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def _real_dsn() -> str:
    params = connection.settings_dict
    return _dsn(params.get("HOST") or "127.0.0.1", int(params.get("PORT") or 5432))


def start_worker(settings, dsn: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ABH_TEST_TASKS": "database",
        "DATABASE_URL": dsn,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_LEASE_SECONDS": str(LEASE),
        "TASKS_HEARTBEAT_SECONDS": "0.3",
        "TASKS_RETRY_SECONDS": "0.5",
        "OPERATIONS_CONTINUATION_CHUNK": str(CHUNK),
        "OPERATIONS_PRINT_BATCH": str(BATCH),
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
               "--no-startup-delay"]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def runs():
    """The continuation's task rows (saving cases also queues Wagtail's own tasks)."""
    return DBTaskResult.objects.filter(task_path="operations.tasks.run_continuation_task")


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    detail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


class RowLock:
    """Holds ``FOR UPDATE`` on one case from a connection of its own."""

    def __init__(self, case_pk: int) -> None:
        self.conn = psycopg.connect(_real_dsn())
        self.conn.execute("SELECT 1 FROM casework_case WHERE id = %s FOR UPDATE", [case_pk])

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def assert_finished_exactly_once(office) -> None:
    ordinance = office["ord"]
    ordinance.refresh_from_db()
    assert ordinance.status == RunStatus.DONE, ordinance.error
    pks = [case.pk for case in office["cases"]]
    items = ContinuationItem.objects.filter(ordinance=ordinance)
    assert sorted(items.values_list("case_id", flat=True)) == pks  # each case once
    for case in Case.objects.filter(pk__in=pks):
        assert case.granted_until == NEW
    history = CaseHistory.objects.filter(case_id__in=pks, transition="continuation")
    assert sorted(history.values_list("case_id", flat=True)) == pks  # one row per case
    assert not items.filter(batch__isnull=True).exists()
    batches = list(ContinuationBatch.objects.filter(ordinance=ordinance).order_by("number"))
    assert [b.number for b in batches] == list(range(1, -(-TITLES // BATCH) + 1))
    assert sum(b.letters for b in batches) == TITLES
    letters = 0
    for batch in batches:
        reader = PdfReader(io.BytesIO(batch.file.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        letters += text.count("Bescheinigung über die Fortgeltung")
    assert letters == TITLES  # a complete print file, no letter twice


def test_a_killed_worker_s_continuation_is_finished_by_the_next_worker(office, settings, tmp_path):
    log = tmp_path / "workers.log"
    services.start_continuation(ordinance=office["ord"], user=office["supervisor"])
    middle = office["cases"][TITLES // 2 + 2]  # in the fifth chunk
    lock = RowLock(middle.pk)
    first = start_worker(settings, _real_dsn(), log)
    try:
        wait_for(
            lambda: ContinuationItem.objects.count() == TITLES // 2,
            60,
            "the first half of the cases",
            log,
        )
        time.sleep(0.5)
        assert ContinuationItem.objects.count() == TITLES // 2  # waiting for the lock
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        lock.release()
        if first.poll() is None:
            first.kill()
    task = runs().get()
    assert task.status == "RUNNING"  # what the dead worker left behind
    second = start_worker(settings, _real_dsn(), log)
    try:
        wait_for(
            lambda: runs().filter(status="SUCCESSFUL").exists(),
            90,
            "the second worker to finish the run",
            log,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    task.refresh_from_db()
    assert len(task.worker_ids) == 2  # claimed by the dead worker, then by the second one
    assert_finished_exactly_once(office)


def test_the_worker_survives_a_database_outage_in_the_middle_of_a_run(office, settings, tmp_path):
    log = tmp_path / "worker.log"
    params = connection.settings_dict
    proxy = TcpProxy(params.get("HOST") or "127.0.0.1", int(params.get("PORT") or 5432))
    worker = start_worker(settings, _dsn("127.0.0.1", proxy.port), log)
    try:
        wait_for(lambda: worker.poll() is None and log.exists(), 10, "the worker to start")
        services.start_continuation(ordinance=office["ord"], user=office["supervisor"])
        lock = RowLock(office["cases"][TITLES // 2 + 2].pk)
        try:
            wait_for(
                lambda: ContinuationItem.objects.count() == TITLES // 2,
                60,
                "the first half of the cases",
                log,
            )
            proxy.cut()  # the database is gone for the worker
        finally:
            lock.release()
        time.sleep(4)
        assert worker.poll() is None, log.read_text()[-3000:]
        proxy.restore()
        wait_for(
            lambda: runs().filter(status="SUCCESSFUL").exists(),
            90,
            "the worker to finish the run after the outage",
            log,
        )
        assert worker.poll() is None, log.read_text()[-3000:]  # it is still running
        assert "database unavailable" in log.read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        finally:
            proxy.close()
    assert_finished_exactly_once(office)


def test_the_supervisor_starts_a_new_worker_when_the_worker_dies(settings, tmp_path):
    """``manage.py run_worker`` (what ``make run`` starts) restarts a killed worker."""
    from background.models import WorkerProcess

    log = tmp_path / "supervisor.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ABH_TEST_TASKS": "database",
        "DATABASE_URL": _real_dsn(),
        "TASKS_HEARTBEAT_SECONDS": "0.3",
    }
    supervisor = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_worker", "--", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        first = wait_for(
            lambda: WorkerProcess.objects.values_list("pid", flat=True).first(), 60, "a worker", log
        )
        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: WorkerProcess.objects.exclude(pid=first).values_list("pid", flat=True).first(),
            60,
            "a new worker",
            log,
        )
        assert second != first
        assert supervisor.poll() is None
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(30)
    assert supervisor.returncode == 0
