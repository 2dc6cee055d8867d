"""Reminders, the expiry forecast and the bulk continuation read the register of residence
records, not the cases: a document entered without a case counts, a replaced one does not."""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.constants import RecordKind, Role
from casework.models import ResidenceRecord
from operations import selectors, services
from operations.constants import ReminderKind
from operations.models import Reminder
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def office():
    department = DepartmentFactory(code="aufenthalt")
    return {
        "department": department,
        "caseworker": MembershipFactory(department=department, role=Role.CASEWORKER).user,
        "supervisor": MembershipFactory(department=department, role=Role.SUPERVISOR).user,
        "type": CaseTypeFactory(department=department, legal_basis="§ 24 AufenthG"),
    }


def enter(office, person, kind, valid_until, valid_from=None):
    return casework_services.record_residence(
        person=person,
        user=office["caseworker"],
        department=office["department"],
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def test_a_title_entered_without_a_case_is_reminded_a_duldung_is_not(office):
    titled = PersonFactory(passport_valid_until=None)
    tolerated = PersonFactory(passport_valid_until=None)
    enter(office, titled, RecordKind.TITLE, DAY + dt.timedelta(days=50))
    enter(office, tolerated, RecordKind.DULDUNG, DAY + dt.timedelta(days=50))

    assert services.create_expiry_reminders(today=DAY)["created"] == 1
    reminder = Reminder.objects.get(kind=ReminderKind.TITLE)
    assert (reminder.person, reminder.case) == (titled, None)


def test_a_title_replaced_in_the_register_is_not_reminded(office):
    case = WorkflowCaseFactory(
        handed_over=True,
        case_type=office["type"],
        granted_until=DAY + dt.timedelta(days=50),
        at=dt.datetime(2026, 2, 2, 10, tzinfo=dt.UTC),
    )
    case.person.passport_valid_until = None
    case.person.save()
    # A Fiktionsbescheinigung issued before the title ran out replaces it.
    enter(office, case.person, RecordKind.FIKTION, DAY + dt.timedelta(days=200), DAY)
    assert services.create_expiry_reminders(today=DAY)["created"] == 0


def test_the_forecast_counts_the_records_in_force_of_visible_persons(office):
    case = WorkflowCaseFactory(
        handed_over=True,
        case_type=office["type"],
        granted_until=dt.date(2027, 1, 20),
        at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
    )
    enter(office, case.person, RecordKind.DULDUNG, dt.date(2027, 5, 3), dt.date(2026, 12, 1))
    # A person of another department's register (no case here, entered there): not counted.
    other = DepartmentFactory(code="asyl")
    casework_services.record_residence(
        person=PersonFactory(),
        user=MembershipFactory(department=other, role=Role.CASEWORKER).user,
        department=other,
        kind=RecordKind.TITLE,
        valid_until=dt.date(2027, 2, 1),
    )
    records = selectors.register_scope(office["supervisor"])
    rows = selectors.expiry_forecast(records, today=dt.date(2026, 12, 1), months=12)
    counts = {row["month"]: row["count"] for row in rows if row["count"]}
    # The title was replaced by the Duldung entered later (from 1 Dec): only that one counts.
    assert counts == {dt.date(2027, 5, 1): 1}
    # Narrowed to a department the user does not belong to: nothing.
    foreign = selectors.expiry_forecast(
        selectors.register_scope(office["caseworker"], department=other),
        today=dt.date(2026, 12, 1),
        months=12,
    )
    assert sum(row["count"] for row in foreign) == 0


def test_the_forecast_counts_persons_of_the_register_without_a_case(office):
    """An imported or entered person with no case at all is a holder the office must expect
    (issue 14: the forecast reads the register the policy lets the user read)."""
    register_only = PersonFactory()
    enter(office, register_only, RecordKind.TITLE, dt.date(2027, 3, 10))
    assert not register_only.cases.exists()
    today = dt.date(2026, 12, 1)
    for user in (office["supervisor"], office["caseworker"]):
        rows = selectors.expiry_forecast(selectors.register_scope(user), today=today, months=12)
        assert {r["month"]: r["count"] for r in rows if r["count"]} == {dt.date(2027, 3, 1): 1}
    # Per department: the figures of the department that entered it count it, others do not.
    admin = MembershipFactory(department=office["department"], role=Role.SUPERVISOR).user
    other = DepartmentFactory(code="einbuergerung")
    for department, expected in ((office["department"], 1), (other, 0)):
        records = selectors.register_scope(admin, department=department)
        rows = selectors.expiry_forecast(records, today=today, months=12)
        assert sum(r["count"] for r in rows) == expected
    # A supervisor of another department does not see it.
    stranger = MembershipFactory(department=other, role=Role.SUPERVISOR).user
    rows = selectors.expiry_forecast(selectors.register_scope(stranger), today=today, months=12)
    assert sum(r["count"] for r in rows) == 0


def test_the_continuation_leaves_a_case_whose_title_the_register_replaced(office):
    today = timezone.localdate()

    def holder():
        return WorkflowCaseFactory(
            handed_over=True,
            case_type=office["type"],
            granted_until=today + dt.timedelta(days=30),
        )

    kept, replaced = holder(), holder()
    # A permanent title from tomorrow replaces the second holder's title.
    enter(office, replaced.person, RecordKind.TITLE, None, today + dt.timedelta(days=1))
    assert ResidenceRecord.objects.get(case=replaced).superseded_by is not None
    ordinance = services.create_ordinance(
        user=office["supervisor"],
        case_type=office["type"],
        cut_off_on=today,
        valid_until=today + dt.timedelta(days=400),
        reference="Verordnung",
    )
    candidates = set(services.continuation_candidates(ordinance, office["supervisor"]))
    assert candidates == {kept}
