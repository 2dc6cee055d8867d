"""The project's WSGI application, measuring each request for the benchmarks.

Serve ``bench.profiled_wsgi:application`` instead of ``config.wsgi:application`` and set
``BENCH_PROFILE_DIR``: every request appends one JSON line to ``<dir>/<pid>.jsonl`` with

* ``wall``: seconds from the WSGI call to the rendered response (the server's share of the
  latency; the client's latency minus this is time in queues: backlog, worker threads, GIL),
* ``cpu``: CPU seconds of the request's own thread (``time.thread_time``),
* ``queries`` / ``db``: SQL statements and the seconds spent in them,
* ``lock``: seconds spent in statements that take row locks (``FOR UPDATE``),
* ``commit``: seconds spent in COMMIT (the write-ahead log flush),
* ``status`` and, for JSON problems, their ``code``.

Only the benchmarks use it; the product never imports it.
"""

import contextlib
import json
import os
import threading
import time
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

_django_application = get_wsgi_application()

from django.db import connection  # noqa: E402
from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402

_local = threading.local()
_write_lock = threading.Lock()
_directory = Path(os.environ.get("BENCH_PROFILE_DIR", "var/bench_profile"))
_directory.mkdir(parents=True, exist_ok=True)
_out = (_directory / f"{os.getpid()}.jsonl").open("a", buffering=1)


def _stats():
    return getattr(_local, "stats", None)


_original_commit = BaseDatabaseWrapper._commit


def _timed_commit(self):
    started = time.perf_counter()
    try:
        return _original_commit(self)
    finally:
        stats = _stats()
        if stats is not None:
            stats["commit"] += time.perf_counter() - started


BaseDatabaseWrapper._commit = _timed_commit


def _timed_execute(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - started
        stats = _stats()
        if stats is not None:
            stats["queries"] += 1
            stats["db"] += elapsed
            if "FOR UPDATE" in sql:
                stats["lock"] += elapsed


def application(environ, start_response):
    stats = {"queries": 0, "db": 0.0, "lock": 0.0, "commit": 0.0}
    _local.stats = stats
    status_line = []

    def remember_status(status, headers, exc_info=None):
        status_line.append(status)
        return start_response(status, headers, exc_info)

    at = time.time()
    wall_started = time.perf_counter()
    cpu_started = time.thread_time()
    try:
        with connection.execute_wrapper(_timed_execute):
            result = _django_application(environ, remember_status)
            body = None if getattr(result, "streaming", True) else result.content
    finally:
        _local.stats = None
    record = {
        "path": environ.get("PATH_INFO", ""),
        "at": at,
        "status": int(status_line[0].split()[0]) if status_line else 0,
        "wall": time.perf_counter() - wall_started,
        "cpu": time.thread_time() - cpu_started,
        **stats,
    }
    if body is not None and body.startswith(b"{") and len(body) < 2000:
        with contextlib.suppress(ValueError, AttributeError):
            record["code"] = json.loads(body).get("code", "")
    with _write_lock:
        _out.write(json.dumps(record) + "\n")
    return result
