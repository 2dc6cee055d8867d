"""A small office with known figures (see the docstring of ``office``)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from casework.constants import CaseState, Role
from casework.models import CaseHistory
from tests.casework.factories import (
    CaseFactory,
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

UTC = dt.UTC


def at(year, month, day) -> dt.datetime:
    """Noon UTC: whole days apart, whatever the daylight saving time."""
    return dt.datetime(year, month, day, 12, tzinfo=UTC)


def make_case(*, case_type, state, received, steps=(), person=None, nationality="SYR", **kwargs):
    """A case with history rows; ``steps`` is ``[(from_state, to_state, at), ...]``."""
    person = person or PersonFactory(nationality=nationality)
    # low-level: the statistics office's figures count exactly these rows at fixed past dates
    case = CaseFactory(
        case_type=case_type, state=state, received_at=received, person=person, **kwargs
    )
    for from_state, to_state, when in steps:
        # low-level: only the state changes the statistics count, at the dates the figures name
        CaseHistory.objects.create(
            case=case, transition="t", from_state=from_state, to_state=to_state, at=when
        )
    return case


S = CaseState


@pytest.fixture
def office(db):
    """Two departments, a year (2025) of cases with known figures.

    Department A: c1 granted and handed over (59 days), c2 refused, c3 § 24 for a Ukrainian
    handed over (10 days), c4 received 2024 and withdrawn 2025, c5 open (assigned to the
    caseworker of A, same holder as c1), c6 § 104c waiting for documents, c7 § 104c granted
    (card ordered), c8 granted 2025 but handed over 2026.
    Department B: b1 handed over (61 days), b2 checked and open.
    """
    dept_a = DepartmentFactory(code="dept-a", name="Aufenthalt")
    dept_b = DepartmentFactory(code="dept-b", name="Asyl/EU")
    type_a = CaseTypeFactory(code="18b", legal_basis="§ 18b AufenthG", department=dept_a)
    type_24 = CaseTypeFactory(
        code="24", legal_basis="§ 24 AufenthG", name="Vorübergehender Schutz", department=dept_a
    )
    type_104c = CaseTypeFactory(chancen=True, department=dept_a)
    type_b = CaseTypeFactory(code="28", legal_basis="§ 28 AufenthG", department=dept_b)

    caseworker_a = MembershipFactory(department=dept_a, role=Role.CASEWORKER).user
    supervisor_a = MembershipFactory(department=dept_a, role=Role.SUPERVISOR).user
    supervisor_b = MembershipFactory(department=dept_b, role=Role.SUPERVISOR).user
    admin = UserFactory(username="admin", is_superuser=True)

    c1 = make_case(
        case_type=type_a,
        state=S.HANDED_OVER,
        received=at(2025, 2, 1),
        steps=[
            (S.BIOMETRICS, S.PRODUCED, at(2025, 3, 1)),
            (S.PRODUCED, S.HANDED_OVER, at(2025, 4, 1)),
        ],
        granted_until=dt.date(2026, 2, 10),
    )
    c2 = make_case(
        case_type=type_a,
        state=S.REFUSED,
        received=at(2025, 3, 1),
        steps=[(S.RECEIVED, S.REFUSED, at(2025, 3, 15))],
        title_expires_on=dt.date(2026, 2, 1),
    )
    c3 = make_case(
        case_type=type_24,
        state=S.HANDED_OVER,
        received=at(2025, 5, 1),
        nationality="UKR",
        steps=[
            (S.BIOMETRICS, S.PRODUCED, at(2025, 5, 10)),
            (S.PRODUCED, S.HANDED_OVER, at(2025, 5, 11)),
        ],
        granted_until=dt.date(2026, 3, 4),
    )
    c4 = make_case(
        case_type=type_a,
        state=S.WITHDRAWN,
        received=at(2024, 12, 1),
        steps=[(S.RECEIVED, S.WITHDRAWN, at(2025, 1, 10))],
    )
    c5 = make_case(
        case_type=type_a,
        state=S.RECEIVED,
        received=at(2025, 6, 1),
        person=c1.person,
        assigned_to=caseworker_a,
        is_extension=True,
        title_expires_on=dt.date(2026, 2, 10),
    )
    c6 = make_case(case_type=type_104c, state=S.DOCUMENTS_REQUESTED, received=at(2025, 7, 1))
    c7 = make_case(
        case_type=type_104c,
        state=S.PRODUCED,
        received=at(2025, 8, 1),
        steps=[(S.BIOMETRICS, S.PRODUCED, at(2025, 9, 1))],
    )
    c8 = make_case(
        case_type=type_a,
        state=S.HANDED_OVER,
        received=at(2025, 11, 1),
        steps=[
            (S.BIOMETRICS, S.PRODUCED, at(2025, 12, 1)),
            (S.PRODUCED, S.HANDED_OVER, at(2026, 1, 5)),
        ],
    )
    b1 = make_case(
        case_type=type_b,
        state=S.HANDED_OVER,
        received=at(2025, 4, 1),
        steps=[
            (S.BIOMETRICS, S.PRODUCED, at(2025, 5, 1)),
            (S.PRODUCED, S.HANDED_OVER, at(2025, 6, 1)),
        ],
        granted_until=dt.date(2027, 6, 1),
    )
    b2 = make_case(case_type=type_b, state=S.CHECKED, received=at(2025, 10, 1))
    return SimpleNamespace(
        dept_a=dept_a,
        dept_b=dept_b,
        type_a=type_a,
        type_24=type_24,
        type_104c=type_104c,
        type_b=type_b,
        caseworker_a=caseworker_a,
        supervisor_a=supervisor_a,
        supervisor_b=supervisor_b,
        admin=admin,
        cases=SimpleNamespace(c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7, c8=c8, b1=b1, b2=b2),
    )
