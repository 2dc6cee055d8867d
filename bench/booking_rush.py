#!/usr/bin/env python
"""Booking rush against the running application server on PostgreSQL.

Creates a scratch database, migrates it, creates ready cases and a release of slots that opens
at one instant, starts gunicorn on a loopback port and lets many clients book at that instant
through the public JSON endpoint (POST /api/v1/appointments/bookings), while further clients
hammer it with wrong birth dates, unknown file numbers, malformed bodies and duplicate
requests. Prints throughput, latency, server errors, and counts double bookings from the
database.

    .venv/bin/python bench/booking_rush.py            # 1,000 cases, 300 slots, 50 hammerers
    .venv/bin/python bench/booking_rush.py --cases 200 --workers 2 --keep

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

ENDPOINT = "/api/v1/appointments/bookings"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="valid clients (ready cases)")
    parser.add_argument("--hammer", type=int, default=50, help="clients sending bad requests")
    parser.add_argument("--counters", type=int, default=3)
    parser.add_argument("--slots-per-day", type=int, default=20, help="per counter, 5 days")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free loopback port")
    parser.add_argument("--lead", type=float, default=5.0, help="seconds until the release")
    parser.add_argument("--database", default="abh_bench_booking")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database name",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def recreate_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


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
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--backlog",
        "4096",
        "--timeout",
        "60",
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


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.valid_latencies: list[float] = []
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


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


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
    }
    os.environ.update(env)
    print(f"scratch database {args.database} …", flush=True)
    recreate_database(args.server, args.database)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connections

    connections.close_all()
    log_path = ROOT / "var" / "bench_booking_rush.log"
    log_path.parent.mkdir(exist_ok=True)
    server = start_server(args, env, log_path)
    print(f"gunicorn on 127.0.0.1:{args.port}: {args.workers} workers × {args.threads} threads")
    warm_up(args)
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
    try:
        for thread in valid_threads + hammer_threads:
            thread.start()
        wait = (release_at - dt.datetime.now(dt.UTC)).total_seconds()
        if wait > 0:
            time.sleep(wait)
        started = time.perf_counter()
        go.set()
        for thread in valid_threads:
            thread.join(timeout=120)
        stop.set()
        for thread in hammer_threads:
            thread.join(timeout=30)
        elapsed = time.perf_counter() - started
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
    print()
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
    connections.close_all()
    if not args.keep:
        drop_database(args.server, args.database)
    ok = (
        double_bookings == 0
        and double_cases == 0
        and server_errors == 0
        and fill_time is not None
        and fill_time <= 10
    )
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
