"""Reads of case data, always narrowed to what the user may see.

Who may see what is :mod:`casework.policy`'s answer; the reads here ask it (a lazy queryset on
the policy's plain values, so lists stay one SQL query whatever is chained onto them).
"""

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Aggregate,
    BooleanField,
    DateTimeField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models import Case as Choose
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .constants import FamilyRelation
from .fiktion import fiktion_status
from .models import (
    Case,
    CaseAccessLog,
    CaseHistory,
    Department,
    Hearing,
    HouseholdChild,
    Notice,
    Participation,
    ParticipationKind,
    Person,
    ResidenceRecord,
    ResidenceRecordHistory,
)
from .policy import Action, policy_for

__all__ = [
    "access_log",
    "access_log_entries",
    "available_transitions",
    "case_for_applicant",
    "case_history",
    "cases_visible_to",
    "editable_fields",
    "family_cases",
    "fiktion_status",
    "family_seen_by",
    "current_record",
    "get_visible_case",
    "household",
    "residence_records",
    "supervised_departments",
]


def family_cases(case: Case) -> list[Case]:
    """The other cases filed together with ``case``: the main applicant's first, then the
    family members' in the order they were filed. Nobody's visibility is checked here."""
    main_id = case.filed_with_id or case.pk
    return list(
        Case.objects.filter(Q(pk=main_id) | Q(filed_with_id=main_id))
        .exclude(pk=case.pk)
        .select_related("person")
        .order_by(F("filed_with").asc(nulls_first=True), "pk")
    )


def family_seen_by(user, case: Case) -> list[tuple[Case, bool]]:
    """:func:`family_cases` for the case file, each with whether the user may open it, in one
    query; none when the case was read with :func:`get_visible_case` ``(file=True)`` and is
    nobody's family (the usual case: no query at all)."""
    if case.filed_with_id is None and getattr(case, "has_family", True) is False:
        return []
    main_id = case.filed_with_id or case.pk
    scope = policy_for(user).scope(Action.VIEW)
    condition = scope.q()
    if scope.is_empty or condition is None:
        visible = Value(not scope.is_empty, output_field=BooleanField())
    else:
        visible = Choose(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    members = (
        Case.objects.filter(Q(pk=main_id) | Q(filed_with_id=main_id))
        .exclude(pk=case.pk)
        .select_related("person")
        .annotate(visible_to_user=visible)
        .order_by(F("filed_with").asc(nulls_first=True), "pk")
    )
    return [(member, bool(member.visible_to_user)) for member in members]


def cases_visible_to(user) -> QuerySet[Case]:
    """All cases the user may read, as a lazy queryset (one SQL query when evaluated)."""
    return policy_for(user).cases()


def get_visible_case(
    user, *, pk: int | None = None, file_number: str | None = None, file: bool = False
) -> Case:
    """The case if the user may see it; 404 otherwise (never reveals that it exists).

    ``file=True``: with what the case file shows beside the case (hand-over, assignee,
    checklist, card orders, whether others were filed with it), so that guards, page and
    panels read each of them once."""
    lookup = {"pk": pk} if pk is not None else {"file_number": file_number}
    cases = cases_visible_to(user).select_related("person", "case_type", "department")
    if file:
        cases = (
            cases.select_related("hand_over", "assigned_to")
            .prefetch_related("documents", "card_orders")
            .annotate(has_family=Exists(Case.objects.filter(filed_with=OuterRef("pk"))))
            # Hearings and notices are read only for the cases that have them (a hearing
            # letter, a grant notice, a certificate), so other case files pay no query; the
            # panels and guards read no notice where ``has_decisions`` is false.
            .annotate(has_decisions=Exists(Notice.objects.filter(case=OuterRef("pk"))))
            .annotate(has_hearing=Exists(Hearing.objects.filter(case=OuterRef("pk"))))
            # Likewise the participations of other authorities (the decision's guard and the
            # panel read them), with their kinds and who answered, as one JSON value.
            .annotate(participation_rows=participation_rows())
            # The person's residence records with their history, read with the case.
            .annotate(register_rows=register_rows())
            # Whether the person has children in the household (recorded, or filed with
            # one of their cases): the household panel reads them only then.
            .annotate(
                has_household=Exists(HouseholdChild.objects.filter(person_id=OuterRef("person_id")))
                | Exists(
                    Case.objects.filter(
                        filed_with__person_id=OuterRef("person_id"),
                        family_relation=FamilyRelation.CHILD,
                    )
                )
            )
        )
    try:
        case = cases.get(**lookup)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if file and case.has_decisions:
        prefetch_related_objects(
            [case],
            *(["hearings"] if case.has_hearing else []),
            Prefetch(
                "notices",
                queryset=Notice.objects.select_related("drafted_by", "approved_by", "issued_by"),
            ),
        )
    if file:
        participations = participations_from_rows(case, case.__dict__.pop("participation_rows"))
        case.has_participations = bool(participations)
        if participations:
            case._prefetched_objects_cache = getattr(case, "_prefetched_objects_cache", {})  # noqa: SLF001
            case._prefetched_objects_cache["participations"] = participations  # noqa: SLF001
    return case


def case_for_applicant(
    *, file_number: str, birth_date, fields: tuple[str, ...] | None = None
) -> Case | None:
    """The case an applicant proves to be theirs with file number and birth date.

    Answers ``None`` both for unknown file numbers and for a wrong birth date, so callers
    cannot tell the two apart. With ``fields`` only those columns are read (the others load
    when first used): a booking rush runs this for every request.
    """
    if not file_number or birth_date is None:
        return None
    # Only the case itself: callers read its own fields. The file number is unique: no order.
    cases = Case.objects.filter(
        file_number=file_number.strip().upper(), person__birth_date=birth_date
    ).order_by()
    if fields is not None:
        cases = cases.only(*fields)
    return next(iter(cases[:1]), None)


# -- the workflow as seen by one user ---------------------------------------------------------


def available_transitions(*, case: Case, user) -> list:
    """The transitions leaving the case's state that the user may fire: allowed ones, and
    unavailable ones with the reasons (``Option.reasons``; ``Option.explain()`` for a line)."""
    return case.workflow.available(case, user, roles=set(policy_for(user).roles(case)))


def editable_fields(*, case: Case, user) -> set[str]:
    """Fields (and pseudo-fields "person", "documents", "card_orders", "assigned_to") the
    user may still change in the case's current state."""
    return policy_for(user).editable_fields(case)


def case_history(*, case: Case) -> QuerySet[CaseHistory]:
    return CaseHistory.objects.filter(case=case).select_related("by").order_by("at", "id")


def supervised_departments(user) -> QuerySet[Department]:
    """Departments whose cases the user oversees: where they are supervisor; every
    department that handles cases for office management. Reassigning, sharing, continuation
    and the access log are theirs there."""
    return policy_for(user).supervised_departments()


def access_log(*, case: Case, user) -> QuerySet[CaseAccessLog]:
    """Who opened the case file and when: for the department's supervisors and office admins."""
    if not policy_for(user).may_read_access_log(case):
        raise PermissionDenied
    return CaseAccessLog.objects.filter(case=case).select_related("user").order_by("-at", "-id")


def access_log_entries(*, user) -> QuerySet[CaseAccessLog]:
    """The office-wide access log as far as the user may read it (the policy's
    ``may_read_access_log`` as a queryset): every entry for office admins, the entries on
    their departments' cases for supervisors, nothing for anyone else. Newest first."""
    policy = policy_for(user)
    if not policy.may_read_access_log():
        raise PermissionDenied
    entries = CaseAccessLog.objects.all()
    condition = policy.scope(Action.SUPERVISE).q(
        pk="case_id", department="case__department_id", state="case__state"
    )
    if condition is not None:
        entries = entries.filter(condition)
    return entries.select_related(
        "user", "case", "case__person", "case__department", "case__case_type"
    ).order_by("-at", "-id")


class _JSONRows(Aggregate):
    """A group's rows as one JSON array (SQLite ``json_group_array``, PostgreSQL ``jsonb_agg``)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


#: What the register's panel shows of a history row with its record (see :func:`residence_records`).
_REGISTER_ROW = {
    **{f"r_{f.attname}": F(f"record__{f.attname}") for f in ResidenceRecord._meta.concrete_fields},
    **{
        f"h_{f.attname}": F(f.attname)
        for f in ResidenceRecordHistory._meta.concrete_fields
        if f.attname != "record_id"
    },
    "case_file_number": F("record__case__file_number"),
    "by_username": F("by__username"),
    "by_first_name": F("by__first_name"),
    "by_last_name": F("by__last_name"),
}


def register_rows() -> Subquery:
    """The register of the case's person as one JSON value of the case query (the case file
    reads it with the case: no query of its own). Rows: :data:`_REGISTER_ROW`."""
    rows = (
        ResidenceRecordHistory.objects.filter(record__person=OuterRef("person_id"))
        .order_by()
        .values("record__person")
        .annotate(rows=_JSONRows(JSONObject(**_REGISTER_ROW)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


#: What the case file shows of a participation, its kind and who answered it.
_PARTICIPATION_ROW = {
    **{f"p_{f.attname}": F(f.attname) for f in Participation._meta.concrete_fields},
    **{f"k_{f.attname}": F(f"kind__{f.attname}") for f in ParticipationKind._meta.concrete_fields},
    "by_username": F("answered_by__username"),
    "by_first_name": F("answered_by__first_name"),
    "by_last_name": F("answered_by__last_name"),
}


def participation_rows() -> Subquery:
    """The case's participations of other authorities as one JSON value of the case query
    (the case file reads them with the case: no query of its own). Rows:
    :data:`_PARTICIPATION_ROW`; :func:`participations_from_rows` makes the instances."""
    rows = (
        Participation.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(rows=_JSONRows(JSONObject(**_PARTICIPATION_ROW)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def participations_from_rows(case: Case, rows: list | str | None) -> list[Participation]:
    """The participations :func:`participation_rows` read with ``case``, in their order
    (requested first, then by id), each with its kind, its case and who answered it."""
    if isinstance(rows, str):  # a JSON value some backends hand over as text
        rows = json.loads(rows)
    participations = []
    for row in rows or ():
        participation = _from_json(Participation, row, "p_")
        participation.case = case
        participation.kind = _from_json(ParticipationKind, row, "k_")
        participation.answered_by = (
            get_user_model()(
                pk=participation.answered_by_id,
                username=row["by_username"],
                first_name=row["by_first_name"] or "",
                last_name=row["by_last_name"] or "",
            )
            if participation.answered_by_id is not None
            else None
        )
        participations.append(participation)
    return sorted(participations, key=lambda p: (p.requested_at, p.pk))


def _from_json(model, row: Mapping, prefix: str):
    """An instance of ``model`` from the JSON row's ``prefix``-ed columns, converted as the
    database would have (dates arrive as text, booleans as 0/1 on SQLite, JSON as text)."""
    values = {}
    for field in model._meta.concrete_fields:
        key = prefix + field.attname
        if key not in row:
            continue
        value = row[key]
        if isinstance(field, JSONField) and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(field, DateTimeField) and isinstance(value, str):
            value = parse_datetime(value.replace(" ", "T"))
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value, dt.UTC)
        elif value is not None:
            value = field.to_python(value)
        values[field.attname] = value
    return model(**values)


def residence_records(
    person: Person, *, user, case: Case | None = None, rows: list | None = None
) -> list[ResidenceRecord]:
    """The person's records, newest first, each with its history (``record.entries``), if
    the policy lets the user read them (``may_view_register_of`` of :mod:`casework.policy`;
    ``case``: the person's case file the user opened), else :class:`PermissionDenied`.

    ``rows``: what :func:`register_rows` read with the case (the case file); without them
    one query. Every record has at least its "recorded" history row, so the history rows
    with their records are the register of the person.
    """
    if not policy_for(user).may_view_register_of(person, case=case):
        raise PermissionDenied
    if rows is None:
        rows = list(
            ResidenceRecordHistory.objects.filter(record__person=person).values(**_REGISTER_ROW)
        )
    records: dict[int, ResidenceRecord] = {}
    entries: list[tuple[ResidenceRecordHistory, int]] = []
    for row in rows:
        record_id = row["r_id"]
        if record_id not in records:
            record = _from_json(ResidenceRecord, row, "r_")
            if record.case_id is not None:
                record.case = Case(pk=record.case_id, file_number=row["case_file_number"])
            record.entries = []
            records[record_id] = record
        entry = _from_json(ResidenceRecordHistory, row, "h_")
        entry.record = records[record_id]
        if entry.by_id is not None:
            entry.by = get_user_model()(
                pk=entry.by_id,
                username=row["by_username"],
                first_name=row["by_first_name"] or "",
                last_name=row["by_last_name"] or "",
            )
        entries.append(entry)
    for entry in sorted(entries, key=lambda e: (e.at, e.pk)):
        entry.record.entries.append(entry)
    return sorted(
        records.values(),
        key=lambda r: (r.valid_from or dt.date.min, r.valid_until or dt.date.max, r.pk),
        reverse=True,
    )


def current_record(
    records: list[ResidenceRecord] | Person, *, on: dt.date | None = None
) -> ResidenceRecord | None:
    """The person's status on ``on`` (today): of the records in force, the one issued last.

    Takes the person's records as :func:`residence_records` read them, or the person.
    """
    on = on or timezone.localdate()
    if isinstance(records, Person):
        records = list(ResidenceRecord.objects.filter(person=records).in_force(on))
    in_force = [r for r in records if r.is_in_force(on)]
    if not in_force:
        return None
    return max(in_force, key=lambda r: (r.valid_from or dt.date.min, r.created_at, r.pk))


@dataclass(frozen=True)
class HouseholdMember:
    """A child of the person's household as the case file lists it: recorded in the register
    (``row``) or filed together with one of the person's cases (``case``), or both."""

    child: Person
    row: HouseholdChild | None = None
    case: Case | None = None

    def age_on(self, day: dt.date) -> int:
        born = self.child.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def household(person: Person) -> list[HouseholdMember]:
    """The children of the person's household that count for § 25b (see
    :mod:`casework.target_groups`): those recorded (with who recorded them, and when) and the
    children filed together with one of the person's cases; youngest first. Two queries; the
    caller has checked that the user may read the person's register
    (:meth:`~casework.policy.UserCasePolicy.may_view_register_of`)."""
    rows = {
        row.child_id: row
        for row in HouseholdChild.objects.filter(person=person).select_related(
            "child", "recorded_by"
        )
    }
    filed = {
        case.person_id: case
        for case in Case.objects.filter(
            filed_with__person=person, family_relation=FamilyRelation.CHILD
        )
        .select_related("person")
        .order_by("pk")
    }
    members = [
        HouseholdMember(child=row.child if row else filed[pk].person, row=row, case=filed.get(pk))
        for pk in {*rows, *filed}
        for row in [rows.get(pk)]
    ]
    return sorted(members, key=lambda m: (-m.child.birth_date.toordinal(), m.child.pk))
