"""Reads: which persons are due for deletion, proposals and the deletion log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.constants import FINAL_STATES
from casework.models import Case

from .constants import ItemStatus, ProposalStatus
from .models import DeletionItem, DeletionProposal, RetentionRule
from .rules import CaseFacts, Verdict, person_verdict

__all__ = [
    "OPEN_PROPOSAL_STATES",
    "active_rules",
    "case_facts_by_person",
    "deletion_log",
    "due_persons",
    "verdict_for",
]

#: Proposals whose persons are not proposed again.
OPEN_PROPOSAL_STATES = (ProposalStatus.REVIEW, ProposalStatus.SUBMITTED, ProposalStatus.RELEASED)

_FACT_FIELDS = (
    "person_id",
    "case_type_id",
    "state",
    "received_at",
    "last_transition_at",
    "granted_until",
    "title_expires_on",
)


def active_rules() -> list[RetentionRule]:
    return list(RetentionRule.objects.filter(active=True).select_related("case_type"))


def _facts(row: tuple) -> CaseFacts:
    _person, case_type_id, state, received_at, closed_at, granted, expires = row
    return CaseFacts(
        case_type_id=case_type_id,
        state=state,
        received_at=received_at,
        closed_on=timezone.localdate(closed_at or received_at),
        granted_until=granted,
        title_expires_on=expires,
    )


def case_facts_by_person(
    person_ids: Iterable[int] | None = None, *, today: dt.date | None = None
) -> Iterator[tuple[int, list[CaseFacts]]]:
    """``(person id, facts of every case)``, person by person.

    Without ``person_ids``: only persons who may be due at all (no open case and no title
    valid on ``today``), so the daily scan reads the closed files only.
    """
    cases = Case.objects.all()
    if person_ids is not None:
        cases = cases.filter(person_id__in=list(person_ids))
    else:
        today = today or timezone.localdate()
        keep = Case.objects.filter(~Q(state__in=sorted(FINAL_STATES)) | Q(granted_until__gte=today))
        cases = cases.exclude(person_id__in=keep.values("person_id"))
    rows = cases.order_by("person_id", "pk").values_list(*_FACT_FIELDS)
    current: int | None = None
    facts: list[CaseFacts] = []
    for row in rows.iterator(chunk_size=5000):
        if row[0] != current:
            if current is not None:
                yield current, facts
            current, facts = row[0], []
        facts.append(_facts(row))
    if current is not None:
        yield current, facts


def verdict_for(person_id: int, *, rules=None, today: dt.date | None = None) -> Verdict:
    today = today or timezone.localdate()
    rules = active_rules() if rules is None else rules
    for _pk, facts in case_facts_by_person([person_id]):
        return person_verdict(facts, rules, today)
    return person_verdict([], rules, today)


def due_persons(*, today: dt.date | None = None, rules=None) -> Iterator[tuple[int, Verdict]]:
    """Every person whose whole file is past its retention period on ``today``."""
    today = today or timezone.localdate()
    rules = active_rules() if rules is None else rules
    if not rules:
        return
    for person_id, facts in case_facts_by_person(today=today):
        verdict = person_verdict(facts, rules, today)
        if verdict.is_due(today):
            yield person_id, verdict


def proposals() -> QuerySet[DeletionProposal]:
    return DeletionProposal.objects.select_related("submitted_by", "released_by")


def deletion_log() -> QuerySet[DeletionItem]:
    """What was deleted, when, under which rules and by whose release: no personal data."""
    return (
        DeletionItem.objects.filter(status=ItemStatus.DELETED)
        .select_related("proposal", "proposal__released_by", "proposal__submitted_by")
        .order_by("-done_at", "-id")
    )
