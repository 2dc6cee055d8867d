#!/usr/bin/env python
"""Office operations on PostgreSQL: bulk continuation and the statistics dashboard.

Creates a scratch database, migrates it and bulk-creates an office (default 300,000 cases
with history rows, 5,000 of them § 24 titles to continue). Then measures

1. the bulk continuation of every § 24 title, with the certificates in print batches (goal:
   60,000 titles under 5 minutes; peak memory of the run flat, i.e. the 60,000-title run within
   150 MB of the 5,000-title run), its query count and the process's peak RSS during the run;
2. the dashboard statistics (every table plus the council report) as office admin and as the
   supervisor of one department, repeated; prints p50/p95 and queries per dashboard (goal:
   p95 under 1 s over 300,000 cases).

    .venv/bin/python bench/operations.py
    .venv/bin/python bench/operations.py --cases 20000 --titles 500 --repeat 5 --keep
    .venv/bin/python bench/operations.py --cases 65000 --titles 60000 --skip-dashboard
    BENCH_CPROFILE=var/continuation.prof .venv/bin/python bench/operations.py ...  # cProfile it
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    QueryCounter,
    add_database_arguments,
    cpu_seconds,
    create_office_structure,
    drop_database,
    proc_status,
    recreate_database,
    setup_django,
    timed,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--titles", type=int, default=5_000, help="§ 24 titles to continue")
    parser.add_argument("--repeat", type=int, default=20, help="dashboard repetitions per user")
    add_database_arguments(parser, "abh_bench_ops")
    parser.add_argument("--skip-continuation", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--child-continuation", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def child_continuation(args) -> None:
    """Run one ordinance in this fresh process and print its figures as JSON (peak RSS of a
    process that did nothing else: Django loaded, then the run)."""
    import json
    import resource

    setup_django(args, os.environ["BENCH_MEDIA"])
    from django.db import connection

    from operations import services

    timings = {}
    original = services.render_certificates

    def timed_render(o):
        start, cpu_before = time.perf_counter(), cpu_seconds()
        printed = original(o)
        timings["render"] = time.perf_counter() - start
        timings["render_cpu"] = cpu_seconds() - cpu_before
        return printed

    services.render_certificates = timed_render
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child started by a big
    # parent would report the parent's peak.
    baseline = proc_status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    profile_path = os.environ.get("BENCH_CPROFILE")
    profiler = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
    with QueryCounter() as queries:
        start, cpu_start = time.perf_counter(), cpu_seconds()
        if profiler:
            profiler.enable()
        result = services.run_continuation(args.child_continuation)
        if profiler:
            profiler.disable()
        total, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    if profiler:
        profiler.dump_stats(profile_path)
    peak = proc_status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    connection.close()
    print(
        json.dumps(
            {
                **result,
                **timings,
                "total": total,
                "cpu": cpu,
                "queries": queries.count,
                "sql_wall": queries.seconds,
                "baseline_rss": baseline,
                "peak_rss": peak,
            }
        )
    )


STATES = [
    # (state, weight, history path)
    ("handed_over", 55, ["checked", "biometrics", "produced", "handed_over"]),
    ("refused", 6, ["refused"]),
    ("withdrawn", 4, ["withdrawn"]),
    ("forwarded", 2, ["forwarded"]),
    ("received", 10, []),
    ("documents_requested", 6, ["documents_requested"]),
    ("checked", 6, ["checked"]),
    ("biometrics", 4, ["checked", "biometrics"]),
    ("produced", 6, ["checked", "biometrics", "produced"]),
    ("production_failed", 1, ["checked", "biometrics", "produced", "production_failed"]),
]


def build_office(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from casework.constants import Role
    from casework.models import (
        Case,
        CaseHistory,
        Membership,
        Person,
        ResidenceRecord,
    )

    rng = random.Random(7)
    User = get_user_model()  # noqa: N806
    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    departments, types = create_office_structure()
    supervisor = User.objects.create(username="bench-supervisor", is_staff=True)
    Membership.objects.create(user=supervisor, department=departments[1], role=Role.SUPERVISOR)
    workers = []
    for i in range(40):
        user = User.objects.create(username=f"bench-cw{i}", is_staff=True)
        Membership.objects.create(user=user, department=departments[i % 4], role=Role.CASEWORKER)
        workers.append(user)

    now = timezone.now()
    today = timezone.localdate()
    weights = [w for _, w, _ in STATES]
    languages = ["de", "en", "uk", "ru", "ar", "tr"]
    batch = 10_000
    total = args.cases
    ukraine_type = types[0]
    created = 0
    with timed(f"bulk-create {total:,} persons, cases and their history"):
        while created < total:
            size = min(batch, total - created)
            persons = Person.objects.bulk_create(
                [
                    Person(
                        family_name=f"Name{created + i}",
                        given_names="Vorname",
                        birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(20000)),
                        nationality=rng.choice(["UKR", "SYR", "TUR", "AFG", "IND"]),
                        preferred_language=rng.choice(languages),
                        passport_valid_until=today + dt.timedelta(days=rng.randrange(-100, 3000)),
                    )
                    for i in range(size)
                ]
            )
            cases, paths = [], []
            for i, person in enumerate(persons):
                n = created + i
                if n < args.titles:  # the § 24 titles the ordinance continues
                    case_type, state, path = ukraine_type, "handed_over", STATES[0][2]
                    granted = dt.date(2025, 2, 1) + dt.timedelta(days=rng.randrange(0, 330))
                else:
                    case_type = types[1 + rng.randrange(len(types) - 1)]
                    state, _, path = rng.choices(STATES, weights)[0]
                    granted = (
                        today + dt.timedelta(days=rng.randrange(-200, 1200))
                        if state == "handed_over"
                        else None
                    )
                received = now - dt.timedelta(days=rng.randrange(1, 1100), hours=rng.randrange(24))
                case = Case(
                    file_number=f"B-{n:08d}",
                    person=person,
                    case_type=case_type,
                    department=case_type.department,
                    assigned_to=rng.choice(workers) if rng.random() < 0.8 else None,
                    channel="online",
                    received_at=received,
                    granted_until=granted,
                    is_extension=rng.random() < 0.3,
                    title_expires_on=today + dt.timedelta(days=rng.randrange(-30, 700)),
                    last_transition_at=received + dt.timedelta(days=len(path) * 10),
                )
                case.__dict__["state"] = state
                cases.append(case)
                paths.append(path)
            with transaction.atomic():
                cases = Case.objects.bulk_create(cases)
                history = []
                for case, path in zip(cases, paths, strict=True):
                    previous = "received"
                    for step, target in enumerate(path, start=1):
                        history.append(
                            CaseHistory(
                                case=case,
                                transition=target,
                                from_state=previous,
                                to_state=target,
                                at=case.received_at + dt.timedelta(days=step * 10),
                            )
                        )
                        previous = target
                CaseHistory.objects.bulk_create(history, batch_size=5000)
                # The register, as the data migration takes it over from such cases: the
                # title handed over, else the title an open or decided case extends.
                ResidenceRecord.objects.bulk_create(
                    [
                        ResidenceRecord(
                            person_id=case.person_id,
                            kind="title",
                            legal_basis=case.case_type.legal_basis,
                            title=case.case_type.name,
                            case_type_id=case.case_type_id,
                            case_id=case.pk,
                            department_id=case.department_id,
                            valid_until=case.granted_until,
                            source="case_data",
                        )
                        if case.state == "handed_over"
                        else ResidenceRecord(
                            person_id=case.person_id,
                            kind="title",
                            department_id=case.department_id,
                            valid_until=case.title_expires_on,
                            source="case_data",
                        )
                        for case in cases
                        if case.state == "handed_over"
                        or case.state not in ("refused", "withdrawn", "forwarded")
                    ],
                    batch_size=5000,
                )
            created += size
    from django.db import connection

    with connection.cursor() as cursor:
        # Statistics and visibility map, as autovacuum keeps them in production.
        cursor.execute("VACUUM ANALYZE")
    return {"admin": admin, "supervisor": supervisor, "ukraine_type": ukraine_type}


def bench_continuation(office, args) -> None:

    from operations import services
    from operations.models import ContinuationOrdinance

    # On a reused database the titles were continued already: chain a further ordinance.
    last = ContinuationOrdinance.objects.order_by("-valid_until").first()
    cut_off_on = last.valid_until if last else dt.date(2025, 2, 1)
    valid_until = (
        last.valid_until.replace(year=last.valid_until.year + 1) if last else dt.date(2027, 3, 4)
    )
    ordinance = ContinuationOrdinance.objects.create(
        case_type=office["ukraine_type"],
        cut_off_on=cut_off_on,
        valid_until=valid_until,
        reference="Bench ordinance",
        created_by=office["admin"],
        run_by=office["admin"],
    )
    ordinance.total = services.continuation_candidates(ordinance, office["admin"]).count()
    ordinance.save()
    print(
        f"\nBulk continuation of {ordinance.total:,} titles (goal: 60,000 under 5 minutes, "
        "memory flat)"
    )
    import json
    import subprocess

    from django.db import connections

    connections.close_all()
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child-continuation",
            str(ordinance.pk),
            "--database",
            args.database,
            "--server",
            args.server,
        ],  # fmt: skip
        env={**os.environ, "BENCH_MEDIA": str(Path(settings_media()).parent)},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    ordinance.refresh_from_db()
    batches = list(ordinance.batches.all())
    size = sum(batch.file.size for batch in batches)
    letters = ordinance.items.count()
    total, render = figures["total"], figures["render"]
    print(
        f"  continued {figures['continued']:,} in {total:.1f} s (goal: 60,000 under 300 s); "
        f"titles: {total - render:.1f} s, certificates: {render:.1f} s; {len(batches)} print "
        f"files, {size / 1e6:.1f} MB; queries: {figures['queries']:,}"
    )
    print(
        f"  where the wall time went: {figures['sql_wall']:.1f} s in SQL statements (PostgreSQL "
        f"and the driver), {figures['cpu']:.1f} s on this process's CPU (the two overlap in "
        "the driver); the rest is waiting for a core or the disk"
    )
    print(
        f"  CPU time of the run: {figures['cpu']:.1f} s, certificates "
        f"{figures['render_cpu']:.1f} s ({figures['render_cpu'] * 1000 / max(letters, 1):.2f} ms "
        f"per letter)"
    )
    print(
        f"  peak RSS of the process running it: {figures['peak_rss'] / 1e6:.0f} MB "
        f"({(figures['peak_rss'] - figures['baseline_rss']) / 1e6:+.0f} MB over Django loaded, "
        f"{figures['baseline_rss'] / 1e6:.0f} MB); titles: {letters:,}; "
        f"uptime: {' '.join(os.popen('uptime').read().split()[-5:])}"  # noqa: S605
    )
    start = time.perf_counter()
    with QueryCounter() as queries:
        again = services.run_continuation(ordinance.pk)
    print(
        f"  rerun (idempotent): continued {again['continued']}, "
        f"{time.perf_counter() - start:.1f} s, queries {queries.count}"
    )


def bench_dashboard(office, args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from operations import reports, selectors
    from operations.selectors import Period

    today = dt.date.today()
    period = Period(start=today.replace(month=1, day=1), end=today)
    print(f"\nDashboard over {args.cases:,} cases, {args.repeat} runs each (goal: p95 under 1 s)")
    for label, user in (("office admin", office["admin"]), ("supervisor", office["supervisor"])):
        times, cpu, count = [], [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            cpu_start = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                reports.build_tables(user, period=period)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            count = len(queries)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        received = selectors.period_counts(selectors.case_scope(user), period)["received"]
        print(
            f"  {label}: p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms, {count} queries per dashboard "
            f"({received:,} received this year); Python CPU p50 "
            f"{statistics.median(cpu) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
        )
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
        print(
            "    slowest queries: "
            + "; ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][7:60]}…" for q in slowest)
        )
        council = []
        for _ in range(max(3, args.repeat // 4)):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                reports.council_table(
                    user, ukraine_since=dt.date(2022, 2, 24), chancen_since=dt.date(2022, 12, 31)
                )
            council.append(time.perf_counter() - start)
        print(
            f"  {label}, council report page (one click away): p50 "
            f"{statistics.median(council) * 1000:.0f} ms, max {max(council) * 1000:.0f} ms, "
            f"{len(queries)} queries"
        )


def existing_office() -> dict:
    from django.contrib.auth import get_user_model

    from casework.models import CaseType

    User = get_user_model()  # noqa: N806
    return {
        "admin": User.objects.get(username="bench-admin"),
        "supervisor": User.objects.get(username="bench-supervisor"),
        "ukraine_type": CaseType.objects.get(code="24"),
    }


def settings_media() -> str:
    from django.conf import settings

    return str(settings.PRIVATE_MEDIA_ROOT)


def main() -> None:
    args = parse_args()
    if args.child_continuation:
        child_continuation(args)
        return
    print(f"Scratch database {args.database} on {args.server}")
    if not args.reuse:
        recreate_database(args.server, args.database)
    try:
        with tempfile.TemporaryDirectory() as media:
            setup_django(args, media)
            from django.core.management import call_command

            if args.reuse:
                office = existing_office()
            else:
                with timed("migrate"):
                    call_command("migrate", verbosity=0)
                office = build_office(args)
            if not args.skip_dashboard:
                bench_dashboard(office, args)
            if not args.skip_continuation:
                bench_continuation(office, args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.server, args.database)
            print(f"dropped {args.database}")


if __name__ == "__main__":
    main()
