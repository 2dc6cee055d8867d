#!/usr/bin/env python
"""Import of a legacy register on PostgreSQL: time and peak memory for two file sizes.

Creates a scratch database, migrates it, writes two CSV exports (default 10,000 persons with
25,000 records, and 100,000 persons with 250,000 records: 2 or 3 documents each, a Duldung,
then a title, then its extension) and imports each into an empty register in a fresh
process (``manage.py import_register``'s code path, chunks of ``--chunk-rows``), printing
the wall time, rows per second and the process's peak RSS above its baseline (Django
loaded). Goals: the large file under 5 minutes; memory flat (the large run's peak within a
fixed buffer of the small one's). Then the large file again (nothing changed: every person
skipped by its key) for the re-import time.

    .venv/bin/python bench/register_import.py
    .venv/bin/python bench/register_import.py --persons 20000 --small 2000 --keep
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    add_database_arguments,
    drop_database,
    load,
    proc_status,
    recreate_database,
)
from bench.common import setup_django as _setup_django  # noqa: E402

HEADER = [
    "Personenkennung",
    "Familienname",
    "Vornamen",
    "Geburtsdatum",
    "Staatsangehörigkeit",
    "Dokumentart",
    "Rechtsgrundlage",
    "Bezeichnung",
    "Gültig ab",
    "Gültig bis",
    "Kartennummer",
    "Erwerbstätigkeit gestattet",
]
FAMILY = ["Schewtschenko", "Kowalenko", "Haddad", "Yilmaz", "Novak", "Ahmadi", "Mensah",
          "Berisha", "Ivanova", "Petrenko", "Al-Hussein", "Öztürk", "Nguyen", "Kovač",
          "Tesfaye"]  # fmt: skip
GIVEN = ["Taras", "Olena", "Mariam", "Ayşe", "Ana", "Reza", "Kofi", "Arben", "Olga", "Dmytro",
         "Fatima", "Mehmet", "Linh", "Ivana", "Dawit"]  # fmt: skip
NATIONS = ["UKR", "SYR", "TUR", "AFG", "GHA", "XKX", "RUS", "VNM", "HRV", "ERI"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="persons of the small file")
    parser.add_argument("--chunk-rows", type=int, default=2000)
    add_database_arguments(parser, "abh_bench_register_import")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--truncate", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def write_file(path: Path, persons: int, seed: int = 7) -> int:
    """A legacy export of ``persons`` persons, 2.5 records each on average."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(persons):
            key = f"ALT-{n:07d}"
            person = [
                key,
                rng.choice(FAMILY) + (f"-{n % 97}" if n % 3 else ""),
                rng.choice(GIVEN),
                (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25_000))).strftime(
                    "%d.%m.%Y"
                ),
                rng.choice(NATIONS),
            ]
            start = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(2500))
            duldung_end = start + dt.timedelta(days=180)
            title_end = duldung_end + dt.timedelta(days=3 * 365)
            documents = [
                ["DUL", "§ 60a AufenthG", "Duldung", start, duldung_end, "", "nein"],
                [
                    "AT",
                    "§ 25 Abs. 5 AufenthG",
                    "Aufenthaltserlaubnis",
                    duldung_end + dt.timedelta(days=1),
                    title_end,
                    f"Y{n:08d}",
                    "ja",
                ],  # fmt: skip
            ]
            if n % 2:
                documents.append(
                    [
                        "AT",
                        "§ 25b AufenthG",
                        "Aufenthaltserlaubnis",
                        title_end + dt.timedelta(days=1),
                        title_end + dt.timedelta(days=3 * 365),
                        f"Z{n:08d}",
                        "ja",
                    ]  # fmt: skip
                )
            for kind, basis, title, begin, end, card, work in documents:
                writer.writerow(
                    [
                        *person,
                        kind,
                        basis,
                        title,
                        begin.strftime("%d.%m.%Y"),
                        end.strftime("%d.%m.%Y"),
                        card,
                        work,
                    ]  # fmt: skip
                )
                rows += 1
    return rows


def setup_django(args, media: str) -> None:
    settings = _setup_django(args, media)
    settings.REGISTER_IMPORT_CHUNK_ROWS = args.chunk_rows


def child(args) -> None:
    """Import one file in this fresh process; print the figures as JSON."""
    setup_django(args, os.environ["BENCH_MEDIA"])
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from casework.constants import OFFICE_ADMIN_GROUP
    from casework.models import Department
    from register_import import services

    user, _created = get_user_model().objects.get_or_create(username="bench-amt")
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    department, _created = Department.objects.get_or_create(
        code="bench", defaults={"name": "Bench"}
    )
    baseline = proc_status("VmHWM")
    start = time.perf_counter()
    run = services.create_run(
        path=args.child, filename=Path(args.child).name, department=department, user=user
    )
    run = services.run_import(run.pk)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": run.total_rows,
                "created": run.persons_created,
                "unchanged": run.persons_unchanged,
                "records": run.records_written,
                "errors": run.error_count,
                "baseline": baseline,
                "peak": proc_status("VmHWM"),
            }
        )
    )


def truncate(args) -> None:
    setup_django(args, os.environ["BENCH_MEDIA"])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE register_import_legacyperson, register_import_duplicatecandidate, "
            "register_import_rowerror, register_import_importrun, "
            "casework_residencerecordhistory, casework_residencerecord, casework_person CASCADE"
        )


def run_child(args, env, *extra) -> dict:
    command = [sys.executable, __file__, "--database", args.database, "--server", args.server]
    command += ["--chunk-rows", str(args.chunk_rows), *extra]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-4000:])
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    if args.truncate:
        truncate(args)
        return
    if not args.reuse:
        recreate_database(args.server, args.database)
    media = tempfile.mkdtemp(prefix="bench-import-")
    env = {
        **os.environ,
        "BENCH_MEDIA": media,
        "DATABASE_URL": f"{args.server}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    try:
        if not args.reuse:
            print("migrating the scratch database …", flush=True)
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True
            )
        results = {}
        for label, persons in (("small", args.small), ("large", args.persons)):
            path = Path(media) / f"register-{persons}.csv"
            start = time.perf_counter()
            rows = write_file(path, persons)
            print(
                f"{label}: {persons:,} persons, {rows:,} rows, "
                f"{path.stat().st_size / 1e6:.1f} MB written in "
                f"{time.perf_counter() - start:.1f} s",
                flush=True,
            )
            run_child(args, env, "--truncate")
            load_before = load()
            figures = run_child(args, env, "--child", str(path))
            results[label] = figures
            print(
                f"  import: {figures['seconds']:.1f} s, {rows / figures['seconds']:,.0f} rows/s, "
                f"{figures['created']:,} persons, {figures['records']:,} records, "
                f"{figures['errors']} errors; peak RSS {figures['peak'] / 2**20:.0f} MiB "
                f"({(figures['peak'] - figures['baseline']) / 2**20:+.0f} MiB above the "
                f"baseline after Django setup)",
                flush=True,
            )
            print(f"  load before: {load_before}", flush=True)
            print(f"  load after:  {load()}", flush=True)
        again = run_child(args, env, "--child", str(Path(media) / f"register-{args.persons}.csv"))
        print(
            f"large again (nothing changed): {again['seconds']:.1f} s, "
            f"{again['unchanged']:,} persons unchanged, {again['created']} created",
            flush=True,
        )
        small, large = results["small"], results["large"]
        growth = (large["peak"] - large["baseline"]) - (small["peak"] - small["baseline"])
        print(
            f"ratios: time large/small {large['seconds'] / small['seconds']:.1f} "
            f"(persons {args.persons / args.small:.0f}x); peak RSS above baseline grew by "
            f"{growth / 2**20:+.0f} MiB from the small to the large file; goal large < 300 s: "
            f"{'met' if large['seconds'] < 300 else 'NOT met'}"
        )
    finally:
        if not args.keep:
            drop_database(args.server, args.database)


if __name__ == "__main__":
    main()
