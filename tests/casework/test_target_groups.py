"""Target groups of the register (§ 25b candidates): the duration rules and who is selected."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casework import services
from casework.constants import FamilyRelation, RecordKind, Role
from casework.models import ResidenceRecord
from casework.policy import policy_for
from casework.target_groups import Criteria, select, years_before
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)


@pytest.fixture
def department():
    return DepartmentFactory(code="asyl")


@pytest.fixture
def caseworker(department):
    return MembershipFactory(department=department, role=Role.CASEWORKER).user


def duldung(person, department, user, start, end, kind=RecordKind.DULDUNG):
    return services.record_residence(
        person=person,
        user=user,
        department=department,
        kind=kind,
        legal_basis="§ 60a AufenthG",
        valid_from=start,
        valid_until=end,
    )


def chain(person, department, user, since, *, until=TODAY + dt.timedelta(days=90), step=180):
    """Duldungen of ``step`` days from ``since`` on, each starting the day after the last."""
    start = since
    while start <= TODAY:
        end = min(start + dt.timedelta(days=step - 1), until)
        if start + dt.timedelta(days=step) > TODAY:
            end = until
        duldung(person, department, user, start, end)
        start = end + dt.timedelta(days=1)


def ids(records, **criteria):
    return [c.person_id for c in select(records, Criteria(**criteria), today=TODAY).candidates()]


def test_six_years_tolerated_to_the_day_are_selected_one_day_less_is_not(department, caseworker):
    exactly = PersonFactory(family_name="Exactly")
    one_day_short = PersonFactory(family_name="Short")
    chain(exactly, department, caseworker, years_before(TODAY, 6))
    chain(one_day_short, department, caseworker, years_before(TODAY, 6) + dt.timedelta(days=1))

    candidates = select(ResidenceRecord.objects.all(), today=TODAY).candidates()

    assert [(c.person_id, c.since, c.with_child) for c in candidates] == [
        (exactly.pk, years_before(TODAY, 6), False)
    ]


def test_four_years_suffice_with_a_minor_child_in_the_household(department, caseworker):
    parent = PersonFactory(birth_date=dt.date(1985, 1, 1))
    chain(parent, department, caseworker, years_before(TODAY, 4))
    records = ResidenceRecord.objects.all()
    assert ids(records) == []

    grown_up = PersonFactory(birth_date=years_before(TODAY, 18))  # 18 today: no longer a minor
    services.record_household_child(person=parent, child=grown_up, user=caseworker)
    assert ids(records) == []

    minor = PersonFactory(birth_date=years_before(TODAY, 18) + dt.timedelta(days=1))
    row = services.record_household_child(person=parent, child=minor, user=caseworker)
    assert ids(records) == [parent.pk]
    assert select(records, today=TODAY).candidates()[0].with_child

    # A married child does not shorten the time (§ 25b: "minderjähriges lediges Kind").
    services.record_household_child(person=parent, child=minor, user=caseworker, married=True)
    row.refresh_from_db()
    assert row.married
    assert ids(records) == []
    # ... and four years less a day is not enough even with a child.
    other = PersonFactory(birth_date=dt.date(1985, 1, 1))
    chain(other, department, caseworker, years_before(TODAY, 4) + dt.timedelta(days=1))
    services.record_household_child(
        person=other, child=PersonFactory(birth_date=dt.date(2015, 1, 1)), user=caseworker
    )
    assert ids(records) == []
    assert ids(records, years_with_child=None) == []


def test_a_child_filed_together_with_the_persons_case_counts(department, caseworker):
    parent = PersonFactory(birth_date=dt.date(1985, 1, 1))
    chain(parent, department, caseworker, years_before(TODAY, 5))
    main = WorkflowCaseFactory(person=parent)
    WorkflowCaseFactory(
        person=PersonFactory(birth_date=dt.date(2016, 5, 1)),
        filed_with=main,
        family_relation=FamilyRelation.CHILD,
    )
    assert ids(ResidenceRecord.objects.all()) == [parent.pk]


def test_a_gap_of_one_day_breaks_the_chain_unless_the_group_tolerates_it(department, caseworker):
    person = PersonFactory()
    since = years_before(TODAY, 8)
    duldung(person, department, caseworker, since, years_before(TODAY, 3))
    # One day without a document: 3 years ago + 1 day uncovered.
    duldung(
        person,
        department,
        caseworker,
        years_before(TODAY, 3) + dt.timedelta(days=2),
        TODAY + dt.timedelta(days=60),
    )
    records = ResidenceRecord.objects.all()
    assert ids(records) == []
    selection = select(records, Criteria(gap_days=1), today=TODAY).candidates()
    assert [(c.person_id, c.since) for c in selection] == [(person.pk, since)]


def test_a_gestattung_then_a_duldung_count_together_and_overlaps_are_no_gap(department, caseworker):
    person = PersonFactory()
    since = years_before(TODAY, 7)
    duldung(person, department, caseworker, since, years_before(TODAY, 4), RecordKind.GESTATTUNG)
    # Issued before the Gestattung ran out: overlapping, no gap.
    duldung(person, department, caseworker, years_before(TODAY, 5), TODAY + dt.timedelta(days=30))
    assert ids(ResidenceRecord.objects.all()) == [person.pk]


def test_only_persons_whose_current_status_is_the_groups_are_selected(department, caseworker):
    person = PersonFactory()
    chain(person, department, caseworker, years_before(TODAY, 7))
    records = ResidenceRecord.objects.all()
    assert ids(records) == [person.pk]
    # A residence title today: no longer tolerated, no candidate.
    duldung(person, department, caseworker, TODAY, TODAY + dt.timedelta(days=700), RecordKind.TITLE)
    assert ids(records) == []
    # An expired Duldung is no current status either.
    expired = PersonFactory()
    duldung(expired, department, caseworker, years_before(TODAY, 9), TODAY - dt.timedelta(days=1))
    assert ids(records) == []


def test_nationality_narrows_the_group(department, caseworker):
    syrian = PersonFactory(nationality="SYR")
    afghan = PersonFactory(nationality="AFG")
    for person in (syrian, afghan):
        chain(person, department, caseworker, years_before(TODAY, 6))
    records = ResidenceRecord.objects.all()
    assert sorted(ids(records)) == sorted([syrian.pk, afghan.pk])
    assert ids(records, nationality="afg") == [afghan.pk]


def test_a_supervisor_selects_only_persons_of_departments_they_may_see(department, caseworker):
    other = DepartmentFactory(code="aufenthalt")
    other_caseworker = MembershipFactory(department=other, role=Role.CASEWORKER).user
    supervisor = MembershipFactory(department=department, role=Role.SUPERVISOR).user
    admin = MembershipFactory(department=other, role=Role.SUPERVISOR).user
    ours, theirs = PersonFactory(), PersonFactory()
    chain(ours, department, caseworker, years_before(TODAY, 6))
    chain(theirs, other, other_caseworker, years_before(TODAY, 6))

    def seen_by(user):
        return ids(policy_for(user).residence_records())

    assert seen_by(supervisor) == [ours.pk]
    assert seen_by(admin) == [theirs.pk]
    # A case of the department makes the person's register theirs too (the policy's rule).
    WorkflowCaseFactory(person=theirs, case_type=CaseTypeFactory(department=department))
    assert sorted(seen_by(supervisor)) == sorted([ours.pk, theirs.pk])


def test_the_page_counts_and_orders_the_longest_tolerated_first(department, caseworker):
    persons = [PersonFactory() for _ in range(3)]
    for years, person in zip((7, 9, 6), persons, strict=True):
        chain(person, department, caseworker, years_before(TODAY, years))
    selection = select(ResidenceRecord.objects.all(), today=TODAY)
    page, total = selection.page(offset=0, limit=2)
    assert total == 3
    assert [c.person for c in page] == [persons[1], persons[0]]
    page, total = selection.page(offset=2, limit=2)
    assert ([c.person for c in page], total) == ([persons[2]], 3)
    assert selection.page(offset=10, limit=2) == ([], 3)
    assert selection.count() == 3
    assert selection.person_ids() == [persons[1].pk, persons[0].pk, persons[2].pk]


def test_a_household_child_must_be_another_younger_person(department, caseworker):
    parent = PersonFactory(birth_date=dt.date(1990, 1, 1))
    chain(parent, department, caseworker, years_before(TODAY, 1))
    with pytest.raises(ValidationError):
        services.record_household_child(person=parent, child=parent, user=caseworker)
    with pytest.raises(ValidationError):
        services.record_household_child(
            person=parent, child=PersonFactory(birth_date=dt.date(1980, 1, 1)), user=caseworker
        )


def test_the_policys_register_parts_are_disjoint_and_add_up_to_its_register(department, caseworker):
    """Figures over a big register read the policy's parts (one join each) and add them up;
    they must be exactly residence_records(), each person in one part only."""
    other = DepartmentFactory(code="aufenthalt")
    other_worker = MembershipFactory(department=other, role=Role.CASEWORKER).user
    supervisor = MembershipFactory(department=department, role=Role.SUPERVISOR).user
    with_case, entered_only, elsewhere = PersonFactory(), PersonFactory(), PersonFactory()
    WorkflowCaseFactory(person=with_case, case_type=CaseTypeFactory(department=department))
    chain(with_case, department, caseworker, years_before(TODAY, 6))
    chain(entered_only, department, caseworker, years_before(TODAY, 6))
    chain(elsewhere, other, other_worker, years_before(TODAY, 6))
    # Entered by the department, with a case only in another one: the second part.
    case_elsewhere = PersonFactory()
    WorkflowCaseFactory(person=case_elsewhere, case_type=CaseTypeFactory(department=other))
    chain(case_elsewhere, department, caseworker, years_before(TODAY, 6))
    policy = policy_for(supervisor)
    parts = [set(part.values_list("pk", flat=True)) for part in policy.residence_record_parts()]
    assert not parts[0] & parts[1]
    assert parts[0] | parts[1] == set(policy.residence_records().values_list("pk", flat=True))
    assert {r.person_id for r in ResidenceRecord.objects.filter(pk__in=parts[1])} == {
        entered_only.pk,
        case_elsewhere.pk,
    }
    assert sorted(ids(policy.residence_record_parts())) == sorted(
        [with_case.pk, entered_only.pk, case_elsewhere.pk]
    )
    assert (
        len(
            policy_for(
                MembershipFactory(department=other, role=Role.SUPERVISOR).user
            ).residence_record_parts()
        )
        == 2
    )
