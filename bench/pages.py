#!/usr/bin/env python
"""Public pages under gunicorn: uncached vs cached vs a trivial view, plus SQL queries per page.

Sets up a scratch PostgreSQL database (or uses DATABASE_URL), migrates it, loads the public
site's demo content, serves the site with gunicorn on a loopback port (production settings)
and measures, in one run:

* the home page and a topic page *uncached*: every request carries a unique query string, so
  the page cache never answers and each request renders the page from the database;
* the same pages *cached*: one URL, answered by the page cache;
* ``/healthz``: a trivial view, the ceiling for what the stack itself can do.

It prints requests/s and p50/p95 latency per scenario, the throughputs as fractions of the
trivial view's (measured in the same run, so the machine's load cancels out), the load average,
and the SQL queries per page counted in-process with ``CaptureQueriesContext``: right after a
publish (every cache cold), for an address the page cache has not seen (what the uncached
scenarios request), and cached. Load stays bounded: loopback only, a fixed number of requests
per scenario.

    .venv/bin/python bench/pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abh_bench_pages .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --requests 400 --clients 4 --workers 2
"""

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH_DB = "abh_bench_pages"
HOME = "/de/"
TOPIC = "/de/aufenthaltserlaubnis/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=3, help="scenarios take turns this often")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free loopback port")
    parser.add_argument("--database", default=SCRATCH_DB, help="name of the scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def scratch_database(create: bool, name: str = SCRATCH_DB) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def load_demo(env: dict) -> None:
    code = (
        "import django, io; django.setup()\n"
        "from django.core.management.color import no_style\n"
        "from cms import demo\n"
        "demo.load(stdout=io.StringIO(), style=no_style())\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def count_queries(env: dict) -> dict:
    """SQL queries per page, counted in this process with the test client."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms import cache as page_cache

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/healthz")
    client.get(HOME)  # a warm process: content types are known
    client.get(TOPIC)
    counts = {}
    for label, url in (("home", HOME), ("topic", TOPIC)):
        page_cache.invalidate()  # as a publish does
        with CaptureQueriesContext(connection) as cold:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as new_address:
            response = client.get(f"{url}?bench=count")
        assert response["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as cached:
            response = client.get(url)
        assert response["X-Page-Cache"] == "hit"
        counts[label] = (len(new_address), len(cached), len(cold))
    with CaptureQueriesContext(connection) as trivial:
        client.get("/healthz")
    counts["healthz"] = (len(trivial), len(trivial), len(trivial))
    connection.close()
    return counts


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not come up: " + process.stderr.read().decode()[-2000:])


def get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def run_scenario(port: int, paths, total: int, clients: int, start: int = 0) -> dict:
    """``paths`` is a callable giving the path of request number n (from ``start``)."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(start, start + total))
    lock = threading.Lock()

    def worker():
        nonlocal errors
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            status, latency = get(port, paths(n))
            with lock:
                latencies.append(latency)
                if status != 200:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def run_in_rounds(port: int, scenarios, args) -> dict:
    """Every scenario in turn, ``args.rounds`` times over, so that a change in the machine's
    load during the run weighs on all of them alike."""
    runs: dict[str, list[dict]] = {label: [] for label, *_rest in scenarios}
    share = max(1, args.requests // args.rounds)
    for round_number in range(args.rounds):
        for label, paths, _page, _index in scenarios:
            runs[label].append(
                run_scenario(port, paths, share, args.clients, start=round_number * share)
            )
    results = {}
    for label, parts in runs.items():
        latencies = sorted(latency for part in parts for latency in part["latencies"])
        results[label] = {
            "rps": len(latencies) / sum(part["elapsed"] for part in parts),
            "p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
            "errors": sum(part["errors"] for part in parts),
        }
    return results


def main() -> None:
    args = parse_args()
    given = os.environ.get("DATABASE_URL", "")
    own_database = not given
    if own_database:
        scratch_database(create=True, name=args.database)
        database_url = f"{PG_SERVER}/{args.database}"
    else:
        database_url = given
    print(f"database: {urlsplit(database_url).path.lstrip('/')} (scratch: {own_database})")
    env = server_env(database_url)
    process = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        load_demo(env)
        queries = count_queries(env)
        port = args.port or free_port()
        process = start_server(env, port, args.workers)

        nonce = secrets.token_hex(4)
        load_before = os.getloadavg()
        # (label, path of request n, page, index into queries: 0 uncached, 1 cached)
        scenarios = [
            ("healthz (trivial view)", lambda n: "/healthz", "healthz", 0),
            ("home, uncached", lambda n: f"{HOME}?bench={nonce}-{n}", "home", 0),
            ("home, cached", lambda n: HOME, "home", 1),
            ("topic, uncached", lambda n: f"{TOPIC}?bench={nonce}-{n}", "topic", 0),
            ("topic, cached", lambda n: TOPIC, "topic", 1),
        ]
        # Warm every worker's caches and connections, on addresses the measurement never asks.
        for _label, paths, _page, _i in scenarios:
            run_scenario(port, paths, min(40, args.requests), args.clients, start=10**6)
        results = run_in_rounds(port, scenarios, args)
        for label, _paths, page, index in scenarios:
            results[label]["sql"] = queries[page][index]

        load_after = os.getloadavg()
        print(
            f"\ngunicorn {args.workers} sync workers, {args.clients} clients, "
            f"{args.requests} requests per scenario in {args.rounds} rounds, loopback; "
            f"load average (1 min) "
            f"{load_before[0]:.2f} before, {load_after[0]:.2f} after\n"
        )
        print(f"{'scenario':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'SQL':>6}{'errors':>8}")
        for label, r in results.items():
            print(
                f"{label:<24}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['sql']:>6}"
                f"{r['errors']:>8}"
            )
        trivial = results["healthz (trivial view)"]["rps"]
        print()
        for page in ("home", "topic"):
            cached = results[f"{page}, cached"]["rps"]
            uncached = results[f"{page}, uncached"]["rps"]
            print(
                f"{page}: of the trivial view's throughput cached {cached / trivial:.0%}, "
                f"uncached {uncached / trivial:.1%}; SQL right after a publish "
                f"{queries[page][2]}, new address {queries[page][0]}, cached {queries[page][1]}"
            )
        topic = results["topic, uncached"]["rps"]
        goals = {
            "topic page <= 8 queries uncached (also right after a publish), 0 cached": (
                max(queries["topic"][0], queries["topic"][2]) <= 8 and queries["topic"][1] == 0
            ),
            "topic page uncached >= 10 % of the trivial view's throughput": topic >= 0.1 * trivial,
            "cached pages >= 80 % of the trivial view's throughput": all(
                results[f"{p}, cached"]["rps"] >= 0.8 * trivial for p in ("home", "topic")
            ),
        }
        print()
        for goal, met in goals.items():
            print(f"goal: {goal}: {'met' if met else 'MISSED'}")
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if own_database and not args.keep:
            from django.db import connections

            connections.close_all()
            scratch_database(create=False, name=args.database)


if __name__ == "__main__":
    main()
