"""What the PostgreSQL bench scripts share: the scratch database, Django set up on it, timers,
query counters, process figures and the office's departments and case types.

The scripts put the repository root on ``sys.path`` before they import this module.
"""

import os
import time
from pathlib import Path

#: The office the bench data is built in: four departments and eight case types.
DEPARTMENTS = [
    ("aufenthalt", "Aufenthalt/Anerkennung"),
    ("asyl-eu", "Asyl/EU"),
    ("einbuergerung", "Einbürgerung"),
    ("integration", "Integration"),
]
CASE_TYPES = [
    # (code, name, legal basis, category, index into DEPARTMENTS)
    ("24", "Vorübergehender Schutz", "§ 24 AufenthG", "humanitarian", 0),
    ("104c", "Chancen-Aufenthaltsrecht", "§ 104c AufenthG", "humanitarian", 0),
    ("18b", "Fachkräfte mit Hochschulabschluss", "§ 18b AufenthG", "employment", 0),
    ("18g", "Blaue Karte EU", "§ 18g AufenthG", "employment", 0),
    ("28", "Familiennachzug zu Deutschen", "§ 28 AufenthG", "family", 1),
    ("eu", "Aufenthaltskarte", "§ 5 FreizügG/EU", "eu", 1),
    ("16b", "Studium", "§ 16b AufenthG", "education", 2),
    ("9", "Niederlassungserlaubnis", "§ 9 AufenthG", "permanent", 3),
]


def add_database_arguments(parser, default_name: str) -> None:
    """``--database``, ``--server``, ``--keep`` and ``--reuse``: the scratch database."""
    parser.add_argument("--database", default=default_name)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database name",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on a database kept by an earlier --keep run"
    )


def run_sql_on_server(server: str, statement) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def drop_database(server: str, name: str) -> None:
    from psycopg import sql

    run_sql_on_server(
        server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def recreate_database(server: str, name: str) -> None:
    from psycopg import sql

    drop_database(server, name)
    run_sql_on_server(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(args, media: str, *, queued_tasks: bool = False, test_environment: bool = False):
    """Django on ``args.server``/``args.database`` with the test settings, media in ``media``.

    ``queued_tasks`` queues background tasks in the database as in production (the test
    settings run them at once); ``test_environment`` records rendered templates' contexts."""
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if queued_tasks:
        os.environ["ABH_TEST_TASKS"] = "database"
    import django
    from django.conf import settings

    django.setup()
    if test_environment:
        from django.test.utils import setup_test_environment

        setup_test_environment()
    settings.PRIVATE_MEDIA_ROOT = Path(media) / "private"
    settings.MEDIA_ROOT = Path(media) / "media"
    return settings


def load() -> str:
    """The load average as ``uptime`` prints it."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


class QueryCounter:
    """Counts every query on the default connection and the seconds spent in them."""

    def __enter__(self):
        from django.db import connection

        self.count = 0
        self.seconds = 0.0
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


def timed(label: str, *, with_load: bool = False):
    """A context manager printing how long its block took."""

    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.start
            suffix = f"  ({load()})" if with_load else ""
            print(f"  {label}: {self.seconds:.1f} s{suffix}", flush=True)

    return Timer()


def percentile(values, fraction: float) -> float:
    """The value at ``fraction`` (0..1) of the sorted values, nearest rank; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def cpu_seconds() -> float:
    """CPU time of this process plus finished children (e.g. PDF worker processes)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def proc_status(key: str) -> int:
    """A value of /proc/self/status in bytes (Linux; e.g. ``VmHWM``), 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def create_office_structure():
    """The bench office's departments and case types (test data), as two lists."""
    from casework.models import CaseType, Department

    departments = [Department.objects.create(code=code, name=name) for code, name in DEPARTMENTS]
    types = [
        CaseType.objects.create(
            code=code,
            name=name,
            legal_basis=basis,
            category=category,
            department=departments[index],
        )
        for code, name, basis, category, index in CASE_TYPES
    ]
    return departments, types
