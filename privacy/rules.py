"""When a person's file is due for deletion, from the retention rules (plain data, no queries).

The unit is the person: the office's file (Ausländerakte) holds all their cases, so a person
is due only when every case is closed and past its own rule's period, and the latest of those
dates is the day the whole file is due. Besides the rules, three safeguards hold whatever is
configured: an open case, a title still valid today, and a title granted without an end date
(a permanent title, or a date never recorded) keep the file, the last one unless the person
has left the district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from casework.constants import FINAL_STATES, CaseState

from .constants import Trigger

__all__ = ["CaseFacts", "Verdict", "add_years", "best_rule", "person_verdict"]


@dataclass(frozen=True)
class CaseFacts:
    """What the rules look at of one case."""

    case_type_id: int
    state: str
    received_at: dt.datetime
    closed_on: dt.date
    granted_until: dt.date | None = None
    title_expires_on: dt.date | None = None


@dataclass
class Verdict:
    """``due_on`` is set when every case is past its period; ``reason`` says why not."""

    due_on: dt.date | None = None
    rules: list = field(default_factory=list)
    reason: str = ""

    def is_due(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on <= today


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def best_rule(rules: Iterable, case_type_id: int, state: str):
    """The rule of the case's type and outcome, else of its type for any outcome, else of any
    type for this outcome, else of any type and outcome; ``None`` if there is none."""
    by_key = {(rule.case_type_id, rule.outcome): rule for rule in rules}
    for key in ((case_type_id, state), (case_type_id, ""), (None, state), (None, "")):
        if key in by_key:
            return by_key[key]
    return None


def _start(rule, case: CaseFacts, person_left_on: dt.date | None) -> dt.date | None:
    if rule.trigger == Trigger.PERSON_LEFT:
        return person_left_on
    if rule.trigger == Trigger.TITLE_EXPIRED:
        return case.granted_until or case.title_expires_on or case.closed_on
    return case.closed_on


def deadline(rule, start: dt.date) -> dt.date:
    """The first day after the period: with ``from_end_of_year`` 1 January of the year after."""
    if rule.from_end_of_year:
        return dt.date(start.year + rule.years + 1, 1, 1)
    return add_years(start, rule.years)


def person_left_on(cases: list[CaseFacts]) -> dt.date | None:
    """The day the file went to another office, if the person's latest case was forwarded."""
    if not cases:
        return None
    latest = max(cases, key=lambda c: c.received_at)
    return latest.closed_on if latest.state == CaseState.FORWARDED else None


def person_verdict(cases: list[CaseFacts], rules: Iterable, today: dt.date) -> Verdict:
    rules = list(rules)
    if not cases:
        return Verdict(reason="no cases")
    left_on = person_left_on(cases)
    due: dt.date | None = None
    used = []
    for case in cases:
        if case.state not in FINAL_STATES:
            return Verdict(reason="open case")
        if case.granted_until and case.granted_until >= today:
            return Verdict(reason="valid title")
        if case.state == CaseState.HANDED_OVER and case.granted_until is None and left_on is None:
            return Verdict(reason="no end date")
        rule = best_rule(rules, case.case_type_id, case.state)
        if rule is None:
            return Verdict(reason="no rule")
        start = _start(rule, case, left_on)
        if start is None:
            return Verdict(reason="not left")
        end = deadline(rule, start)
        due = end if due is None else max(due, end)
        if rule not in used:
            used.append(rule)
    return Verdict(due_on=due, rules=used)
