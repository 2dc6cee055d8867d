#!/usr/bin/env python
"""The register's goals on PostgreSQL: reminders, continuation preview and expiry forecast.

Creates a scratch database, migrates it and generates a register of N persons (default
1,000,000) with their cases and residence records, as *test data*: written by SQL
(``INSERT … SELECT`` over ``generate_series``, cloning one row made through the models), not
through the services, so that a million persons take minutes, not hours. Per person:

* 80 % have a case (70 % of them handed over, the rest open, refused, withdrawn …), 20 % are
  register-only (documents entered without a case, e.g. an imported Duldung);
* the record in force (a title until a date spread over the next three years, a permanent
  title, a Duldung, an extension's title), for some an older Duldung and an older title it
  replaced; 5 % hold a § 24 title valid until the last ordinance's date.

Then measures (goals of issue 14):

1. the daily reminder run (``create_expiry_reminders``) in steady state: every title and
   passport in the three-month window already reminded except those that entered it today,
   letters rendered and mailed (locmem) - goal under 30 s; and, for the record, the
   selection of the whole window's candidates (as on the first run) without the letters;
2. the bulk continuation preview of a § 24 ordinance (the supervisor's ordinance page: the
   candidate count and the first rows, through the real view) - goal under 30 s;
3. the expiry forecast of the dashboard (24 months) for office management and for one
   department's supervisor, repeated - goal p95 under 1 s;
4. the target group of § 25b candidates (tolerated six years without a break, four with a
   minor child): the supervisor's page query (the total and the first page of 50 in one
   statement, over the policy's register parts as the page reads them) for office management
   and one department's supervisor, repeated, and the whole list of persons a mailing reads
   once.

Forecast and target group are measured for a second supervisor too, of the department the
register-only persons belong to (``bench-supervisor-asyl``, made on first use): the first
supervisor's part of the register without a case is empty, this one's is large.

Each figure is printed with the load average (``uptime``) beside it and as a ratio to a
baseline measured in the same run (a plain count of the records in force in the window: the
least any of these reads can do).

    .venv/bin/python bench/register.py --persons 100000
    .venv/bin/python bench/register.py                      # 1,000,000 persons
    .venv/bin/python bench/register.py --persons 100000 --keep; ... --reuse --explain
"""

# ruff: noqa: S608 - the test data is SQL built here from numbers, never from input

import argparse
import datetime as dt
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
    create_office_structure,
    drop_database,
    load,
    percentile,
    recreate_database,
)
from bench.common import setup_django as _setup_django  # noqa: E402
from bench.common import timed as _timed  # noqa: E402

#: The date to which the last § 24 ordinance continued the titles (bench data).
SECTION_24_UNTIL = dt.date(2027, 3, 4)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="forecast calls per user")
    add_database_arguments(parser, "abh_bench_register")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="flush a database kept by an earlier --keep run and build the register again",
    )
    parser.add_argument(
        "--only",
        choices=["forecast", "preview", "reminders", "target"],
        action="append",
        help="measure only these (repeatable; default: all)",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    return parser.parse_args()


def setup_django(args, media: str) -> None:
    # Background tasks are queued in the database as in production, so the daily run is
    # measured apart from its letters; the ordinance page's context is read from its response.
    _setup_django(args, media, queued_tasks=True, test_environment=True)


def timed(label: str):
    return _timed(label, with_load=True)


# -- test data ----------------------------------------------------------------------------------


def _clone(cursor, model, template_pk: int, source: str, overrides: dict[str, str]) -> int:
    """Insert one row per row of ``source`` (SQL yielding the names used in ``overrides``),
    copying every column of the template row that ``overrides`` does not set. Test data."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {select} "
        f"FROM {table} t, ({source}) s WHERE t.id = {int(template_pk)}"
    )
    return cursor.rowcount


def build_register(args) -> dict:
    """Test data: persons, their cases and residence records (see the module's docstring)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from django.utils import timezone

    from casework.constants import Role
    from casework.models import Case, Membership, Person, ResidenceRecord

    User = get_user_model()  # noqa: N806
    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    departments, types = create_office_structure()
    supervisor = User.objects.create(username="bench-supervisor", is_staff=True)
    supervisor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    Membership.objects.create(user=supervisor, department=departments[0], role=Role.SUPERVISOR)

    today = timezone.localdate()
    n = args.persons
    # One row of each table made through the models; the rest are SQL copies of it.
    person = Person.objects.create(
        family_name="Template", given_names="Vorname", birth_date=dt.date(1990, 1, 1)
    )
    case = Case(
        file_number="T-0",
        person=person,
        case_type=types[0],
        department=departments[0],
        channel="online",
        received_at=timezone.now(),
    )
    case.__dict__["state"] = "handed_over"
    (case,) = Case.objects.bulk_create([case])
    record = ResidenceRecord.objects.create(person=person, kind="title", source="case_data")
    # Persons numbered g = 1..n; h a pseudo-random number of g (deterministic).
    type_ids = [t.pk for t in types]
    dept_of = {t.pk: t.department_id for t in types}
    with connection.cursor() as cursor, transaction.atomic():
        with timed(f"{n:,} persons"):
            _clone(
                cursor,
                Person,
                person.pk,
                f"SELECT g, (g::bigint * 2654435761) % 1000003 AS h FROM generate_series(1, {n}) g",
                {
                    "family_name": "'Bench' || s.g",
                    "given_names": "'Person ' || s.g",
                    "birth_date": "DATE '1960-01-01' + (s.h % 20000)::int",
                    "nationality": "(ARRAY['UKR','SYR','TUR','AFG','IND'])[1 + s.h % 5]",
                    "preferred_language": "(ARRAY['de','en','uk','ru','ar','tr'])[1 + s.g % 6]",
                    "email": "CASE WHEN s.g % 3 = 0 THEN '' ELSE 'p' || s.g || '@example.org' END",
                    "passport_valid_until": f"DATE '{today}' + (s.h % 3100 - 100)::int",
                },
            )
        cursor.execute("SELECT min(id) FROM casework_person WHERE id > %s", [person.pk])
        first = cursor.fetchone()[0]
        persons = (
            f"SELECT p.id AS person_id, p.id - {first} + 1 AS g, "
            f"((p.id - {first} + 1)::bigint * 2654435761) % 1000003 AS h "
            f"FROM casework_person p WHERE p.id >= {first}"
        )
        # The case type: § 24 for every 20th person, else spread over the others.
        case_type = (
            f"CASE WHEN s.g % 20 = 0 THEN {type_ids[0]} ELSE "
            f"(ARRAY{type_ids[1:]})[1 + s.h % {len(type_ids) - 1}] END"
        )
        department = "CASE " + " ".join(
            f"WHEN {case_type} = {t} THEN {d}" for t, d in dept_of.items()
        )
        # 70 % handed over (all § 24), the rest open, refused, withdrawn, forwarded.
        state = (
            "CASE WHEN s.g % 20 = 0 OR s.h % 100 < 70 THEN 'handed_over' "
            "WHEN s.h % 100 < 75 THEN 'refused' WHEN s.h % 100 < 78 THEN 'withdrawn' "
            "WHEN s.h % 100 < 80 THEN 'forwarded' WHEN s.h % 100 < 88 THEN 'received' "
            "WHEN s.h % 100 < 93 THEN 'checked' ELSE 'produced' END"
        )
        validity = f"DATE '{today}' + (s.h % 1160 - 60)::int"
        with timed(f"{n * 8 // 10:,} cases"):
            _clone(
                cursor,
                Case,
                case.pk,
                f"SELECT * FROM ({persons}) p WHERE p.g % 10 < 8",
                {
                    "file_number": "'B-' || lpad(s.g::text, 8, '0')",
                    "person_id": "s.person_id",
                    "case_type_id": case_type,
                    "department_id": f"({department} END)",
                    "state": state,
                    "received_at": "now() - ((s.h % 1100) || ' days')::interval",
                    "last_transition_at": "now() - ((s.h % 300) || ' days')::interval",
                    "is_extension": "s.h % 3 = 0",
                    # § 24 titles continued to the last ordinance's date; permanent titles
                    # (§ 9) without end; others spread over the next three years.
                    "granted_until": (
                        f"CASE WHEN s.g % 20 = 0 THEN DATE '{SECTION_24_UNTIL}' "
                        f"WHEN {case_type} = {type_ids[-1]} THEN NULL ELSE {validity} END"
                    ),
                    "title_expires_on": f"CASE WHEN s.h % 3 = 0 THEN {validity} END",
                },
            )
        # The record in force: the handed-over case's title, or the title an open case
        # extends, or (register-only persons) a document entered without a case.
        with timed("records in force"):
            _clone(
                cursor,
                ResidenceRecord,
                record.pk,
                "SELECT p.*, c.id AS case_id, c.state, c.case_type_id, c.department_id, "
                "c.granted_until, c.title_expires_on, ct.legal_basis, ct.name AS type_name, "
                "ct.category "
                f"FROM ({persons}) p LEFT JOIN casework_case c ON c.person_id = p.person_id "
                "LEFT JOIN casework_casetype ct ON ct.id = c.case_type_id "
                "WHERE c.id IS NULL OR c.state = 'handed_over' OR c.title_expires_on IS NOT NULL",
                {
                    "person_id": "s.person_id",
                    "kind": (
                        "CASE WHEN s.case_id IS NULL AND s.h % 4 = 0 THEN 'duldung' "
                        "WHEN s.category = 'eu' AND s.state = 'handed_over' THEN 'eu_card' "
                        "ELSE 'title' END"
                    ),
                    "legal_basis": (
                        "CASE WHEN s.case_id IS NULL AND s.h % 4 = 0 THEN '§ 60a AufenthG' "
                        "WHEN s.state = 'handed_over' THEN s.legal_basis ELSE '' END"
                    ),
                    "title": "CASE WHEN s.state = 'handed_over' THEN s.type_name ELSE '' END",
                    "case_type_id": ("CASE WHEN s.state = 'handed_over' THEN s.case_type_id END"),
                    "case_id": "CASE WHEN s.state = 'handed_over' THEN s.case_id END",
                    "department_id": (f"COALESCE(s.department_id, {departments[1].pk})"),
                    "valid_from": (f"DATE '{today}' - (s.h % 2500)::int - 180"),
                    "valid_until": (
                        "CASE WHEN s.state = 'handed_over' THEN s.granted_until "
                        "WHEN s.case_id IS NOT NULL THEN s.title_expires_on "
                        f"WHEN s.h % 4 = 0 THEN DATE '{today}' + (s.h % 180)::int "
                        f"ELSE {validity} END"
                    ),
                    "source": (
                        "CASE WHEN s.case_id IS NULL THEN 'import' "
                        "WHEN s.state = 'handed_over' THEN 'hand_over' ELSE 'case_data' END"
                    ),
                },
            )
        # Older documents the record in force replaced: a Duldung (every 5th person), a
        # title (every 3rd).
        with timed("older records (replaced)"):
            for kind, every, basis, years in (
                ("duldung", 5, "§ 60a AufenthG", 8),
                ("title", 3, "§ 25 Abs. 5 AufenthG", 4),
            ):
                _clone(
                    cursor,
                    ResidenceRecord,
                    record.pk,
                    f"SELECT p.*, r.id AS current_id, r.valid_from AS current_from "
                    f"FROM ({persons}) p JOIN casework_residencerecord r "
                    f"ON r.person_id = p.person_id AND r.superseded_by_id IS NULL "
                    f"WHERE p.g % {every} = 0 AND r.id <> {record.pk}",
                    {
                        "person_id": "s.person_id",
                        "kind": f"'{kind}'",
                        "legal_basis": f"'{basis}'",
                        "valid_from": f"s.current_from - {years * 365}",
                        "valid_until": "s.current_from - 1",
                        "source": "'import'",
                        "superseded_by_id": "s.current_id",
                    },
                )
        cursor.execute("DELETE FROM casework_residencerecord WHERE id = %s", [record.pk])
        cursor.execute("DELETE FROM casework_case WHERE id = %s", [case.pk])
        cursor.execute("DELETE FROM casework_person WHERE id = %s", [person.pk])
    with timed("VACUUM ANALYZE"), connection.cursor() as cursor:
        # Statistics and visibility map, as autovacuum keeps them in production.
        cursor.execute("VACUUM ANALYZE")
    return office_of(admin)


def office_of(admin=None) -> dict:
    from django.contrib.auth import get_user_model

    from casework.models import CaseType

    User = get_user_model()  # noqa: N806
    return {
        "admin": admin or User.objects.get(username="bench-admin"),
        "supervisor": User.objects.get(username="bench-supervisor"),
        "supervisor_register_only": register_only_supervisor(),
        "section_24": CaseType.objects.get(code="24"),
    }


def register_only_supervisor():
    """A supervisor of the department the register-only persons belong to (Asyl/EU): its
    part of the register without a case is large (the other supervisor's is empty)."""
    from django.contrib.auth import get_user_model

    from casework.constants import Role
    from casework.models import Department, Membership

    user, created = get_user_model().objects.get_or_create(
        username="bench-supervisor-asyl", defaults={"is_staff": True}
    )
    if created:
        department = Department.objects.get(code="asyl-eu")
        Membership.objects.create(user=user, department=department, role=Role.SUPERVISOR)
    return user


def counts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in ("casework_person", "casework_case", "casework_residencerecord"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            result[table.split("_", 1)[1]] = cursor.fetchone()[0]
    return result


def explain(queryset) -> None:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            print("    " + line)


# -- measurements -------------------------------------------------------------------------------


def baseline_seconds(today: dt.date, end: dt.date) -> float:
    """The least a read of the register can do: count the records in force in a window
    (best of three)."""
    from casework.models import ResidenceRecord

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        ResidenceRecord.objects.filter(
            superseded_by__isnull=True, valid_until__gte=today, valid_until__lte=end
        ).count()
        best = min(best, time.perf_counter() - start)
    return best


def bench_reminders(args, base: float) -> None:
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from operations import services

    today = timezone.localdate()
    end = services.reminder_window_end(today)
    print(f"\nDaily reminder run (window {today} .. {end})")
    if args.explain:
        explain(services._title_candidates(today, end))  # noqa: SLF001
        explain(services._passport_candidates(today, end))  # noqa: SLF001
    with connection.cursor() as cursor:  # a database kept by --keep: start again
        cursor.execute("DELETE FROM operations_reminder")
        cursor.execute("DELETE FROM django_tasks_database_dbtaskresult")
    with timed("selection of the whole window (first run, no letters)") as first:
        titles = services._title_candidates(today, end).count()  # noqa: SLF001
        passports = services._passport_candidates(today, end).count()  # noqa: SLF001
    print(
        f"    {titles:,} titles and {passports:,} passports; {first.seconds / base:,.0f}x baseline"
    )
    # Steady state: everything in the window was reminded on earlier days except what
    # entered it today (test data, written by SQL).
    yesterday_end = services.reminder_window_end(today - dt.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO operations_reminder (person_id, case_id, kind, expires_on, language, "
            "letter, emailed_to, emailed_at, created_at) "
            "SELECT person_id, case_id, 'title', valid_until, 'de', 'x.pdf', '', now(), now() "
            "FROM casework_residencerecord WHERE superseded_by_id IS NULL "
            "AND kind IN ('title', 'eu_card') AND valid_until BETWEEN %s AND %s "
            "ON CONFLICT DO NOTHING",
            [today, yesterday_end],
        )
        cursor.execute(
            "INSERT INTO operations_reminder (person_id, kind, expires_on, language, letter, "
            "emailed_to, emailed_at, created_at) "
            "SELECT id, 'passport', passport_valid_until, 'de', 'x.pdf', '', now(), now() "
            "FROM casework_person WHERE passport_valid_until BETWEEN %s AND %s "
            "ON CONFLICT DO NOTHING",
            [today, yesterday_end],
        )
        cursor.execute("ANALYZE operations_reminder")
    mail.outbox = []
    with (
        QueryCounter() as queries,
        timed("daily run (steady state; letters within it unless queued)") as run,
    ):
        result = services.create_expiry_reminders(today=today)
    print(
        f"    {result['created']:,} reminders, {queries.count:,} queries; "
        f"{run.seconds / base:,.0f}x baseline; goal < 30 s: "
        f"{'met' if run.seconds < 30 else 'MISSED'}"
    )
    from operations.models import Reminder

    if not hasattr(services, "send_reminder_letters"):  # letters rendered within the run
        return
    pending = list(Reminder.objects.filter(letter="").values_list("pk", flat=True))
    with timed("their letters, rendered and mailed by one worker") as letters:
        mailed = services.send_reminder_letters(pending)
    per_letter = letters.seconds / max(len(pending), 1)
    print(
        f"    {len(pending):,} letters (tagged PDF), {mailed:,} mails, "
        f"{per_letter * 1000:.0f} ms each; {letters.seconds / base:,.0f}x baseline"
    )
    with timed("rerun the same day (nothing new)") as rerun:
        again = services.create_expiry_reminders(today=today)
    print(f"    {again['created']} new; {rerun.seconds / base:,.0f}x baseline")


def bench_preview(args, office, base: float) -> None:
    from django.test import Client
    from django.urls import reverse

    from operations import services
    from operations.models import ContinuationOrdinance
    from tests.accounts.login import verified_force_login

    ordinance = ContinuationOrdinance.objects.create(
        case_type=office["section_24"],
        cut_off_on=SECTION_24_UNTIL,
        valid_until=SECTION_24_UNTIL.replace(year=SECTION_24_UNTIL.year + 1),
        reference="Bench ordinance",
        created_by=office["admin"],
    )
    print(f"\nContinuation preview (§ 24, cut-off {ordinance.cut_off_on})")
    if args.explain:
        explain(services.continuation_candidates(ordinance, office["supervisor"]))
    for who in ("supervisor", "admin"):
        client = Client()
        verified_force_login(client, office[who])  # password and second factor
        url = reverse("operations:ordinance", args=[ordinance.pk])
        times = []
        for _ in range(3):
            with QueryCounter() as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
        count = response.context["candidate_count"]
        best = min(times)
        print(
            f"  ordinance page as {who}: best {best:.2f} s, worst {max(times):.2f} s "
            f"({load()}); {count:,} titles to continue, {queries.count} queries; "
            f"{best / base:,.0f}x baseline; goal < 30 s: {'met' if max(times) < 30 else 'MISSED'}"
        )


def bench_forecast(args, office, base: float) -> None:
    from django.utils import timezone

    from operations import selectors

    today = timezone.localdate()
    print(f"\nExpiry forecast (24 months, {args.repeat} calls per user)")
    for who in ("admin", "supervisor", "supervisor_register_only"):
        user = office[who]
        if args.explain:
            from django.db.models import Count, DateField
            from django.db.models.functions import TruncMonth

            end = selectors._add_months(today.replace(day=1), 24)  # noqa: SLF001
            for part in selectors.register_scope(user):  # the forecast's query per part
                explain(
                    part.filter(
                        superseded_by__isnull=True, valid_until__gte=today, valid_until__lt=end
                    )
                    .annotate(month=TruncMonth("valid_until", output_field=DateField()))
                    .values_list("month")
                    .annotate(n=Count("person", distinct=True))
                    .order_by()
                )
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            rows = selectors.expiry_forecast(selectors.register_scope(user), today=today)
            times.append(time.perf_counter() - start)
        p95 = percentile(times, 0.95)
        print(
            f"  as {who}: p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s ({load()}); "
            f"{sum(r['count'] for r in rows):,} holders in 24 months; "
            f"p95 {p95 / base:,.1f}x baseline; goal p95 < 1 s: {'met' if p95 < 1 else 'MISSED'}"
        )


def bench_target_group(args, office, base: float) -> None:
    from casework.policy import policy_for
    from casework.target_groups import Criteria, select

    print(
        f"\n§ 25b target group (tolerated 6 years / 4 with a child; {args.repeat} calls per user)"
    )
    for who in ("admin", "supervisor", "supervisor_register_only"):
        # What the page reads (operations.target_groups.selection_for): the policy's parts.
        records = policy_for(office[who]).residence_record_parts()
        selection = select(records, Criteria())
        if args.explain:
            from django.db import connection

            sql, params = selection._sql()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
                print("\n".join(row[0] for row in cursor.fetchall()))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            rows, total = selection.page(offset=0, limit=50)
            times.append(time.perf_counter() - start)
        p95 = percentile(times, 0.95)
        start = time.perf_counter()
        everyone = selection.person_ids()
        whole = time.perf_counter() - start
        print(
            f"  as {who}: page (total + 50 rows) p50 {statistics.median(times):.3f} s, "
            f"p95 {p95:.3f} s ({load()}); {total:,} candidates, {len(rows)} on the page; "
            f"p95 {p95 / base:,.1f}x baseline; the mailing's whole list ({len(everyone):,}) "
            f"{whole:.3f} s"
        )


def main() -> None:
    args = parse_args()
    if not (args.reuse or args.rebuild):
        recreate_database(args.server, args.database)
    with tempfile.TemporaryDirectory() as media:
        setup_django(args, media)
        from django.core.management import call_command
        from django.utils import timezone

        from operations import services

        try:
            if args.rebuild:
                call_command("flush", interactive=False, verbosity=0)
            elif not args.reuse:
                with timed("migrate"):
                    call_command("migrate", verbosity=0)
            if not args.reuse:
                print(f"Register of {args.persons:,} persons (test data, SQL):")
                office = build_register(args)
            else:
                office = office_of()
            print(f"  rows: {counts()}")
            services.seed_letter_templates()
            today = timezone.localdate()
            base = baseline_seconds(today, services.reminder_window_end(today))
            print(f"\nBaseline (count of the records in force in the window): {base * 1000:.1f} ms")
            only = set(args.only or ("forecast", "preview", "reminders", "target"))
            if "forecast" in only:
                bench_forecast(args, office, base)
            if "preview" in only:
                bench_preview(args, office, base)
            if "target" in only:
                bench_target_group(args, office, base)
            if "reminders" in only:
                bench_reminders(args, base)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.keep:
                drop_database(args.server, args.database)


if __name__ == "__main__":
    main()
