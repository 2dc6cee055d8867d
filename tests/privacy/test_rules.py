"""When a file is due: the best-fitting rule per case, the latest date over all cases, and the
safeguards that hold whatever the rules say."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from casework.constants import CaseState
from privacy.constants import Outcome, Trigger
from privacy.models import RetentionRule
from privacy.rules import CaseFacts, add_years, best_rule, deadline, person_verdict

TODAY = dt.date(2026, 12, 4)
S = CaseState


def rule(case_type_id=None, outcome="", trigger=Trigger.CASE_CLOSED, years=3, end_of_year=True):
    return SimpleNamespace(
        case_type_id=case_type_id,
        outcome=outcome,
        trigger=trigger,
        years=years,
        from_end_of_year=end_of_year,
        offer_to_archive=False,
    )


def case(state=S.REFUSED, closed=dt.date(2015, 3, 1), type_id=1, received=None, **kw):
    received = received or dt.datetime.combine(closed, dt.time(), tzinfo=dt.UTC)
    return CaseFacts(
        case_type_id=type_id, state=state, received_at=received, closed_on=closed, **kw
    )


def test_the_most_specific_rule_wins():
    general, for_outcome, for_type, exact = (
        rule(),
        rule(outcome=S.REFUSED),
        rule(case_type_id=7),
        rule(case_type_id=7, outcome=S.REFUSED),
    )
    rules = [general, for_outcome, for_type, exact]
    assert best_rule(rules, 7, S.REFUSED) is exact
    assert best_rule(rules, 7, S.WITHDRAWN) is for_type
    assert best_rule(rules, 8, S.REFUSED) is for_outcome
    assert best_rule(rules, 8, S.WITHDRAWN) is general
    assert best_rule([exact], 8, S.REFUSED) is None


def test_periods_count_from_the_end_of_the_year_or_from_the_day():
    assert deadline(rule(years=10), dt.date(2015, 3, 1)) == dt.date(2026, 1, 1)
    assert deadline(rule(years=2, end_of_year=False), dt.date(2015, 3, 1)) == dt.date(2017, 3, 1)
    # 29 February has no twin in most years.
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_the_whole_file_is_due_when_the_last_case_is():
    verdict = person_verdict(
        [case(closed=dt.date(2015, 3, 1)), case(state=S.WITHDRAWN, closed=dt.date(2021, 7, 1))],
        [rule(years=3)],
        TODAY,
    )
    assert verdict.due_on == dt.date(2025, 1, 1) and verdict.is_due(TODAY)
    later = person_verdict([case(closed=dt.date(2024, 1, 1))], [rule(years=3)], TODAY)
    assert later.due_on == dt.date(2028, 1, 1) and not later.is_due(TODAY)


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ([case(state=S.CHECKED)], "open case"),
        ([case(state=S.HANDED_OVER, granted_until=TODAY)], "valid title"),
        # A permanent title has no end date: kept unless the person left.
        ([case(state=S.HANDED_OVER, closed=dt.date(2000, 1, 1))], "no end date"),
        ([], "no cases"),
    ],
)
def test_safeguards_hold_whatever_the_rules_say(facts, reason):
    verdict = person_verdict(facts, [rule(years=1)], TODAY)
    assert verdict.due_on is None and verdict.reason == reason


def test_a_case_without_a_rule_keeps_the_file():
    verdict = person_verdict([case(type_id=9)], [rule(case_type_id=1)], TODAY)
    assert verdict.reason == "no rule" and not verdict.is_due(TODAY)


def test_title_expiry_counts_from_the_granted_title_then_the_old_one():
    rules = [rule(trigger=Trigger.TITLE_EXPIRED, years=2, end_of_year=False)]
    granted = case(
        state=S.HANDED_OVER, closed=dt.date(2015, 1, 1), granted_until=dt.date(2020, 5, 1)
    )
    assert person_verdict([granted], rules, TODAY).due_on == dt.date(2022, 5, 1)
    refused = case(closed=dt.date(2015, 1, 1), title_expires_on=dt.date(2016, 2, 1))
    assert person_verdict([refused], rules, TODAY).due_on == dt.date(2018, 2, 1)


def test_person_left_counts_from_the_forwarding_and_only_if_no_case_followed():
    rules = [rule(trigger=Trigger.PERSON_LEFT, years=10)]
    forwarded = case(state=S.FORWARDED, closed=dt.date(2012, 6, 1))
    assert person_verdict([forwarded], rules, TODAY).due_on == dt.date(2023, 1, 1)
    # A permanent title held by someone who moved away is due under "person left".
    permanent = case(state=S.HANDED_OVER, closed=dt.date(2005, 1, 1))
    assert person_verdict([permanent, forwarded], rules, TODAY).is_due(TODAY)
    # They came back: a later case, so they have not left.
    back = case(
        state=S.WITHDRAWN,
        closed=dt.date(2014, 1, 1),
        received=dt.datetime(2013, 6, 1, tzinfo=dt.UTC),
    )
    assert person_verdict([forwarded, back], rules, TODAY).reason == "not left"


@pytest.mark.django_db
def test_one_rule_per_case_type_and_outcome(world):
    duplicate = RetentionRule(
        name="again", outcome=Outcome.ANY, trigger=Trigger.CASE_CLOSED, years=5, legal_basis="x"
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    RetentionRule(
        name="refused", outcome=Outcome.REFUSED, years=5, legal_basis="x", case_type=world.type_a
    ).full_clean()
