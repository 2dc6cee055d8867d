"""Building the case index from case data (the only writer of :class:`CaseIndexEntry`).

Search reads casework's models here for one purpose: to copy what a search needs into its
own table. Writes come from signals after commit (:mod:`search.signals`) and from
``rebuild_case_index``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

from casework.models import Case, CaseComment

from . import names
from .models import CaseIndexEntry, NameTerm

__all__ = [
    "BODY_SEPARATOR",
    "build_entry",
    "bulk_insert",
    "free_text_of",
    "index_cases",
    "join_body",
    "rebuild",
    "remove_cases",
    "tidy",
]

BATCH_SIZE = 2000
#: Comments beyond this much text are not searched (a case file is not a chat log).
MAX_BODY = 20_000


def _person_keys(person) -> list[str]:
    return names.index_keys(
        person.family_name,
        person.given_names,
        person.family_name_native,
        person.given_names_native,
    )


def build_entry(case: Case, comments: Iterable[str] = ()) -> CaseIndexEntry:
    """The index row of a case (``case`` with ``person``, ``case_type``, ``department``)."""
    person = case.person
    keys = _person_keys(person)
    identity = [
        case.file_number,
        person.family_name,
        person.given_names,
        person.family_name_native,
        person.given_names_native,
        person.passport_number,
        case.case_type.name,
        case.case_type.legal_basis,
        case.department.name,
        case.current_title,
        case.channel_town,
    ]
    free_text = [case.notes, *comments]
    body = join_body(identity, free_text)
    _prefix, year, serial = names.split_file_number(case.file_number) or (None, None, None)
    return CaseIndexEntry(
        case_id=case.pk,
        person_id=person.pk,
        file_number=case.file_number,
        file_year=year,
        file_serial=serial,
        passport_number=_identifier(person.passport_number),
        family_name=person.family_name,
        given_names=person.given_names,
        family_name_native=person.family_name_native,
        given_names_native=person.given_names_native,
        birth_date=person.birth_date,
        nationality=(person.nationality or "").upper(),
        department_id=case.department_id,
        case_type_id=case.case_type_id,
        assigned_to_id=case.assigned_to_id,
        state=case.state,
        received_at=case.received_at,
        title_expires_on=case.title_expires_on,
        granted_until=case.granted_until,
        name_keys=" ".join(keys),
        body=body,
    )


#: Separates what identifies the case (number, names, type) from notes and comments in the
#: searched document; result snippets come from the second part only.
BODY_SEPARATOR = "\n\n"


def join_body(identity, free_text) -> str:
    """The free-text document: one line per identifying field, a blank line, notes and
    comments (their own blank lines are kept; no identifying field contains one)."""
    head = "\n".join(" ".join(str(part).split()) for part in identity if part)
    tail = "\n".join(str(part) for part in free_text if part and str(part).strip())
    return (head + BODY_SEPARATOR + tail)[:MAX_BODY] if tail else head[:MAX_BODY]


def free_text_of(body: str) -> str:
    """The notes and comments of a document built by :func:`join_body` (no identity)."""
    _head, separator, tail = (body or "").partition(BODY_SEPARATOR)
    return tail if separator else ""


def _identifier(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def _comments_by_case(case_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = CaseComment.objects.filter(case_id__in=case_ids).order_by("created_at", "id")
    for case_id, text in rows.values_list("case_id", "text"):
        out.setdefault(case_id, []).append(text)
    return out


def _save_terms(entries: list[CaseIndexEntry]) -> None:
    keys = {k for entry in entries for k in entry.name_keys.split() if len(k) <= 200}
    if keys:
        NameTerm.objects.bulk_create(
            [NameTerm(key=k) for k in sorted(keys)], ignore_conflicts=True, batch_size=5000
        )
        from .backends import vocabulary  # (the backends import this module)

        vocabulary.changed()


def _insert(entries: list[CaseIndexEntry]) -> None:
    if entries:
        now = timezone.now()
        for e in entries:
            e.indexed_at = now
        bulk_insert(entries)


def bulk_insert(objects: list) -> None:
    """A plain ``executemany`` insert of model instances with their primary keys set.

    ``bulk_create`` spends most of a rebuild preparing values field by field.
    """
    if not objects:
        return
    model = type(objects[0])
    fields = model._meta.concrete_fields
    ops = connection.ops
    converters = []
    for f in fields:
        internal = f.get_internal_type()
        if internal == "DateTimeField":
            converters.append(ops.adapt_datetimefield_value)
        elif internal == "DateField":
            converters.append(ops.adapt_datefield_value)
        else:
            converters.append(None)
    rows = [
        tuple(
            conv(getattr(e, f.attname)) if conv else getattr(e, f.attname)
            for f, conv in zip(fields, converters, strict=True)
        )
        for e in objects
    ]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model metadata)
        cursor.executemany(sql, rows)


def _write(entries: list[CaseIndexEntry]) -> None:
    with transaction.atomic():
        CaseIndexEntry.objects.filter(case_id__in=[e.case_id for e in entries]).delete()
        _insert(entries)
        _save_terms(entries)


def _cases(case_ids: list[int] | None):
    qs = Case.objects.select_related("person", "case_type", "department").order_by("pk")
    if case_ids is not None:
        qs = qs.filter(pk__in=case_ids)
    return qs


def index_cases(case_ids: Iterable[int]) -> int:
    """(Re-)index the given cases; ids of cases that no longer exist are removed."""
    ids = sorted(set(case_ids))
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        cases = list(_cases(chunk))
        comments = _comments_by_case([c.pk for c in cases])
        entries = [build_entry(c, comments.get(c.pk, ())) for c in cases]
        missing = set(chunk) - {c.pk for c in cases}
        if missing:
            remove_cases(missing)
        if entries:
            _write(entries)
        done += len(entries)
    return done


def remove_cases(case_ids: Iterable[int]) -> None:
    CaseIndexEntry.objects.filter(case_id__in=list(case_ids)).delete()


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Index every case again, in batches; ``progress(done, total)`` after each batch."""
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    with transaction.atomic():
        CaseIndexEntry.objects.exclude(case_id__in=Case.objects.values("pk")).delete()
    done = 0
    for start in range(0, total, BATCH_SIZE):
        done += index_cases(ids[start : start + BATCH_SIZE])
        if progress:
            progress(done, total)
    tidy()
    return done


def tidy() -> None:
    """After many writes: fresh planner statistics, GIN pending lists merged (PostgreSQL).

    New rows of a GIN index first go to its pending list, which every search then scans
    linearly; autovacuum merges it eventually, a rebuild does it at once.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (CaseIndexEntry._meta.db_table, NameTerm._meta.db_table):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid::regclass) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "WHERE am.amname = 'gin' AND i.indrelid IN (%s::regclass, %s::regclass)",
            [CaseIndexEntry._meta.db_table, NameTerm._meta.db_table],
        )
