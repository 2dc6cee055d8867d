"""Case search speed at office scale: index build and query latency (PostgreSQL, Elasticsearch).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/search.py
    ... bench/search.py --n 20000        # quicker
    ... bench/search.py --million        # 1,000,000 cases
    ... bench/search.py --keep           # keep the scratch database (its name is printed)
    ... bench/search.py --reuse test_bench_search_123  # queries only, on a kept database
    ... bench/search.py --backend elasticsearch        # both backends in one run (make es)

Works in a scratch database (created and dropped). Generates N persons with a case each in
five departments, builds the index, then runs name queries (German transcriptions, typos,
birth dates), file-number queries and free-text queries with filters as a caseworker of one
department, next to the raw SQL full-text query on the same table. Prints p50/p95 latency.

With ``--backend elasticsearch`` the cases are also indexed into a scratch alias of the cluster
at ELASTICSEARCH_URL (default: the cluster of ``make es``): the rate and the process's
resident memory during the bulk indexing are printed, then every query runs on both backends
(alternating which goes first), with the ratio Elasticsearch / database per kind of query.
Each kind is first run ``--warmup`` times (default 50) on every backend, unmeasured.
Run the cluster's nodes at the same priority as PostgreSQL (``make es``, not under ``nice``):
a niced cluster against a database that is not measures the scheduler, not the search.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from search import fulltext, indexing, names  # noqa: E402
from search.backends import get_search_backend  # noqa: E402

FAMILY_NATIVE = [
    "Шевченко",
    "Ковальчук",
    "Ткаченко",
    "Кравченко",
    "Мельник",
    "Шевчук",
    "Поліщук",
    "Лисенко",
    "Бондаренко",
    "Коваленко",
    "Бойко",
    "Олійник",
    "Марченко",
    "Савченко",
    "Руденко",
    "Петренко",
    "Кравець",
    "Мороз",
    "Павленко",
    "Литвиненко",
    "Гнатюк",
    "Приходько",
    "Зайченко",
    "Ярошенко",
    "Юрченко",
    "Клименко",
    "Кушнір",
    "Гуменюк",
]
GIVEN_NATIVE = [
    "Олександр",
    "Юлія",
    "Наталія",
    "Сергій",
    "Андрій",
    "Євген",
    "Ірина",
    "Вікторія",
    "Максим",
    "Тетяна",
    "Оксана",
    "Дмитро",
    "Олена",
    "Іван",
    "Богдан",
    "Галина",
    "Людмила",
    "Тарас",
    "Василь",
    "Микола",
]
FAMILY_LATIN = [
    "Al-Ahmad",
    "Hussain",
    "Öztürk",
    "Wiśniewski",
    "Nguyễn",
    "Gebremedhin",
    "Ahmadi",
    "Abdelrahman",
    "Müller",
    "Şahin",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Haddad",
    "Mansour",
    "Khalil",
    "Rahimi",
    "Karimi",
    "Nowak",
    "Kowalski",
    "Jovanović",
    "Horváth",
]
GIVEN_LATIN = [
    "Mohammed",
    "Ali",
    "Fatima",
    "Ayşe",
    "Łukasz",
    "Huong",
    "Tesfay",
    "Reza",
    "Youssef",
    "Jürgen",
    "Gülşen",
    "Omar",
    "Layla",
    "Karim",
    "Zeynep",
    "Mehmet",
    "Anna",
    "Maria",
]
WORDS = [
    "Arbeitsvertrag",
    "Mietvertrag",
    "Krankenversicherung",
    "Fiktionsbescheinigung",
    "Reisepass",
    "Meldebescheinigung",
    "Gehaltsabrechnung",
    "Sprachzertifikat",
    "Geburtsurkunde",
    "Heiratsurkunde",
]
DEPARTMENTS = ["aufenthalt", "asyl-eu", "einbuergerung", "integration", "service"]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def generate(n: int, rng: random.Random):
    from django.contrib.auth import get_user_model

    from casework.constants import CaseCategory, CaseState, Channel, Role
    from casework.models import Case, CaseType, Department, Membership, Person

    departments = [Department.objects.create(code=c, name=c.title()) for c in DEPARTMENTS]
    types = [
        CaseType.objects.create(
            code=f"t{i}",
            name=f"Aufenthaltstitel {i}",
            legal_basis=f"§ {i} AufenthG",
            category=CaseCategory.OTHER,
            department=d,
        )
        for i, d in enumerate(departments)
    ]
    user = get_user_model().objects.create(username="bench-caseworker", is_staff=True)
    Membership.objects.create(user=user, department=departments[0], role=Role.CASEWORKER)
    states = list(CaseState.values)
    now = timezone.now()
    people = []
    batch = 5000
    for start in range(0, n, batch):
        persons = []
        for _ in range(start, min(n, start + batch)):
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25000))
            if rng.random() < 0.6:
                fam, giv = rng.choice(FAMILY_NATIVE), rng.choice(GIVEN_NATIVE)
                latin_f = names._translit(fam.lower(), names._UKR, names._UKR_INITIAL).upper()
                latin_g = names._translit(giv.lower(), names._UKR, names._UKR_INITIAL).upper()
                persons.append(
                    Person(
                        family_name=latin_f,
                        given_names=latin_g,
                        family_name_native=fam,
                        given_names_native=giv,
                        birth_date=birth,
                        nationality="UKR",
                        passport_number=f"FA{rng.randrange(10**7):07d}",
                    )
                )
            else:
                persons.append(
                    Person(
                        family_name=rng.choice(FAMILY_LATIN),
                        given_names=rng.choice(GIVEN_LATIN),
                        birth_date=birth,
                        nationality=rng.choice(["SYR", "TUR", "POL", "VNM", "ERI", "AFG"]),
                        passport_number=f"P{rng.randrange(10**8):08d}",
                    )
                )
        with transaction.atomic():
            created = Person.objects.bulk_create(persons, batch_size=2000)
            cases = []
            for i, person in enumerate(created, start):
                k = rng.randrange(len(departments))
                case = Case(
                    file_number=f"ABH-2026-{i + 1:07d}",
                    person=person,
                    case_type=types[k],
                    department=departments[k],
                    received_at=now - dt.timedelta(minutes=rng.randrange(500000)),
                    channel=Channel.POST,
                    notes=" ".join(rng.sample(WORDS, 2)) + " nachgereicht",
                    title_expires_on=(now + dt.timedelta(days=rng.randrange(-100, 700))).date(),
                )
                case.__dict__["state"] = rng.choice(states)
                cases.append(case)
            Case.objects.bulk_create(cases, batch_size=2000)
            people.extend((c.file_number, c.person, c.department_id) for c in cases)
    return user, departments[0], people


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--warmup",
        type=int,
        default=50,
        help="Queries of each kind on each backend before the timed ones (steady state).",
    )
    parser.add_argument("--keep", action="store_true", help="Do not drop the scratch database.")
    parser.add_argument("--reuse", metavar="DB", help="Run the queries on a kept database.")
    parser.add_argument("--backend", choices=["database", "elasticsearch"], default="database")
    parser.add_argument(
        "--es-index",
        metavar="ALIAS",
        help="Elasticsearch: use (and keep) this alias, filled only if it does not exist yet.",
    )
    args = parser.parse_args()
    n = 1_000_000 if args.million else args.n
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the bench measures PostgreSQL).")
    rng = random.Random(20260301)
    print(f"load average before: {load()}")
    if args.reuse:
        connection.settings_dict["NAME"] = args.reuse
        connection.close()
        sync_schema()
        indexing.tidy()  # what a rebuild ends with: statistics, GIN pending lists merged
        user, department, people = existing()
        backends, elasticsearch = with_elasticsearch(args.backend, args.es_index)
        try:
            run_queries(user, department, people, rng, args.queries, backends, args.warmup)
        finally:
            if elasticsearch is not None and not args.es_index:
                elasticsearch.drop()
        return
    old_name = connection.settings_dict["NAME"]
    # Named after the database of DATABASE_URL, so that scratch databases never collide.
    name = f"{old_name}_bench_search_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.settings_dict["TEST"]["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    fulltext.install(connection)
    try:
        started = time.monotonic()
        user, department, people = generate(n, rng)
        print(f"generated {n} cases in {time.monotonic() - started:.1f}s (load {load()})")
        started = time.monotonic()
        indexing.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_caseindexentry")
            cursor.execute("ANALYZE search_nameterm")
            cursor.execute("ANALYZE casework_case")
        print(f"index build: {time.monotonic() - started:.1f}s for {n} cases (load {load()})")
        backends, elasticsearch = with_elasticsearch(args.backend, args.es_index)
        try:
            run_queries(user, department, people, rng, args.queries, backends, args.warmup)
        finally:
            if elasticsearch is not None and not args.es_index:
                elasticsearch.drop()
    finally:
        if args.keep:
            print(f"kept the scratch database {name}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def rss_mb() -> float:
    """Resident memory of this process (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def with_elasticsearch(backend_name: str, alias: str | None = None):
    """The backends to measure; with Elasticsearch a scratch index is filled first (or the
    kept index ``alias`` is used as it is)."""
    database = get_search_backend("default")
    if backend_name != "elasticsearch":
        return {"database": database}, None
    from search.backends.elasticsearch import ElasticsearchCaseSearchBackend

    url = (
        os.environ.get("ELASTICSEARCH_URL")
        or subprocess.run(
            ["bash", str(Path(__file__).resolve().parent.parent / ".ci" / "elasticsearch"), "url"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    elasticsearch = ElasticsearchCaseSearchBackend(
        {"URL": url, "INDEX": alias or f"abh-bench-{os.getpid()}"}
    )
    if alias and elasticsearch._current_indices():
        count = elasticsearch.client.count(index=alias)["count"]
        print(f"elasticsearch: the kept index {alias} ({count} cases)")
        return {"database": database, "elasticsearch": elasticsearch}, elasticsearch
    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        if done % 10_000 == 0 or done == total:
            samples.append((done, rss_mb()))

    before = rss_mb()
    started = time.monotonic()
    count = elasticsearch.reindex(progress=progress)
    seconds = time.monotonic() - started
    print(
        f"elasticsearch indexing: {count} cases in {seconds:.1f}s = {count / seconds:.0f} "
        f"cases/s, bulk requests of 1000 (load {load()})"
    )
    print(
        f"  resident memory of this process: {before:.0f} MB before, "
        + ", ".join(f"{mb:.0f} MB at {done}" for done, mb in samples)
    )
    return {"database": database, "elasticsearch": elasticsearch}, elasticsearch


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def sync_schema():
    """Tables and columns that models gained since the kept database was built (bench only)."""
    from django.apps import apps

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            if meta.db_table not in tables:
                editor.create_model(model)
                continue
            with connection.cursor() as cursor:
                columns = {
                    c.name
                    for c in connection.introspection.get_table_description(cursor, meta.db_table)
                }
            for f in meta.local_concrete_fields:
                if f.column not in columns:
                    editor.add_field(model, f)


def existing():
    """User, department and (file number, person, department id) of a kept database."""
    from django.contrib.auth import get_user_model

    from casework.models import Case, Department

    user = get_user_model().objects.get(username="bench-caseworker")
    department = Department.objects.get(code=DEPARTMENTS[0])
    cases = Case.objects.select_related("person").order_by("pk").iterator(10000)
    return user, department, [(c.file_number, c.person, c.department_id) for c in cases]


def run_queries(user, department, people, rng, count, backends=None, warmup=50):
    backends = backends or {"database": get_search_backend()}
    own = [p for p in people if p[2] == department.pk]

    def name_query():
        _number, person, _dept = rng.choice(own)
        if person.family_name_native:
            family = names._german(person.family_name_native.lower(), names._GER_UKR).title()
        else:
            family = person.family_name
        if rng.random() < 0.3:
            i = rng.randrange(1, len(family) - 1)
            family = family[:i] + family[i + 1] + family[i] + family[i + 2 :]
        if rng.random() < 0.5:
            return f"{family} {person.birth_date:%d.%m.%Y}", {}
        return f"{person.given_names.title()} {family}", {}

    def file_number_query():
        return rng.choice(people)[0], {}

    def text_query():
        return rng.choice(WORDS), {"state": rng.choice(["received", "checked", "biometrics"])}

    kinds = {"name": name_query, "file number": file_number_query, "free text + filter": text_query}
    # Warm-up, so that both are measured in steady state as an office's server runs: the
    # vocabulary, PostgreSQL's caches and plans, and the node this process searches on (its
    # caches and the JVM's compiled code: a node that has answered a few searches only was
    # a third slower at first).
    for make in kinds.values():
        for _ in range(warmup):
            q, f = make()
            for backend in backends.values():
                list(backend.search(q, user=user, filters=f, log=False)[:20])
    print(f"queries as a caseworker of one department ({len(own)} of {len(people)} cases):")
    for label, make in kinds.items():
        timings: dict[str, list[float]] = {name: [] for name in backends}
        for i in range(count):
            q, f = make()
            order = list(backends.items())
            if i % 2:
                order.reverse()  # neither backend always runs first
            for name, backend in order:
                started = time.perf_counter()
                results = backend.search(q, user=user, filters=f)
                list(results[:20])
                results.count()
                results.facets()
                timings[name].append(1000 * (time.perf_counter() - started))
        p95 = {}
        for name, values in timings.items():
            p95[name] = percentile(values, 0.95)
            print(
                f"  {label:20s} {name:13s} p50={statistics.median(values):6.1f} ms "
                f"p95={p95[name]:6.1f} ms  (load {load()})"
            )
        if "elasticsearch" in p95:
            print(
                f"  {label:20s} p95 elasticsearch / database = "
                f"{p95['elasticsearch'] / p95['database']:.2f}"
            )
    timings = []
    with connection.cursor() as cursor:
        for _ in range(count):
            word = rng.choice(WORDS)
            started = time.perf_counter()
            cursor.execute(
                "SELECT case_id FROM search_caseindexentry "
                "WHERE body_tsv @@ plainto_tsquery('german', %s) AND department_id = %s "
                "AND state = %s ORDER BY ts_rank(body_tsv, plainto_tsquery('german', %s)) DESC "
                "LIMIT 20",
                [word, department.pk, "received", word],
            )
            cursor.fetchall()
            timings.append(1000 * (time.perf_counter() - started))
    print(
        f"  {'raw SQL full text':20s} p50={statistics.median(timings):6.1f} ms "
        f"p95={percentile(timings, 0.95):6.1f} ms  (load {load()})"
    )


if __name__ == "__main__":
    main()
