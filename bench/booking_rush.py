#!/usr/bin/env python
"""Booking rush against the running application server on PostgreSQL.

Creates a scratch database, migrates it, creates ready cases and a release of slots that opens
at one instant, starts gunicorn on a loopback port and lets many clients book at that instant
through the public JSON endpoint (POST /api/v1/appointments/bookings), while further clients
hammer it with wrong birth dates, unknown file numbers, malformed bodies and duplicate
requests. Prints throughput, latency (winners and losers apart), server errors, and counts
double bookings from the database.

Where the time goes: before the release the same number of clients fetch a trivial view at one
instant (the floor this machine and client reach; the rush's figures are also printed as
multiples of it); the server runs ``bench.profiled_wsgi``, which records per request its CPU
time, SQL statements, time in row-locking statements and in COMMIT; and a sampler counts the
database sessions waiting for a lock. The load average is printed beside the figures: other
work on the machine shows in them.

    .venv/bin/python bench/booking_rush.py            # 1,000 cases, 300 slots, 50 hammerers
    .venv/bin/python bench/booking_rush.py --cases 200 --workers 2 --keep
    .venv/bin/python bench/booking_rush.py --redis redis://127.0.0.1:6379/3   # shared cache

The rate limit is switched off for the server through APPOINTMENTS_RATE_LIMIT=off, since all
clients share one loopback address.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter as Tally
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import drop_database, percentile, recreate_database  # noqa: E402

ENDPOINT = "/api/v1/appointments/bookings"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="valid clients (ready cases)")
    parser.add_argument("--hammer", type=int, default=50, help="clients sending bad requests")
    parser.add_argument("--counters", type=int, default=3)
    parser.add_argument("--slots-per-day", type=int, default=20, help="per counter, 5 days")
    # The defaults are gunicorn.conf.py's on this machine's cores.
    parser.add_argument(
        "--workers", type=int, default=4 * (os.cpu_count() or 1), help="gunicorn processes"
    )
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=0,
        help="gunicorn keep-alive seconds (0: close after each answer, as behind a proxy)",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free loopback port")
    parser.add_argument("--lead", type=float, default=5.0, help="seconds until the release")
    parser.add_argument("--database", default="abh_bench_booking")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database name",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="REDIS_URL for the server (shared cache); without it each worker has its own",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_data(args) -> tuple[list[tuple[str, str]], dt.datetime, int]:
    """Ready cases and slots that become visible at one release instant."""
    from django.utils import timezone

    from appointments.models import Counter, ReleaseRule, Service, Slot
    from appointments.services import release_slots
    from casework.constants import CaseCategory, CaseState, Channel
    from casework.models import Case, CaseType, Department, Person

    department = Department.objects.create(code="aufenthalt", name="Aufenthalt/Anerkennung")
    case_type = CaseType.objects.create(
        code="18b",
        name="Aufenthaltserlaubnis für Fachkräfte mit akademischer Ausbildung",
        legal_basis="§ 18b AufenthG",
        category=CaseCategory.EMPLOYMENT,
        department=department,
    )
    rng = random.Random(7)
    persons = Person.objects.bulk_create(
        Person(
            family_name=f"Bench{i}",
            given_names="Test",
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)),
            nationality="UKR",
        )
        for i in range(args.cases)
    )
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        Case(
            file_number=f"BENCH-{i:06d}",
            person=person,
            case_type=case_type,
            department=department,
            state=CaseState.CHECKED,
            channel=Channel.ONLINE,
            title_expires_on=today + dt.timedelta(days=rng.randrange(10, 200)),
        )
        for i, person in enumerate(persons)
    )
    service = Service.objects.create(kind="biometrics", name="Biometrie", duration_minutes=15)
    release_at = (timezone.now() + dt.timedelta(seconds=args.lead)).replace(microsecond=0)
    local = timezone.localtime(release_at)
    for number in range(args.counters):
        counter = Counter.objects.create(
            code=f"schalter-{number + 1}", name=f"Schalter {number + 1}"
        )
        counter.services.add(service)
        start = dt.time(8, 0)
        end_minutes = 8 * 60 + 15 * args.slots_per_day
        ReleaseRule.objects.create(
            counter=counter,
            service=service,
            release_weekday=local.weekday(),
            release_time=local.time(),
            weeks_ahead=1,
            open_weekdays="0,1,2,3,4",
            day_start=start,
            day_end=dt.time(end_minutes // 60, end_minutes % 60),
        )
    created = release_slots(now=release_at)
    if Slot.objects.filter(released_at__lte=timezone.now()).exists():
        print("warning: setup took longer than --lead; the release was already due")
    applicants = [(case.file_number, case.person.birth_date.isoformat()) for case in cases]
    return applicants, release_at, created


def start_server(args, env, log_path: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "bench.profiled_wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "4096",
        "--timeout",
        "60",
        "--keep-alive",
        str(args.keep_alive),
        "--log-level",
        "warning",
    ]
    log = log_path.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up")


def warm_up(args) -> None:
    """Load the code in every worker thread and open its database connection."""
    body = json.dumps({"file_number": "WARM-UP", "birth_date": "1990-01-01"}).encode()

    def hit():
        for _ in range(5):
            post(args.port, body)

    threads = [threading.Thread(target=hit) for _ in range(args.workers * args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def trivial_rush(port: int, clients: int) -> dict:
    """``clients`` threads fetch the trivial view at one instant: the floor for the rush."""
    go = threading.Event()
    latencies: list[float] = []
    lock = threading.Lock()

    def fetch():
        go.wait()
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
        except OSError:
            return
        finally:
            conn.close()
        with lock:
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=fetch, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join(timeout=120)
    return {
        "elapsed": time.perf_counter() - started,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "answered": len(latencies),
    }


class LockSampler(threading.Thread):
    """Counts, every 50 ms, the database's sessions that run and that wait for a lock."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.stop = threading.Event()
        self.samples = 0
        self.active = 0
        self.lock_waits = 0
        self.other_waits: Tally = Tally()

    def run(self):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND state = 'active' "
                    "AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples += 1
                self.active += len(rows)
                for kind, event in rows:
                    if kind == "Lock":
                        self.lock_waits += 1
                    elif kind:
                        self.other_waits[f"{kind}:{event}"] += 1
                time.sleep(0.05)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.valid_latencies: list[float] = []
        self.winner_latencies: list[float] = []
        self.loser_latencies: list[float] = []
        self.valid_status: Tally = Tally()
        self.hammer_status: Tally = Tally()
        self.success_times: list[float] = []
        self.transport_errors = 0


def post(port: int, body: bytes) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", ENDPOINT, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        return response.status, data if isinstance(data, dict) else {}
    finally:
        conn.close()


def valid_client(port, applicant, go: threading.Event, recorder: Recorder):
    file_number, birth_date = applicant
    body = json.dumps({"file_number": file_number, "birth_date": birth_date}).encode()
    go.wait()
    for _attempt in range(3):
        started = time.perf_counter()
        try:
            status, data = post(port, body)
        except OSError:
            with recorder.lock:
                recorder.transport_errors += 1
            continue
        finished = time.perf_counter()
        with recorder.lock:
            recorder.valid_latencies.append(finished - started)
            recorder.valid_status[status] += 1
            if status == 201:
                recorder.success_times.append(finished)
                recorder.winner_latencies.append(finished - started)
            elif status == 409 and data.get("code") != "slot_taken":
                recorder.loser_latencies.append(finished - started)
        if status == 409 and data.get("code") == "slot_taken":
            continue
        return


def hammer_client(port, applicants, go: threading.Event, stop: threading.Event, recorder):
    rng = random.Random()
    go.wait()
    while not stop.is_set():
        kind = rng.choice(["wrong_birth_date", "unknown", "malformed", "duplicate", "bad_slot"])
        file_number, birth_date = rng.choice(applicants)
        if kind == "wrong_birth_date":
            payload = {"file_number": file_number, "birth_date": "1901-02-03"}
        elif kind == "unknown":
            payload = {
                "file_number": f"ABH-2026-{rng.randrange(10**6):06d}",
                "birth_date": birth_date,
            }
        elif kind == "malformed":
            payload = None
        elif kind == "bad_slot":
            payload = {"file_number": file_number, "birth_date": birth_date, "slot": -1}
        else:
            payload = {"file_number": file_number, "birth_date": birth_date}
        body = b'{"file_number": [' if payload is None else json.dumps(payload).encode()
        try:
            status, _data = post(port, body)
        except OSError:
            with recorder.lock:
                recorder.transport_errors += 1
            continue
        with recorder.lock:
            recorder.hammer_status[status] += 1


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(server_pid: int, database_url: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers and by the database's sessions.

    The rush's work in CPU time does not depend on what else the machine runs; divided by
    the cores it is the shortest wall time the rush could take here.
    """
    import psycopg

    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        children = []
    workers = sum(_process_cpu(int(pid)) for pid in children)
    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return workers, sum(_process_cpu(pid) for (pid,) in pids)


def database_figures(release_at):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT slot_id FROM appointments_booking "
            "WHERE status <> 'cancelled' GROUP BY slot_id HAVING count(*) > 1) AS d"
        )
        double_bookings = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT case_id FROM appointments_booking "
            "WHERE status = 'booked' GROUP BY case_id HAVING count(*) > 1) AS d"
        )
        double_cases = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), max(created_at) FROM appointments_booking WHERE status = 'booked'"
        )
        live, last = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM appointments_slot s WHERE NOT EXISTS (SELECT 1 FROM "
            "appointments_booking b WHERE b.slot_id = s.id AND b.status <> 'cancelled')"
        )
        free = cursor.fetchone()[0]
    return double_bookings, double_cases, live, last, free


def server_profile(directory: Path, started_wall: float) -> dict:
    """The server's records of the rush's booking requests, grouped by answer."""
    groups: dict[str, list[dict]] = {}
    for path in sorted(directory.glob("*.jsonl")):
        with path.open() as lines:
            for line in lines:
                record = json.loads(line)
                if record["path"] != ENDPOINT or record.get("at", started_wall) < started_wall:
                    continue
                label = f"{record['status']} {record.get('code', '')}".strip()
                groups.setdefault(label, []).append(record)
    return groups


def print_server_profile(groups: dict, latency_p50: dict) -> None:
    print()
    print("where the time goes (server side, per booking request; means unless marked)")
    print(
        f"{'answer':<24}{'n':>6}{'wall ms':>9}{'p99':>7}{'cpu ms':>8}{'SQL':>5}{'db ms':>7}"
        f"{'lock ms':>8}{'commit':>8}{'cpu s':>7}"
    )
    total_cpu = 0.0
    for label, records in sorted(groups.items(), key=lambda item: -len(item[1])):
        n = len(records)
        cpu = sum(r["cpu"] for r in records)
        total_cpu += cpu
        print(
            f"{label:<24}{n:>6}"
            f"{statistics.fmean(r['wall'] for r in records) * 1000:>9.1f}"
            f"{percentile([r['wall'] for r in records], 0.99) * 1000:>7.0f}"
            f"{cpu / n * 1000:>8.2f}"
            f"{statistics.fmean(r['queries'] for r in records):>5.1f}"
            f"{statistics.fmean(r['db'] for r in records) * 1000:>7.1f}"
            f"{statistics.fmean(r['lock'] for r in records) * 1000:>8.1f}"
            f"{statistics.fmean(r['commit'] for r in records) * 1000:>8.1f}"
            f"{cpu:>7.2f}"
        )
    print(f"server CPU in booking requests: {total_cpu:.2f} s (Python threads, without PostgreSQL)")
    for label, p50 in latency_p50.items():
        server = groups.get(label)
        if server:
            wall = statistics.median(r["wall"] for r in server)
            print(
                f"{label}: client p50 {p50 * 1000:.0f} ms, of it in the server {wall * 1000:.0f} ms"
                f" (the rest waits in the backlog, for a worker thread or the GIL)"
            )


def main():
    args = parse_args()
    args.port = args.port or free_port()
    database_url = f"{args.server}/{args.database}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "APPOINTMENTS_RATE_LIMIT": "off",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
        "BENCH_PROFILE_DIR": str(ROOT / "var" / "bench_profile" / "booking_rush"),
    }
    if args.redis:
        env["REDIS_URL"] = args.redis
    profile_dir = Path(env["BENCH_PROFILE_DIR"])
    if profile_dir.exists():
        for old in profile_dir.glob("*.jsonl"):
            old.unlink()
    os.environ.update(env)
    print(f"scratch database {args.database} …", flush=True)
    recreate_database(args.server, args.database)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.core.cache import cache
    from django.db import connections

    if args.redis:
        cache.clear()  # a previous run's keys must not answer for this database

    connections.close_all()
    log_path = ROOT / "var" / "bench_booking_rush.log"
    log_path.parent.mkdir(exist_ok=True)
    server = start_server(args, env, log_path)
    print(f"gunicorn on 127.0.0.1:{args.port}: {args.workers} workers × {args.threads} threads")
    warm_up(args)
    floor = trivial_rush(args.port, args.cases)
    load_before = os.getloadavg()
    applicants, release_at, slot_count = create_data(args)
    print(f"{len(applicants)} ready cases, {slot_count} slots released at {release_at:%H:%M:%S}")
    connections.close_all()
    recorder = Recorder()
    go, stop = threading.Event(), threading.Event()
    valid_threads = [
        threading.Thread(target=valid_client, args=(args.port, a, go, recorder), daemon=True)
        for a in applicants
    ]
    hammer_threads = [
        threading.Thread(
            target=hammer_client, args=(args.port, applicants, go, stop, recorder), daemon=True
        )
        for _ in range(args.hammer)
    ]
    sampler = LockSampler(database_url)
    try:
        for thread in valid_threads + hammer_threads:
            thread.start()
        wait = (release_at - dt.datetime.now(dt.UTC)).total_seconds()
        if wait > 0:
            time.sleep(wait)
        sampler.start()
        cpu_before = server_cpu(server.pid, database_url)
        started = time.perf_counter()
        started_wall = time.time()
        client_cpu = time.process_time()
        go.set()
        for thread in valid_threads:
            thread.join(timeout=120)
        stop.set()
        for thread in hammer_threads:
            thread.join(timeout=30)
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        cpu_after = server_cpu(server.pid, database_url)
        sampler.stop.set()
        sampler.join(timeout=5)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    double_bookings, double_cases, live, last, free = database_figures(release_at)
    successes = len(recorder.success_times)
    fill_time = (last - release_at).total_seconds() if live and free == 0 else None
    last_success = max(recorder.success_times) - started if recorder.success_times else 0
    server_errors = sum(
        n for s, n in (recorder.valid_status + recorder.hammer_status).items() if s >= 500
    )
    load_after = os.getloadavg()
    winners, losers = recorder.winner_latencies, recorder.loser_latencies
    p99_winners, p99_losers = percentile(winners, 0.99), percentile(losers, 0.99)
    print()
    print(f"load average            {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)")
    print(
        f"trivial view, {floor['answered']} clients at once: p50 {floor['p50'] * 1000:.0f} ms, "
        f"p99 {floor['p99'] * 1000:.0f} ms, all answered in {floor['elapsed']:.2f} s (the floor)"
    )
    print(f"clients                 {len(applicants)} valid + {args.hammer} hammering")
    print(
        f"requests                {sum(recorder.valid_status.values())} valid, "
        f"{sum(recorder.hammer_status.values())} hammering, in {elapsed:.2f} s"
    )
    print(f"valid answers           {dict(sorted(recorder.valid_status.items()))}")
    print(f"hammer answers          {dict(sorted(recorder.hammer_status.items()))}")
    print(f"bookings                {successes} accepted, {live} active in the database")
    print(f"bookings/s              {successes / last_success if last_success else 0:.1f}")
    print(
        f"latency p50 / p99       {percentile(recorder.valid_latencies, 0.5) * 1000:.0f} ms / "
        f"{percentile(recorder.valid_latencies, 0.99) * 1000:.0f} ms "
        f"(mean {statistics.fmean(recorder.valid_latencies) * 1000:.0f} ms)"
    )
    for label, values in (("winners", winners), ("losers", losers)):
        if values:
            print(
                f"{label:<8}p50 / p99       {percentile(values, 0.5) * 1000:.0f} ms / "
                f"{percentile(values, 0.99) * 1000:.0f} ms ({len(values)}; p99 "
                f"{percentile(values, 0.99) / floor['p99']:.1f}x the trivial view's)"
            )
    print(f"client CPU              {client_cpu:.2f} s (this process: {len(applicants)} threads)")
    workers_cpu = cpu_after[0] - cpu_before[0]
    database_cpu = cpu_after[1] - cpu_before[1]
    cores = os.cpu_count() or 1
    floor_seconds = (workers_cpu + database_cpu + client_cpu) / cores
    print(
        f"server CPU              {workers_cpu:.2f} s gunicorn workers, {database_cpu:.2f} s "
        f"PostgreSQL sessions; with the client's, {floor_seconds:.2f} s on {cores} free cores is "
        f"the shortest this rush could take (it took {elapsed:.2f} s)"
    )
    print(f"server errors (5xx)     {server_errors}")
    print(f"transport errors        {recorder.transport_errors}")
    tracebacks = log_path.read_text().count("Traceback")
    print(f"tracebacks in server log {tracebacks} ({log_path.relative_to(ROOT)})")
    print(f"double bookings         {double_bookings}")
    print(f"cases with >1 booking   {double_cases}")
    print(f"free slots left         {free}")
    if fill_time is not None:
        print(f"all {slot_count} slots taken in {fill_time:.2f} s after the release")
    else:
        print(f"not all slots taken ({free} free)")
    groups = server_profile(profile_dir, started_wall)
    print_server_profile(
        groups,
        {
            "201": percentile(winners, 0.5),
            "409 no_slots": percentile(losers, 0.5),
        },
    )
    if sampler.samples:
        waits = ", ".join(f"{k} {v / sampler.samples:.2f}" for k, v in sampler.other_waits.items())
        print(
            f"database sessions, mean of {sampler.samples} samples: "
            f"{sampler.active / sampler.samples:.1f} active, "
            f"{sampler.lock_waits / sampler.samples:.2f} waiting for a lock"
            + (f"; other waits: {waits}" if waits else "")
        )
    connections.close_all()
    if not args.keep:
        drop_database(args.server, args.database)
    checks = {
        "0 double bookings": double_bookings == 0 and double_cases == 0,
        "0 server errors": server_errors == 0,
        "all slots taken within 10 s": fill_time is not None and fill_time <= 10,
        "p99 under 2 s for winners and losers": max(p99_winners, p99_losers) < 2.0,
    }
    print()
    for goal, met in checks.items():
        print(f"goal: {goal}: {'met' if met else 'MISSED'}")
    ok = all(checks.values())
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
