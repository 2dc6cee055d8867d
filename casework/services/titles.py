"""Titles continued in bulk (a § 24 ordinance): the one door operations writes them through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..constants import HistoryEvent
from ..models import Case, CaseHistory
from ..policy import policy_for
from ..signals import announce
from ._common import _deny, _event_row
from .history import field_change
from .register import extend_records_of_cases


@dataclass(frozen=True)
class ContinuedTitle:
    """A case whose title :func:`continue_titles` continued: which date, from when."""

    case_id: int
    field: str
    previous: dt.date
    preferred_language: str


#: Continuing a title moves the date it is valid until: the new title's where one is granted.
TITLE_DATE_FIELDS = ("granted_until", "title_expires_on")


def continue_titles(
    *,
    case_ids: Iterable[int],
    valid_until: dt.date,
    user,
    note: Callable[[int, dt.date], str],
    at: dt.datetime | None = None,
) -> list[ContinuedTitle]:
    """Continue the titles of these cases until ``valid_until`` (an ordinance), in bulk.

    A case qualifies when the date its title is valid until (``granted_until`` where a new
    title is granted, else ``title_expires_on``) is earlier than ``valid_until``; others are
    left alone. Each continued case gets that date moved and one history row naming the old
    and the new date (``note(case_id, previous)`` is its text); all of them are announced
    with one :data:`~casework.signals.case_changed` after the commit. ``user`` runs the
    ordinance: office management, or a supervisor of every department concerned.

    Runs in one transaction, or in the caller's (whose own writes, e.g. the certificates to
    print, then commit or roll back together with the titles). Answers what was continued.
    """
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return []
    at = at or timezone.now()
    with transaction.atomic():
        rows = list(
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .values(
                "pk",
                "state",
                "department_id",
                *TITLE_DATE_FIELDS,
                "person_id",
                "person__preferred_language",
                "current_title",
                "case_type_id",
                "case_type__name",
                "case_type__legal_basis",
            )
        )
        departments = {row["department_id"] for row in rows}
        policy = policy_for(user)
        if not all(policy.supervises(d) for d in departments):
            raise _deny()
        continued: list[ContinuedTitle] = []
        history: list[CaseHistory] = []
        records: list[tuple[dict, str, dt.date, str]] = []
        by_field: dict[str, list[int]] = {name: [] for name in TITLE_DATE_FIELDS}
        for row in rows:
            field = "granted_until" if row["granted_until"] is not None else "title_expires_on"
            previous = row[field]
            if previous is None or previous >= valid_until:
                continue
            by_field[field].append(row["pk"])
            comment = note(row["pk"], previous)
            records.append((row, field, previous, comment))
            continued.append(
                ContinuedTitle(row["pk"], field, previous, row["person__preferred_language"])
            )
            history.append(
                _event_row(
                    row["pk"],
                    row["state"],
                    HistoryEvent.CONTINUED,
                    at=at,
                    by=user,
                    comment=comment,
                    changes=[field_change(field, previous, valid_until)],
                )
            )
        if not continued:
            return []
        for field, pks in by_field.items():
            if pks:
                Case.objects.filter(pk__in=pks).update(**{field: valid_until, "updated_at": at})
        CaseHistory.objects.bulk_create(history)
        # The register: the continued titles' records are extended, with their own history.
        extend_records_of_cases(records, valid_until=valid_until, user=user, at=at)
        announce([c.case_id for c in continued], "title_continued")
    return continued
