"""Measure name search quality on a JSONL file (format: ../shared/eval/README.md).

The persons are loaded into a scratch database (SQLite in memory, or a temporary PostgreSQL
database that is dropped afterwards), each gets a case, and every query runs as a user who
may see all departments. Prints each miss and, last, ``recall@10=… mrr=… queries=N``.
"""

import datetime as dt
import json
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from search import fulltext
from search.backends import get_search_backend
from search.indexing import bulk_insert


class Command(BaseCommand):
    help = "Load persons of a JSONL evaluation file into a scratch database and score the search."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--backend", default="default")
        parser.add_argument("--quiet", action="store_true", help="Do not print the misses.")
        parser.add_argument(
            "--scratch-name",
            default="",
            help="Name of the scratch database (PostgreSQL; default abh_search_eval_<pid>).",
        )

    def handle(self, path, backend, quiet, scratch_name="", **options):
        persons, queries = _read(path)
        if not persons or not queries:
            raise CommandError(_("The file has no persons or no queries."))
        old_name = connection.settings_dict["NAME"]
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor != "sqlite":
            test_settings["NAME"] = scratch_name or f"abh_search_eval_{os.getpid()}"
        else:
            test_settings["NAME"] = None  # in memory
        # The schema straight from the models (fast); the vendor's full-text parts added after.
        test_settings["MIGRATE"] = False
        started = time.monotonic()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        fulltext.install(connection)
        try:
            self.stdout.write(f"scratch database ready in {time.monotonic() - started:.1f}s")
            self._run(persons, queries, backend, quiet)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, persons, queries, backend_name, quiet):
        started = time.monotonic()
        user, person_ref = _load(persons)
        loaded = time.monotonic()
        backend = get_search_backend(backend_name)
        if backend.external:
            # A scratch index of its own too, never the office's.
            backend.alias = f"abh-search-eval-{os.getpid()}"
        try:
            self._score(backend, persons, queries, user, person_ref, started, loaded, quiet)
        finally:
            if backend.external:
                backend.drop()

    def _score(self, backend, persons, queries, user, person_ref, started, loaded, quiet):
        backend.rebuild()
        self.stdout.write(
            f"loaded {len(persons)} persons with a case each in {loaded - started:.1f}s, "
            f"index built in {time.monotonic() - loaded:.1f}s"
        )
        started = time.monotonic()
        hits = 0
        reciprocal = 0.0
        for query in queries:
            expected = set(query.get("expect") or [])
            results = backend.search(query.get("q", ""), user=user, log=False)
            refs = [person_ref.get(hit.entry.person_id) for hit in results[:50]]
            rank = next((i + 1 for i, ref in enumerate(refs) if ref in expected), None)
            if rank is not None and rank <= 10:
                hits += 1
            if rank:
                reciprocal += 1 / rank
            if (rank is None or rank > 10) and not quiet:
                self.stdout.write(
                    f"MISS {query.get('q')!r} expect={sorted(expected)} rank={rank} "
                    f"top={refs[:3]} note={query.get('note', '')!r}"
                )
        n = len(queries)
        elapsed = time.monotonic() - started
        self.stdout.write(f"{n} queries in {elapsed:.1f}s ({1000 * elapsed / n:.0f} ms each)")
        self.stdout.write(f"recall@10={hits / n:.3f} mrr={reciprocal / n:.3f} queries={n}")


def _read(path):
    persons, queries = [], []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}:{number}: {exc}") from exc
                if record.get("kind") == "person":
                    persons.append(record)
                elif record.get("kind") == "query":
                    queries.append(record)
    except OSError as exc:
        raise CommandError(str(exc)) from exc
    return persons, queries


def _load(persons):
    from django.contrib.auth import get_user_model

    from casework.constants import CaseCategory, Channel, Role
    from casework.models import Case, CaseType, Department, Membership, Person

    with transaction.atomic():
        department = Department.objects.create(code="eval", name="Evaluation")
        case_type = CaseType.objects.create(
            code="eval",
            name="Aufenthaltserlaubnis",
            legal_basis="§ 7 AufenthG",
            category=CaseCategory.OTHER,
            department=department,
        )
        user = get_user_model().objects.create(username="search-eval", is_staff=True)
        for dept in Department.objects.all():
            Membership.objects.create(user=user, department=dept, role=Role.CASEWORKER)
        now = timezone.now()
        rows = []
        for number, record in enumerate(persons, 1):
            try:
                birth = dt.date.fromisoformat(record.get("birth_date") or "")
            except ValueError:
                birth = dt.date(1900, 1, 1)
            rows.append(
                Person(
                    id=number,
                    created_at=now,
                    updated_at=now,
                    family_name=(record.get("family_name") or "")[:200],
                    given_names=(record.get("given_names") or "")[:200],
                    family_name_native=(record.get("family_name_native") or "")[:200],
                    given_names_native=(record.get("given_names_native") or "")[:200],
                    birth_date=birth,
                    nationality=(record.get("nationality") or "")[:3],
                )
            )
        # A fresh scratch database: explicit ids and a plain executemany are safe and fast.
        bulk_insert(rows)
        created = rows
        year = now.year
        bulk_insert(
            [
                Case(
                    id=i,
                    created_at=now,
                    updated_at=now,
                    file_number=f"EVL-{year}-{i:06d}",
                    person=person,
                    case_type=case_type,
                    department=department,
                    received_at=now - dt.timedelta(minutes=i),
                    channel=Channel.POST,
                )
                for i, person in enumerate(created, 1)
            ]
        )
    person_ref = {p.pk: r.get("ref") for p, r in zip(created, persons, strict=True)}
    return user, person_ref
