"""The dashboard's combined figures: the same as every selector alone, in a fixed few queries."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.constants import CaseState, Role
from casework.models import CaseUserObjectPermission
from casework.policy import policy_for
from operations import reports, selectors
from operations.selectors import Period
from tests.casework.factories import CaseTypeFactory, DepartmentFactory, MembershipFactory

from .conftest import at, make_case

YEAR_2025 = Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
END_2025 = dt.date(2025, 12, 31)
S = CaseState


def figures(user, **kwargs):
    cases = selectors.case_scope(user, **kwargs)
    records = selectors.register_scope(user)
    return cases, selectors.dashboard_figures(
        cases, YEAR_2025, records=records, today=END_2025, now=at(2025, 12, 31)
    )


def test_dashboard_figures_equal_the_single_selectors(office, settings):
    settings.OPERATIONS_SERVICE_STANDARD_DAYS = 42
    for user in (office.admin, office.supervisor_a, office.supervisor_b):
        cases, combined = figures(user)
        summary = selectors.period_summary(cases, YEAR_2025)
        assert combined["departments"] == summary["departments"]
        assert combined["handed_over_by_type"] == summary["handed_over_by_type"]
        assert combined["open_by_state"] == selectors.open_by_state(cases, today=END_2025)
        assert combined["workload"] == selectors.workload(cases, now=at(2025, 12, 31))
        assert combined["processing"] == selectors.processing_times(cases, YEAR_2025)
        assert combined["expiry"] == selectors.expiry_forecast(
            selectors.register_scope(user), today=END_2025
        )
        assert combined["oldest"] == list(selectors.oldest_waiting(cases))


def test_dashboard_figures_of_the_known_office(office, settings):
    settings.OPERATIONS_SERVICE_STANDARD_DAYS = 42
    _cases, combined = figures(office.admin)
    by_name = {row["department"]: row for row in combined["departments"]}
    assert {key: by_name["Aufenthalt"][key] for key in ("received", "granted", "open")} == {
        "received": 7,
        "granted": 4,
        "open": 3,
    }
    assert by_name["Asyl/EU"]["handed_over"] == 1
    assert combined["processing"] == {"count": 3, "median_days": 59.0, "p90_days": 60.6}
    by_state = {row["state"]: row["count"] for row in combined["open_by_state"]}
    assert by_state == {"received": 1, "documents_requested": 1, "checked": 1, "produced": 1}
    by_user = {row["assigned_to"]: row for row in combined["workload"]}
    assert (by_user[office.caseworker_a.pk]["open"], by_user[None]["open"]) == (1, 3)
    assert by_user[None]["oldest"] == at(2025, 7, 1)


def test_a_reorder_after_failed_production_is_not_granted_again(office):
    """Only *biometrics → produced* counts as granted, also now that the history is joined by
    ``to_state`` alone and the ``from_state`` test sits in the count."""
    make_case(
        case_type=office.type_a,
        state=S.PRODUCED,
        received=at(2024, 10, 1),
        steps=[
            (S.BIOMETRICS, S.PRODUCED, at(2024, 11, 1)),
            (S.PRODUCED, S.PRODUCTION_FAILED, at(2025, 2, 1)),
            (S.PRODUCTION_FAILED, S.PRODUCED, at(2025, 2, 20)),
        ],
    )
    counts = selectors.period_counts(selectors.case_scope(office.admin), YEAR_2025)
    assert counts["granted"] == 5
    _cases, combined = figures(office.admin)
    assert sum(row["granted"] for row in combined["departments"]) == 5


def test_a_case_shared_by_grant_counts_for_the_supervisor_it_was_shared_with(office):
    """Visibility stays the plain filter of ``cases_visible_to``: a granted case counts."""
    view = Permission.objects.get(codename="view_case")
    CaseUserObjectPermission.objects.create(
        user=office.supervisor_b, permission=view, content_object=office.cases.c1
    )
    _cases, combined = figures(office.supervisor_b)
    assert sum(row["handed_over"] for row in combined["departments"]) == 2
    assert combined["processing"]["count"] == 2
    report = selectors.council_report(
        office.supervisor_b,
        ukraine_since=dt.date(2022, 2, 24),
        chancen_since=dt.date(2022, 12, 31),
        until=END_2025,
    )
    assert report["ukraine_titles"] == 0


def _dashboard_queries(user) -> int:
    # The user's permissions are read once per request by the page's access check (the policy);
    # the dashboard's own queries are what must not grow.
    policy_for(user)
    with CaptureQueriesContext(connection) as queries:
        reports.build_tables(user, period=YEAR_2025, today=END_2025)
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_departments_and_caseworkers(office):
    """No query per department, case type or caseworker (the names are looked up at once).

    Nine: the eight of the figures before, and one for the participations of other
    authorities per authority (issue 13)."""
    before = _dashboard_queries(office.admin)
    assert before <= 9
    for number in range(3):
        department = DepartmentFactory(code=f"extra-{number}")
        case_type = CaseTypeFactory(code=f"x{number}", department=department)
        worker = MembershipFactory(department=department, role=Role.CASEWORKER).user
        for state, steps in (
            (S.RECEIVED, []),
            (S.HANDED_OVER, [(S.PRODUCED, S.HANDED_OVER, at(2025, 6, 1))]),
        ):
            make_case(
                case_type=case_type,
                department=department,
                state=state,
                received=at(2025, 3, 1),
                assigned_to=worker,
                steps=steps,
            )
    assert _dashboard_queries(office.admin) == before


def test_hearings_count_opened_dropped_and_refused_after_the_hearing(office):
    """Issue 13: the statistics count hearings and refusals after a hearing, per department.

    One case is heard, the answer changes the assessment, it is heard again and refused; a
    second is heard and still waits for its answer; a third was heard in 2024 (outside the
    period) and refused in 2025."""
    make_case(
        case_type=office.type_a,
        state=S.REFUSED,
        received=at(2025, 2, 1),
        steps=[
            (S.CHECKED, S.HEARING, at(2025, 3, 1)),
            (S.HEARING, S.RECEIVED, at(2025, 3, 20)),
            (S.RECEIVED, S.HEARING, at(2025, 4, 1)),
            (S.HEARING, S.REFUSAL_DRAFTED, at(2025, 4, 20)),
            (S.REFUSAL_DRAFTED, S.HEARING, at(2025, 4, 22)),  # the draft revised: no new hearing
            (S.HEARING, S.REFUSAL_DRAFTED, at(2025, 4, 25)),
            (S.REFUSAL_DRAFTED, S.REFUSED, at(2025, 5, 2)),
        ],
    )
    make_case(
        case_type=office.type_a,
        state=S.HEARING,
        received=at(2025, 6, 1),
        steps=[(S.DOCUMENTS_REQUESTED, S.HEARING, at(2025, 7, 1))],
    )
    make_case(
        case_type=office.type_a,
        state=S.REFUSED,
        received=at(2024, 10, 1),
        steps=[
            (S.RECEIVED, S.HEARING, at(2024, 11, 1)),
            (S.HEARING, S.REFUSAL_DRAFTED, at(2024, 12, 1)),
            (S.REFUSAL_DRAFTED, S.REFUSED, at(2025, 1, 10)),
        ],
    )
    _cases, combined = figures(office.admin)
    row = next(r for r in combined["departments"] if r["department"] == "Aufenthalt")
    assert {
        key: row[key]
        for key in ("hearings", "dropped_after_hearing", "refused_after_hearing", "in_hearing")
    } == {"hearings": 3, "dropped_after_hearing": 1, "refused_after_hearing": 2, "in_hearing": 1}
    other = next(r for r in combined["departments"] if r["department"] == "Asyl/EU")
    assert other["hearings"] == other["refused_after_hearing"] == other["in_hearing"] == 0

    table = next(
        t
        for t in reports.build_tables(office.admin, period=YEAR_2025, today=END_2025)
        if t.key == "hearings"
    )
    assert table.rows[-1][1:] == [3, 1, 2, 1]
    # The supervisor of the other department sees none of it.
    _cases, theirs = figures(office.supervisor_b)
    assert all(r["hearings"] == 0 for r in theirs["departments"])
