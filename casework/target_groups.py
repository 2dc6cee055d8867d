"""Target groups of the register: persons selected by their current status and how long it has
lasted without a break (e.g. candidates to be checked for § 25b AufenthG: tolerated for at
least six years, or four with a minor unmarried child in the household).

How the duration is counted (the rules the office reads in the target group's page):

- **The current status**: the person holds a record of the group's kind (a Duldung) that is in
  force today (valid today and not replaced by a newer document).
- **The chain**: the records of the kinds § 25b (1) no. 1 counts (Duldung, Aufenthaltsgestattung,
  residence titles and Fiktionsbescheinigungen, :data:`CHAIN_KINDS`), ordered by their first
  day. A record continues the chain if it starts at the latest the day after the chain so far
  ends (plus the group's tolerated gap, 0 days by default: any day without a document breaks
  it); a later record starts a new chain. Replaced records still count for the days they
  covered. A record without a first day proves no time and is left out.
- **Since**: the first day of the chain that reaches today. The duration is complete on the
  same calendar day N years later (§ 187 (2), § 188 (2) BGB: tolerated since 5 Dec 2020,
  six years on 5 Dec 2026; 29 Feb counts from 28 Feb).
- **Minor child**: a child in the household (:class:`~casework.models.HouseholdChild`, not
  married) or a child filed together with one of the person's cases (``filed_with`` as child),
  under 18 today. Whether the child is unmarried and still lives with the person is what the
  caseworker checks; the selection only finds candidates.

Who is selected is always read through the policy: the caller passes the records the user
may read (:meth:`casework.policy.UserCasePolicy.residence_records`, or its disjoint parts
``residence_record_parts`` for a big register), never a rule of its own.
Everything is one SQL statement (window functions), so a register of 1,000,000 persons is
counted and paged in the database; :meth:`Selection.page` also answers the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .constants import FamilyRelation, RecordKind
from .models import Case, HouseholdChild, Person, ResidenceRecord

__all__ = [
    "CHAIN_KINDS",
    "MINOR_AGE",
    "Candidate",
    "Criteria",
    "Selection",
    "select",
    "years_before",
]

#: The documents whose days count towards an uninterrupted stay (§ 25b (1) no. 1 AufenthG:
#: tolerated, permitted to stay for the asylum procedure or holding a residence permit).
CHAIN_KINDS = (RecordKind.DULDUNG, RecordKind.GESTATTUNG, RecordKind.TITLE, RecordKind.FIKTION)
MINOR_AGE = 18
#: Far in the future: the end of a record without an end (a permanent title).
_OPEN_END = dt.date(9999, 1, 1)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Criteria:
    """What a target group asks of a person (see the module's rules)."""

    status: str = RecordKind.DULDUNG
    years: int = 6
    #: The shorter duration with a minor child in the household (``None``: no reduction).
    years_with_child: int | None = 4
    #: Days without a document that do not break the chain.
    gap_days: int = 0
    #: ISO 3166 alpha-3, empty: any.
    nationality: str = ""


@dataclass(frozen=True)
class Candidate:
    person_id: int
    since: dt.date
    with_child: bool
    person: Person | None = None


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Selection:
    """The persons of a target group among the records a user may read, on ``today``."""

    def __init__(
        self,
        records: QuerySet[ResidenceRecord] | list[QuerySet[ResidenceRecord]],
        criteria: Criteria,
        *,
        today: dt.date | None = None,
        person_ids: Iterable[int] | None = None,
    ) -> None:
        self.criteria = criteria
        self.today = today or timezone.localdate()
        person_ids = None if person_ids is None else list(person_ids)
        self._current = []
        # The policy's parts (residence_record_parts) each as a fast join, then UNION ALL.
        for part in records if isinstance(records, list | tuple) else [records]:
            current = part.in_force(self.today).filter(
                kind=criteria.status, valid_from__isnull=False
            )
            if criteria.nationality:
                current = current.filter(person__nationality=criteria.nationality.upper())
            if person_ids is not None:
                current = current.filter(person_id__in=person_ids)
            self._current.append(current.order_by().values("person_id"))

    def _sql(self) -> tuple[str, list]:
        criteria, today = self.criteria, self.today
        qn = connection.ops.quote_name
        record = qn(ResidenceRecord._meta.db_table)
        person = qn(Person._meta.db_table)
        case = qn(Case._meta.db_table)
        household = qn(HouseholdChild._meta.db_table)
        parts = []
        for part in self._current:
            try:
                parts.append(part.query.sql_with_params())
            except EmptyResultSet:  # e.g. no register to read
                continue
        if not parts:
            record_table = qn(ResidenceRecord._meta.db_table)
            parts = [(f"SELECT person_id FROM {record_table} WHERE 1 = 0", ())]  # noqa: S608
        current_sql = " UNION ALL ".join(
            f"SELECT person_id FROM ({sql}) p"  # noqa: S608 (compiled by Django)
            for sql, _params in parts
        )
        current_params = [param for _sql, params in parts for param in params]
        # The few persons whose current status matches, computed first (PostgreSQL would
        # otherwise fold the policy's joins into the window's scan of the records).
        materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
        step = criteria.gap_days + 1
        if connection.vendor == "postgresql":
            reach_plus = f"(c.reach + {int(step)})"
        else:
            reach_plus = f"date(c.reach, '+{int(step)} days')"
        kinds = ", ".join(["%s"] * len(CHAIN_KINDS))
        adult_born = years_before(today, MINOR_AGE)
        # The persons with a minor child, among the current ones: one set, probed by hash
        # (a correlated EXISTS per row would be costed per row, in the select list and the
        # filter, and PostgreSQL would compile the statement for that estimate).
        kids = (
            f" kids AS (SELECT h.person_id FROM {household} h"  # noqa: S608 (model metadata, values bound)
            f" JOIN {person} k ON k.id = h.child_id JOIN cur ON cur.person_id = h.person_id"
            f" WHERE NOT h.married AND k.birth_date > %s"
            f" UNION SELECT pc.person_id FROM {case} kc JOIN {case} pc ON pc.id = kc.filed_with_id"
            f" JOIN {person} k ON k.id = kc.person_id JOIN cur ON cur.person_id = pc.person_id"
            f" WHERE kc.family_relation = %s AND k.birth_date > %s),"
        )
        kids_params = [adult_born, FamilyRelation.CHILD.value, adult_born]
        child = "s.person_id IN (SELECT person_id FROM kids)"
        long_cutoff = years_before(today, criteria.years)
        if criteria.years_with_child is not None:
            short_cutoff = years_before(today, criteria.years_with_child)
            where = f"s.since <= %s OR (s.since <= %s AND {child})"
            where_params = [long_cutoff, short_cutoff]
        else:
            where, where_params = "s.since <= %s", [long_cutoff]
        sql = (
            f"WITH cur AS {materialized}(SELECT DISTINCT person_id FROM ({current_sql}) q),"  # noqa: S608 (model metadata, values bound)
            f"{kids}"
            f" c AS (SELECT r.person_id, r.valid_from,"
            f" MAX(COALESCE(r.valid_until, %s)) OVER (PARTITION BY r.person_id"
            f" ORDER BY r.valid_from, r.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
            f" AS reach FROM {record} r WHERE r.person_id IN (SELECT person_id FROM cur)"
            f" AND r.kind IN ({kinds}) AND r.valid_from IS NOT NULL AND r.valid_from <= %s),"
            f" s AS (SELECT c.person_id, MAX(c.valid_from) AS since FROM c"
            f" WHERE c.reach IS NULL OR c.valid_from > {reach_plus} GROUP BY c.person_id)"
            f" SELECT s.person_id, s.since, {child} AS with_child FROM s WHERE {where}"
        )
        params = [
            *current_params,
            *kids_params,
            _OPEN_END,
            *(str(k) for k in CHAIN_KINDS),
            today,
            *where_params,
        ]
        return sql, params

    def _rows(self, suffix: str = "", extra: Iterable = ()) -> list[tuple]:
        sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) t {suffix}", [*params, *extra])  # noqa: S608 (model metadata, values bound)
            return cursor.fetchall()

    def count(self) -> int:
        sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) t", params)  # noqa: S608 (model metadata, values bound)
            return cursor.fetchone()[0]

    def page(self, *, offset: int = 0, limit: int = 50) -> tuple[list[Candidate], int]:
        """One page, longest tolerated first, with the persons; and the total (one query
        for both, a second only for a page beyond the end)."""
        sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.person_id, t.since, t.with_child, COUNT(*) OVER () FROM ({sql}) t"  # noqa: S608 (model metadata, values bound)
                " ORDER BY t.since, t.person_id LIMIT %s OFFSET %s",
                [*params, int(limit), int(offset)],
            )
            rows = cursor.fetchall()
        total = rows[0][3] if rows else (self.count() if offset else 0)
        persons = Person.objects.in_bulk([row[0] for row in rows])
        return [
            Candidate(pk, _date(since), bool(with_child), persons.get(pk))
            for pk, since, with_child, _total in rows
        ], total

    def person_ids(self) -> list[int]:
        """Every person of the group, longest tolerated first (for the letters' job)."""
        return [row[0] for row in self._rows("ORDER BY t.since, t.person_id")]

    def candidates(self) -> list[Candidate]:
        return [
            Candidate(pk, _date(since), bool(with_child))
            for pk, since, with_child in self._rows("ORDER BY t.since, t.person_id")
        ]


def select(
    records: QuerySet[ResidenceRecord] | list[QuerySet[ResidenceRecord]],
    criteria: Criteria | None = None,
    *,
    today: dt.date | None = None,
    person_ids: Iterable[int] | None = None,
) -> Selection:
    """The target group among ``records`` (the records the user may read, from the policy)."""
    return Selection(records, criteria or Criteria(), today=today, person_ids=person_ids)
