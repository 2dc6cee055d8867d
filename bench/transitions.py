"""Benchmark: case transitions through the service layer, and a caseworker's worklist.

Run against PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/transitions.py

It creates (and afterwards drops) its own scratch database ``abh_bench_transitions`` on that
server, migrates it and fills it with ``--cases`` cases (300,000 by default). It prints

- transitions per second through :func:`casework.services.fire_transition` (permission check,
  guards, optimistic-lock ``UPDATE``, history row, each in its own transaction), with search
  indexing on (the ``case_changed`` receiver hands the case to the outbox writer's thread,
  which queues it for the background worker, as in production: django-tasks' database
  backend; what the thread still holds at the end of a round is written within the round's
  time) and off, against a raw ``UPDATE`` of the same
  rows in the same run; then how long the worker's drain of that queue takes;
- p50/p95 time and query count of a caseworker's worklist page: the first 50 open cases of
  their department, oldest receipt first, with person and case type.

Goals: at least 200 transitions/s; with indexing at least 0.9 of the rate without; the service
at least 0.2 of raw UPDATE; the worklist in one query with p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The scratch database (``BENCH_SCRATCH_DB`` to run beside someone else's bench).
SCRATCH_DB = os.environ.get("BENCH_SCRATCH_DB", "abh_bench_transitions")


def scratch_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(SCRATCH_DB)))  # fmt: skip
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH_DB)))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def populate(total: int, seed: int = 7):
    """Departments, one caseworker each, case types and ``total`` cases spread over states."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casework.constants import CaseCategory, CaseState, Channel, Role
    from casework.models import Case, CaseType, Department, Membership, Person

    rng = random.Random(seed)
    departments = [
        Department.objects.create(code=code, name=name)
        for code, name in [
            ("aufenthalt", "Aufenthalt/Anerkennung"),
            ("asyl-eu", "Asyl/EU"),
            ("einbuergerung", "Einbürgerung/Staatsangehörigkeit"),
            ("integration", "Integration"),
            ("sonder", "Sonderaufgaben"),
        ]
    ]
    user_model = get_user_model()
    workers = []
    for department in departments:
        user = user_model.objects.create_user(f"worker-{department.code}", password=None)
        Membership.objects.create(user=user, department=department, role=Role.CASEWORKER)
        workers.append(user)
    types = [
        CaseType.objects.create(
            code=f"type-{department.code}",
            name="Aufenthaltserlaubnis",
            legal_basis="§ 18b AufenthG",
            category=CaseCategory.EMPLOYMENT,
            department=department,
            fee_title_cents=10000,
        )
        for department in departments
    ]
    states = [
        (CaseState.HANDED_OVER, 50),
        (CaseState.REFUSED, 4),
        (CaseState.WITHDRAWN, 3),
        (CaseState.FORWARDED, 3),
        (CaseState.RECEIVED, 15),
        (CaseState.DOCUMENTS_REQUESTED, 8),
        (CaseState.CHECKED, 6),
        (CaseState.BIOMETRICS, 5),
        (CaseState.PRODUCED, 5),
        (CaseState.PRODUCTION_FAILED, 1),
    ]
    population = [state for state, weight in states for _ in range(weight)]
    now = timezone.now()
    batch = 10_000
    persons_total = total // 2
    for start in range(0, persons_total, batch):
        Person.objects.bulk_create(
            [
                Person(
                    family_name=f"Name{n}",
                    given_names="Given",
                    birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n % 20000),
                    nationality="UKR",
                    passport_number=f"P{n:08d}",
                    passport_valid_until=dt.date.today() + dt.timedelta(days=900),
                )
                for n in range(start, min(start + batch, persons_total))
            ],
            batch_size=batch,
        )
    person_ids = list(Person.objects.values_list("pk", flat=True))
    for start in range(0, total, batch):
        rows = []
        for n in range(start, min(start + batch, total)):
            index = rng.randrange(len(departments))
            case = Case(
                file_number=f"ABH-{2023 + n % 4}-{n:06d}",
                person_id=person_ids[n % len(person_ids)],
                case_type=types[index],
                department=departments[index],
                channel=Channel.ONLINE,
                received_at=now - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                fee_due_cents=16700,
                state=rng.choice(population),
            )
            rows.append(case)
        Case.objects.bulk_create(rows, batch_size=batch)
    return departments, workers


class _SideEffectsOff:
    """Search indexing off: its receiver of ``case_changed`` disconnected, all else as is."""

    def __enter__(self):
        from casework.signals import case_changed
        from search import signals

        case_changed.disconnect(dispatch_uid="search_case_changed")
        self.receiver = signals.case_changed
        return self

    def __exit__(self, *exc):
        from casework.signals import case_changed

        case_changed.connect(self.receiver, dispatch_uid="search_case_changed")


def _open_cases(department, count: int, offset: int = 0):
    from casework.constants import CaseState
    from casework.models import Case

    return list(
        Case.objects.filter(department=department, state=CaseState.RECEIVED)
        .select_related("person", "case_type")
        .order_by("received_at", "id")[offset : offset + count]
    )


def _fire_all(worker, cases) -> None:
    import datetime as dt

    from django.utils import timezone

    from casework.services import fire_transition

    # The validity date is required where the title is granted for a limited time.
    data = {"granted_until": timezone.localdate() + dt.timedelta(days=365)}
    for case in cases:
        fire_transition(case=case, user=worker, transition="check", data=data)


def bench_transitions(worker, department, count: int, *, clients: int = 4) -> dict[str, float]:
    """Transitions/s: one client with and without search indexing, ``clients`` clients in
    parallel, and a raw UPDATE of the same rows (one client, one transaction per row)."""
    import threading

    from django.db import connection, connections

    from casework.constants import CaseState
    from search import sync

    rates: dict[str, float] = {}
    batch = count // 4
    # With and without indexing in alternating rounds, so neither gets the warmer caches.
    rounds = 4
    timed = {True: [0.0, 0], False: [0.0, 0]}
    deployed, alone = [], []
    for _round in range(rounds):
        for indexing in (True, False):
            cases = _open_cases(department, batch // rounds)
            off = _SideEffectsOff() if not indexing else None
            if off:
                off.__enter__()
            try:
                started = time.perf_counter()
                _fire_all(worker, cases)
                if indexing:  # what the outbox writer's thread still holds counts too
                    sync.flush()
                timed[indexing][0] += time.perf_counter() - started
            finally:
                if off:
                    off.__exit__(None, None, None)
            timed[indexing][1] += len(cases)
            (deployed if indexing else alone).extend(cases)
    rates["service, with search indexing on commit"] = timed[True][1] / timed[True][0]
    rates["service alone"] = timed[False][1] / timed[False][0]

    with _SideEffectsOff():
        shares = [_open_cases(department, batch // clients, i * (batch // clients))
                  for i in range(clients)]  # fmt: skip

        def run(cases):
            try:
                _fire_all(worker, cases)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(share,)) for share in shares]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done = sum(len(share) for share in shares)
        if done:
            rates[f"service alone, {clients} clients in parallel"] = done / (
                time.perf_counter() - started
            )
        else:
            print(
                f"  (too few received cases left for {clients} parallel clients: use more --cases)"
            )

    ids = [case.pk for case in deployed + alone]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for pk in ids:
            cursor.execute(
                "UPDATE casework_case SET state = %s, last_transition_at = now() "
                "WHERE id = %s AND state = %s",
                [CaseState.BIOMETRICS, pk, CaseState.CHECKED],
            )
    rates["raw UPDATE of the same rows"] = len(ids) / (time.perf_counter() - started)
    return rates


def bench_worklist(worker, department, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.constants import FINAL_STATES
    from casework.selectors import cases_visible_to

    def page():
        return list(
            cases_visible_to(worker)
            .filter(department=department)
            .exclude(state__in=FINAL_STATES)
            .select_related("person", "case_type")
            .order_by("received_at", "id")[:50]
        )

    page()  # warm caches
    timings, cpu, queries = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = page()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries.append(len(captured.captured_queries))
    assert len(rows) == 50
    received = [row.received_at for row in rows]
    assert received == sorted(received)
    with connection.cursor() as cursor:
        qs = (
            cases_visible_to(worker)
            .filter(department=department)
            .exclude(state__in=FINAL_STATES)
            .select_related("person", "case_type")
            .order_by("received_at", "id")[:50]
        )
        sql, params = qs.query.sql_with_params()
        server = []
        for _ in range(min(repeat, 50)):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            server.append(
                sum(
                    float(line.split(":")[1].split()[0])
                    for line in lines
                    if line.startswith(("Planning Time", "Execution Time"))
                )
            )
        plan = "\n".join(lines)
    return {"wall": timings, "python_cpu": cpu, "server": server}, queries, plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--transitions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--plan", action="store_true", help="print the worklist query plan")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test"
        )
        return 2
    recreate_database(url)
    os.environ["DATABASE_URL"] = scratch_url(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Background jobs queue in the database (as in production), not run inline as in tests.
    os.environ["ABH_TEST_TASKS"] = "database"
    os.environ["SEARCH_OUTBOX_THREAD"] = "1"  # as in production
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrated scratch database {SCRATCH_DB} in {time.perf_counter() - started:.1f} s")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

        started = time.perf_counter()
        departments, workers = populate(args.cases)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"created {args.cases:,} cases in {time.perf_counter() - started:.1f} s")

        rates = bench_transitions(workers[0], departments[0], args.transitions)
        raw_rate = rates["raw UPDATE of the same rows"]
        service_rate = rates["service alone"]
        print("transitions (received -> checked: permission, guards, locked UPDATE, history):")
        for label, rate in rates.items():
            print(f"  {label}: {rate:,.0f}/s ({rate / raw_rate:.2f} of raw UPDATE)")
        indexed_rate = rates["service, with search indexing on commit"]
        print(f"  with indexing / without: {indexed_rate / service_rate:.2f}")
        from search import sync

        sync.flush()
        waiting = sync.pending(sync.DATABASE_INDEX)
        started = time.perf_counter()
        drained = sync.drain(sync.DATABASE_INDEX)
        print(
            f"worker's drain of the index queue: {drained.synced} cases ({waiting} queued) in "
            f"{time.perf_counter() - started:.2f} s, {drained.left} left"
        )

        timings, queries, plan = bench_worklist(workers[1], departments[1], args.repeat)
        wall = timings["wall"]
        print(
            f"worklist (first 50 open cases of a department, oldest first, {args.cases:,} cases), "
            f"{max(queries)} query per page:"
        )
        for label, values in (
            ("wall time", wall),
            ("Python CPU time", timings["python_cpu"]),
            ("PostgreSQL planning + execution (EXPLAIN ANALYZE)", timings["server"]),
        ):
            print(
                f"  {label}: p50 {statistics.median(values):.1f} ms, "
                f"p95 {percentile(values, 95):.1f} ms"
            )
        if args.plan:
            print(plan)
        goals = [
            ("transitions/s >= 200 (service alone, one client)", service_rate >= 200),
            ("with indexing >= 0.9 of without", indexed_rate >= 0.9 * service_rate),
            ("service >= 0.2 of raw UPDATE", service_rate >= 0.2 * raw_rate),
            ("worklist in one query", max(queries) == 1),
            ("worklist p95 < 50 ms (wall)", percentile(wall, 95) < 50),
        ]
        for goal, met in goals:
            print(f"  goal {goal}: {'met' if met else 'NOT met'}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(url, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
