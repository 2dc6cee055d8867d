"""The register of residence records (Ausländerdatei): every status document of a person.

A case that ends in the hand-over writes the new record (and replaces the records in force
before it); a continuation by ordinance extends the record of the continued title; staff enter
records of documents issued elsewhere. Each change writes a history row in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import (
    CardOrderStatus,
    CaseCategory,
    CaseState,
    HandOverRecord,
    RecordEvent,
    RecordKind,
    RecordSource,
)
from ..models import (
    CardOrder,
    Case,
    Department,
    HouseholdChild,
    Person,
    ResidenceRecord,
    ResidenceRecordHistory,
)
from ..policy import policy_for
from ..workflow import hand_over_record
from ._common import MAX_TEXT, _deny, _text
from .history import field_change

__all__ = [
    "FIKTION_LEGAL_BASIS",
    "extend_records_of_cases",
    "log_register_letter",
    "record_fiktion_certificate",
    "record_household_child",
    "record_residence",
    "records_at_case_end",
    "record_title_being_extended",
    "records_from_hand_over",
    "take_over_case_data",
]


def _in_force_on(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & ~Q(valid_until__lt=day)


def _supersede(
    person_id: int, new: ResidenceRecord, *, user, at: dt.datetime, which: Q | None = None
) -> int:
    """Mark the person's records in force on the new record's first day as replaced (not
    those that start later: a document entered after the fact replaces no newer one), or
    the person's records ``which`` selects."""
    day = new.valid_from or timezone.localdate(at)
    previous = list(
        ResidenceRecord.objects.select_for_update()
        .filter(person_id=person_id, superseded_by__isnull=True)
        .filter(_in_force_on(day) if which is None else which)
        .exclude(pk=new.pk)
        .values_list("pk", flat=True)
    )
    if not previous:
        return 0
    ResidenceRecord.objects.filter(pk__in=previous).update(superseded_by=new, updated_at=at)
    ResidenceRecordHistory.objects.bulk_create(
        ResidenceRecordHistory(
            record_id=pk,
            event=RecordEvent.SUPERSEDED,
            at=at,
            by=user,
            comment=str(new),
            changes=[field_change("superseded_by", None, new.pk)],
        )
        for pk in previous
    )
    return len(previous)


def _create(
    *, user, at: dt.datetime, comment: str = "", supersede: bool, which: Q | None = None, **fields
):
    record = ResidenceRecord.objects.create(created_at=at, **fields)
    ResidenceRecordHistory.objects.create(
        record=record, event=RecordEvent.CREATED, at=at, by=user, comment=comment
    )
    if supersede:
        _supersede(record.person_id, record, user=user, at=at, which=which)
    return record


def _end_records_by_naturalisation(case: Case, user, now: dt.datetime) -> int:
    """A naturalised person is German from the day the certificate is handed over (StAG § 16):
    the register holds no document of theirs in force after it. Each record in force ends the
    day before, with a history row; the records stay as the person's history."""
    day = timezone.localdate(now)
    ended = list(
        ResidenceRecord.objects.select_for_update()
        .filter(person_id=case.person_id, superseded_by__isnull=True)
        .exclude(valid_until__lt=day)
        .exclude(valid_from__gte=day)
        .values_list("pk", "valid_until")
    )
    if not ended:
        return 0
    note = _("Ended by naturalisation (%(file_number)s)") % {"file_number": case.file_number}
    _end_records(ended, last_day=day - dt.timedelta(days=1), note=note, user=user, now=now)
    return len(ended)


def _end_records(
    records: list[tuple[int, dt.date | None]],
    *,
    last_day: dt.date,
    note: str,
    user,
    now: dt.datetime,
    shorten: bool = True,
) -> None:
    """End ``records`` (``(pk, valid_until)``) on ``last_day``, each with a history row
    saying why (``note``); ``shorten=False``: the row only, the validity stays."""
    if shorten:
        ResidenceRecord.objects.filter(pk__in=[pk for pk, _until in records]).update(
            valid_until=last_day, updated_at=now
        )
    ResidenceRecordHistory.objects.bulk_create(
        ResidenceRecordHistory(
            record_id=pk,
            event=RecordEvent.UPDATED,
            at=now,
            by=user,
            comment=note,
            changes=[field_change("valid_until", until, last_day)]
            if shorten and until != last_day
            else [],
        )
        for pk, until in records
    )


def _document_kind(case: Case) -> str:
    """The kind of document the cases of ``case``'s type hand over and extend, as its workflow
    declares it: a Duldung, an EU residence card for an EU case, otherwise a title."""
    if hand_over_record(case.workflow) == HandOverRecord.DULDUNG:
        return RecordKind.DULDUNG
    if case.case_type.category == CaseCategory.EU:
        return RecordKind.EU_CARD
    return RecordKind.TITLE


def records_from_hand_over(case: Case, user, now: dt.datetime) -> ResidenceRecord | None:
    """What the hand-over of ``case`` writes to the register, as its workflow declares it
    (:func:`casework.workflow.hand_over_record`; called by the hand-over's effect).

    A residence title (an EU residence card for an EU case) or a Duldung: valid from the day
    of the hand-over until the case's ``granted_until`` (empty for a permanent title), the
    card number the delivered card order's; it replaces the holder's records in force (the
    old title, a Duldung) and the case's Fiktionsbescheinigung, even one that ran out. A
    naturalisation hands over no residence document: it ends the records in force instead
    (None).
    """
    effect = hand_over_record(case.workflow)
    if effect == HandOverRecord.ENDS_RECORDS:
        _end_records_by_naturalisation(case, user, now)
        return None
    case_type = case.case_type
    kind = _document_kind(case)
    card = (
        CardOrder.objects.filter(case=case, status=CardOrderStatus.DELIVERED)
        .order_by("-ordered_at", "-pk")
        .values_list("order_number", flat=True)
        .first()
    )
    day = timezone.localdate(now)
    return _create(
        user=user,
        at=now,
        supersede=True,
        # The records in force, and the case's Fiktionsbescheinigung even where it ran out
        # before the decision: the new title is what it stood for.
        which=_in_force_on(day) | Q(case_id=case.pk, kind=RecordKind.FIKTION),
        person_id=case.person_id,
        kind=kind,
        legal_basis=case_type.legal_basis,
        title=case_type.name,
        case_type=case_type,
        case=case,
        department_id=case.department_id,
        valid_from=day,
        valid_until=case.granted_until,
        card_number=card or "",
        employment_permitted=True if case_type.category == CaseCategory.EMPLOYMENT else None,
        source=RecordSource.HAND_OVER,
    )


# -- the Fiktionsbescheinigung (§ 81 (4), (5) AufenthG) ------------------------------------------

#: The Fiktion continues the old title: the record's legal basis (the certificate itself is
#: issued under § 81 Abs. 5, the kind of the record says so).
FIKTION_LEGAL_BASIS = "§ 81 Abs. 4 AufenthG"


def record_fiktion_certificate(case: Case, *, valid_until: dt.date, user, at: dt.datetime):
    """The register's record of a Fiktionsbescheinigung issued in ``case`` (called by
    :func:`casework.services.issue_fiktion_certificate`, in its transaction).

    Valid from the day of issue until the certificate's end; where the old title (or the
    case's previous certificate) ran out before that day, from the day after it: the
    Fiktionswirkung held since then (§ 81 (4)) and the register shows no day without a
    document. Employment permission and conditions are the title's being extended (its
    record ending on ``title_expires_on``), where the register knows them. A renewed
    certificate replaces the case's previous one (whether or not it is still in force), and
    nothing else: the old title stays as it was until it runs out.
    """
    issued_on = timezone.localdate(at)
    previous = ResidenceRecord.objects.select_for_update().filter(
        case_id=case.pk, kind=RecordKind.FIKTION, superseded_by__isnull=True
    )
    covered = [d for d in previous.values_list("valid_until", flat=True) if d]
    expires = case.title_expires_on
    if expires is not None:
        covered.append(expires)
    valid_from = issued_on
    if covered and max(covered) < issued_on:
        valid_from = max(covered) + dt.timedelta(days=1)
    title = (
        ResidenceRecord.objects.filter(person_id=case.person_id, valid_until=expires)
        .exclude(kind=RecordKind.FIKTION)
        .order_by(F("superseded_by").asc(nulls_first=True), "-created_at", "-pk")
        .values("employment_permitted", "conditions")
        .first()
        if expires is not None
        else None
    ) or {"employment_permitted": None, "conditions": ""}
    # The register's designations are German, like the documents (the title it continues).
    designation = f"{case.current_title} gilt als fortbestehend" if case.current_title else ""
    return _create(
        user=user,
        at=at,
        supersede=True,
        which=Q(case_id=case.pk, kind=RecordKind.FIKTION),
        comment=_("Issued on case %(file_number)s, valid until %(date)s.")
        % {"file_number": case.file_number, "date": valid_until.strftime("%d.%m.%Y")},
        person_id=case.person_id,
        kind=RecordKind.FIKTION,
        legal_basis=FIKTION_LEGAL_BASIS,
        title=designation[:200],
        case_type_id=case.case_type_id,
        case=case,
        department_id=case.department_id,
        valid_from=valid_from,
        valid_until=valid_until,
        employment_permitted=title["employment_permitted"],
        conditions=title["conditions"],
        source=RecordSource.DURING_CASE,
    )


def records_at_case_end(case: Case, user, now: dt.datetime) -> int:
    """A case ended without a new title (the effect of its final steps other than the
    hand-over): the Fiktionsbescheinigung it issued ends with it.

    Refused: the Fiktionswirkung ends with the refusal (§ 84 (1) no. 1 AufenthG: an
    objection or action does not keep it); withdrawn: nothing is pending any more. The
    record in force ends that day, with a history row saying why. Forwarded to another
    office (the holder moved): the application is pending there, the certificate stays
    valid until its date; the history row says so and changes nothing. Answers the number
    of records ended.
    """
    day = timezone.localdate(now)
    records = list(
        ResidenceRecord.objects.select_for_update()
        .filter(case_id=case.pk, kind=RecordKind.FIKTION, superseded_by__isnull=True)
        .exclude(valid_until__lt=day)
        .values_list("pk", "valid_until")
    )
    if not records:
        return 0
    ends = case.state in (CaseState.REFUSED, CaseState.WITHDRAWN)
    if case.state == CaseState.REFUSED:
        note = _("Ended by the refusal of the application (%(file_number)s).")
    elif case.state == CaseState.WITHDRAWN:
        note = _("Ended by the withdrawal of the application (%(file_number)s).")
    else:
        note = _(
            "Case %(file_number)s forwarded to %(office)s: the application is decided there, "
            "the certificate stays valid until its date."
        )
    note %= {"file_number": case.file_number, "office": case.forwarded_to}
    _end_records(records, last_day=day, note=note, user=user, now=now, shorten=ends)
    return len(records) if ends else 0


def extend_records_of_cases(
    continued: Iterable,
    *,
    valid_until: dt.date,
    user,
    at: dt.datetime,
) -> int:
    """Extend the records of titles continued by ordinance (:func:`continue_titles`).

    ``continued`` holds ``(case row, field, previous date, note)``: the record of a new title is the
    case's own; the record of a title being extended (``title_expires_on``) is the holder's
    record in force that ends on the previous date. Where the register has no such record yet
    (a case from before the register), one is taken over from the case's data. Three to five
    queries, whatever the number.
    """
    continued = list(continued)
    if not continued:
        return 0
    person_ids = {row["person_id"] for row, _field, _prev, _note in continued}
    candidates = list(
        ResidenceRecord.objects.select_for_update()
        .filter(person_id__in=person_ids, superseded_by__isnull=True)
        .exclude(valid_until__isnull=True)
        # A Fiktionsbescheinigung is no title: an ordinance continues the title it stands for.
        .exclude(kind=RecordKind.FIKTION)
        .values("pk", "person_id", "case_id", "valid_until")
    )
    own = {(r["case_id"], r["valid_until"]): r["pk"] for r in candidates if r["case_id"]}
    held = {(r["person_id"], r["valid_until"]): r["pk"] for r in candidates}
    extended: list[tuple[int, dt.date, str]] = []
    missing: list[tuple[dict, str, dt.date, str]] = []
    seen: set[int] = set()
    for row, field, previous, comment in continued:
        if field == "granted_until":
            pk = own.get((row["pk"], previous))
        else:
            pk = held.get((row["person_id"], previous))
        if pk is None:
            if field == "granted_until" and row["state"] != "handed_over":
                continue  # not handed over yet: the hand-over records the continued date
            missing.append((row, field, previous, comment))
        elif pk not in seen:
            seen.add(pk)
            extended.append((pk, previous, comment))
    if extended:
        ResidenceRecord.objects.filter(pk__in=[pk for pk, _prev, _note in extended]).update(
            valid_until=valid_until, updated_at=at
        )
    history = [
        ResidenceRecordHistory(
            record_id=pk,
            event=RecordEvent.CONTINUED,
            at=at,
            by=user,
            comment=comment,
            changes=[field_change("valid_until", previous, valid_until)],
        )
        for pk, previous, comment in extended
    ]
    if missing:
        new = ResidenceRecord.objects.bulk_create(
            ResidenceRecord(
                person_id=row["person_id"],
                kind=RecordKind.TITLE,
                legal_basis=row["case_type__legal_basis"],
                title=row["case_type__name"]
                if field == "granted_until"
                else (row["current_title"] or row["case_type__name"]),
                case_type_id=row["case_type_id"],
                case_id=row["pk"] if field == "granted_until" else None,
                department_id=row["department_id"],
                valid_until=valid_until,
                source=RecordSource.CASE_DATA,
                created_at=at,
            )
            for row, field, _previous, _comment in missing
        )
        for record, (_row, _field, previous, comment) in zip(new, missing, strict=True):
            history.append(
                ResidenceRecordHistory(
                    record_id=record.pk,
                    event=RecordEvent.CREATED,
                    at=at,
                    by=user,
                    comment=_("Taken over from the case's data."),
                )
            )
            history.append(
                ResidenceRecordHistory(
                    record_id=record.pk,
                    event=RecordEvent.CONTINUED,
                    at=at,
                    by=user,
                    comment=comment,
                    changes=[field_change("valid_until", previous, valid_until)],
                )
            )
    ResidenceRecordHistory.objects.bulk_create(history)
    return len(extended) + len(missing)


def record_residence(
    *,
    person: Person,
    user,
    department: Department,
    kind: str,
    legal_basis: str = "",
    title: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    card_number: str = "",
    employment_permitted: bool | None = None,
    conditions: str = "",
    comment: str = "",
) -> ResidenceRecord:
    """Enter a status document issued outside a case of this office (e.g. by another office
    before the holder moved here, or a Duldung certificate) for a caseworker of ``department``.

    The new record replaces the records of the person in force on its first day.
    """
    if not policy_for(user).may_create_case_in(department):
        raise _deny()
    errors: dict[str, str] = {}
    if kind not in RecordKind.values:
        errors["kind"] = _("Select a valid choice.")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The end of the validity cannot be before its start.")
    if kind != RecordKind.TITLE and valid_until is None:
        errors["valid_until"] = _("Only a residence title can be valid without an end date.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _create(
            user=user,
            at=timezone.now(),
            supersede=True,
            comment=_text(comment, field="comment", required=False),
            person=person,
            kind=kind,
            legal_basis=_text(legal_basis, field="legal_basis", required=False, max_length=100),
            title=_text(title, field="title", required=False, max_length=200),
            department=department,
            valid_from=valid_from,
            valid_until=valid_until,
            card_number=_text(card_number, field="card_number", required=False, max_length=40),
            employment_permitted=employment_permitted,
            conditions=_text(conditions, field="conditions", required=False, max_length=MAX_TEXT),
            source=RecordSource.ENTERED,
        )


#: Cases whose applicant no longer holds the title they extended here.
_NOT_HOLDING = ("refused", "withdrawn", "forwarded")


def record_title_being_extended(
    case: Case, *, user, at: dt.datetime, previous: dt.date | None = None
) -> int:
    """The register's record of the document an extension case names (``current_title`` until
    ``title_expires_on``: a title, or a Duldung for a Duldung's extension), written when the
    case is filed or the date corrected.

    Nothing is written when the holder already has a record ending that day; a corrected
    date (``previous``) moves the record taken over from the case before (with history).
    Answers the number of records written.
    """
    expires = case.title_expires_on
    if expires is None or case.state in _NOT_HOLDING:
        return 0
    kind = RecordKind(_document_kind(case))
    held = ResidenceRecord.objects.filter(
        person_id=case.person_id, superseded_by__isnull=True
    ).exclude(kind=RecordKind.FIKTION)
    if held.filter(valid_until=expires).exists():
        return 0
    if previous is not None:
        record = (
            held.select_for_update()
            .filter(valid_until=previous, source=RecordSource.CASE_DATA, case__isnull=True)
            .first()
        )
        if record is not None:
            ResidenceRecord.objects.filter(pk=record.pk).update(valid_until=expires, updated_at=at)
            ResidenceRecordHistory.objects.create(
                record=record,
                event=RecordEvent.UPDATED,
                at=at,
                by=user,
                comment=_("Corrected on case %(file_number)s.") % {"file_number": case.file_number},
                changes=[field_change("valid_until", previous, expires)],
            )
            return 1
    _create(
        user=user,
        at=at,
        supersede=False,
        comment=_("Taken over from case %(file_number)s.") % {"file_number": case.file_number},
        person_id=case.person_id,
        kind=kind,
        title="" if case.current_title.strip() == str(kind.label) else case.current_title[:200],
        department_id=case.department_id,
        valid_until=expires,
        source=RecordSource.CASE_DATA,
    )
    return 1


def take_over_case_data(case_ids: Iterable[int], *, user=None, at: dt.datetime | None = None):
    """Write the records the cases' data stand for, where the register lacks them.

    For cases that bypassed the register (written before it existed, or by a loader): the
    title a case extends (``current_title`` until ``title_expires_on``, unless the case was
    refused, withdrawn or forwarded), once per holder and date; the title a handed-over case
    granted (until ``granted_until``), which replaces the older records. The data migration
    did the same for the cases of its day. Answers the number of records written.
    """
    at = at or timezone.now()
    written = 0
    cases = (
        Case.objects.filter(pk__in=list(case_ids))
        .select_related("case_type")
        .order_by("received_at", "pk")
    )
    # One transaction: the person's records are locked while one replaces another (outside
    # a transaction PostgreSQL refuses the lock, and a crash must not leave half a person).
    with transaction.atomic():
        for case in cases:
            written += record_title_being_extended(case, user=user, at=at)
            if (
                case.state == "handed_over"
                and not ResidenceRecord.objects.filter(case=case).exists()
            ):
                record = records_from_hand_over(case, user, at)
                if record is None:  # a naturalisation: no residence document
                    continue
                ResidenceRecord.objects.filter(pk=record.pk).update(
                    source=RecordSource.CASE_DATA, valid_from=None
                )
                written += 1
    return written


def record_household_child(
    *, person: Person, child: Person, user, married: bool = False
) -> HouseholdChild:
    """Record that ``child`` lives in ``person``'s household (§ 25b (1): the shorter duration),
    for staff who may read the person's register. Recording it twice changes nothing."""
    if not policy_for(user).may_view_register_of(person):
        raise _deny()
    if child.pk == person.pk:
        raise ValidationError({"child": _("A person cannot be their own child.")})
    if child.birth_date <= person.birth_date:
        raise ValidationError({"child": _("The child must be younger than the parent.")})
    from ..constants import HistoryEvent
    from .household import log_household_change

    with transaction.atomic():
        row, created = HouseholdChild.objects.get_or_create(
            person=person, child=child, defaults={"married": married, "recorded_by": user}
        )
        changed = not created and row.married != married
        if changed:
            HouseholdChild.objects.filter(pk=row.pk).update(married=married)
            row.married = married
        if created or changed:  # a history row on each of the person's cases
            log_household_change(
                person_id=person.pk,
                event=HistoryEvent.HOUSEHOLD_CHILD_ADDED,
                child=child,
                user=user,
                at=row.recorded_at if created else timezone.now(),
                married=married,
            )
    return row


def log_register_letter(
    *, person_id: int, user, comment: str, at: dt.datetime | None = None
) -> ResidenceRecordHistory | None:
    """A letter about the person's status (e.g. a target group's information letter) as a
    history row of the record it is about: the person's current record (in force, issued
    last). Call it in the transaction that writes the letter; None without a record in force.
    """
    at = at or timezone.now()
    record = (
        ResidenceRecord.objects.filter(person_id=person_id)
        .in_force(timezone.localdate(at))
        .order_by("-valid_from", "-created_at", "-pk")
        .first()
    )
    if record is None:
        return None
    return ResidenceRecordHistory.objects.create(
        record=record,
        event=RecordEvent.LETTER,
        at=at,
        by=user,
        comment=_text(comment, field="comment", required=False, max_length=MAX_TEXT),
    )
