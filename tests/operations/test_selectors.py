"""Every figure of the dashboard on the known office of ``conftest.office``."""

import datetime as dt

import pytest

from casework.models import CaseDocument
from operations import selectors
from operations.selectors import Period, percentile

from .conftest import at

YEAR_2025 = Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
END_2025 = dt.date(2025, 12, 31)


def scope(user, **kwargs):
    return selectors.case_scope(user, **kwargs)


#: The fixture's office holds no hearing (its one refusal predates the hearing rule).
NO_HEARINGS = {"hearings": 0, "dropped_after_hearing": 0, "refused_after_hearing": 0}


def test_period_counts_office_wide(office):
    """Received by receipt date; decisions by the date of their history row."""
    counts = selectors.period_counts(scope(office.admin), YEAR_2025)
    assert counts == {
        "received": 9,
        "granted": 5,
        "refused": 1,
        "withdrawn": 1,
        "handed_over": 3,
        **NO_HEARINGS,
    }


def test_period_counts_of_a_supervisor_are_their_department_only(office):
    assert selectors.period_counts(scope(office.supervisor_a), YEAR_2025) == {
        "received": 7,
        "granted": 4,
        "refused": 1,
        "withdrawn": 1,
        "handed_over": 2,
        **NO_HEARINGS,
    }
    assert selectors.period_counts(scope(office.supervisor_b), YEAR_2025) == {
        "received": 1 + 1,
        "granted": 1,
        "refused": 0,
        "withdrawn": 0,
        "handed_over": 1,
        **NO_HEARINGS,
    }


def test_department_filter_narrows_the_office(office):
    counts = selectors.period_counts(scope(office.admin, department=office.dept_b), YEAR_2025)
    assert counts["received"] == 2
    assert counts["handed_over"] == 1


def test_a_short_period_counts_only_its_days(office):
    may = Period(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))
    counts = selectors.period_counts(scope(office.admin), may)
    # c3 received 1 May, granted 10 May, handed over 11 May; b1 granted 1 May.
    assert counts == {
        "received": 1,
        "granted": 2,
        "refused": 0,
        "withdrawn": 0,
        "handed_over": 1,
        **NO_HEARINGS,
    }


def test_counts_by_department(office):
    rows = selectors.counts_by_department(scope(office.admin), YEAR_2025)
    by_name = {row["department"]: row for row in rows}
    assert by_name["Aufenthalt"] | {} == {
        "department_id": office.dept_a.pk,
        "department": "Aufenthalt",
        "received": 7,
        "granted": 4,
        "refused": 1,
        "withdrawn": 1,
        "handed_over": 2,
        "open": 3,
        **NO_HEARINGS,
        "in_hearing": 0,
    }
    assert by_name["Asyl/EU"]["open"] == 1
    assert by_name["Asyl/EU"]["received"] == 2
    assert [
        row["department"]
        for row in selectors.counts_by_department(scope(office.supervisor_b), YEAR_2025)
    ] == ["Asyl/EU"]


def test_handed_over_by_type(office):
    rows = selectors.handed_over_by_type(scope(office.admin), YEAR_2025)
    assert {row["case__case_type__legal_basis"]: row["count"] for row in rows} == {
        "§ 18b AufenthG": 1,
        "§ 24 AufenthG": 1,
        "§ 28 AufenthG": 1,
    }


def test_open_by_state_with_age_buckets(office):
    rows = selectors.open_by_state(scope(office.admin), today=END_2025)
    by_state = {row["state"]: row for row in rows}
    assert set(by_state) == {"received", "documents_requested", "checked", "produced"}
    # c5 received 1 June: 213 days; c6 1 July: 183; c7 1 August: 152; b2 1 October: 91.
    assert by_state["received"]["max_age"] == 213
    assert by_state["received"]["over_180"] == 1
    assert by_state["documents_requested"]["over_180"] == 1
    assert by_state["produced"]["up_to_180"] == 1
    assert by_state["checked"]["up_to_180"] == 1
    assert sum(row["count"] for row in rows) == 4
    assert sum(row["up_to_30"] + row["up_to_90"] for row in rows) == 0


def test_age_bucket_edges(office):
    """A case received 29 days ago is under 30 days old; 30 days ago it is not."""
    today = dt.date(2025, 7, 30)  # c6 received 1 July: 29 days
    row = next(
        r
        for r in selectors.open_by_state(scope(office.admin), today=today)
        if r["state"] == "documents_requested"
    )
    assert row["up_to_30"] == 1
    row = next(
        r
        for r in selectors.open_by_state(scope(office.admin), today=today + dt.timedelta(1))
        if r["state"] == "documents_requested"
    )
    assert (row["up_to_30"], row["up_to_90"]) == (0, 1)


def test_processing_time_median_and_90th_percentile(office):
    """Hand-overs in 2025: c1 59 days, c3 10 days, b1 61 days."""
    times = selectors.processing_times(scope(office.admin), YEAR_2025)
    assert times == {"count": 3, "median_days": 59.0, "p90_days": 60.6}
    times_b = selectors.processing_times(scope(office.supervisor_b), YEAR_2025)
    assert times_b == {"count": 1, "median_days": 61.0, "p90_days": 61.0}


def test_processing_time_without_hand_overs_is_empty(office):
    empty = Period(start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    assert selectors.processing_times(scope(office.admin), empty) == {
        "count": 0,
        "median_days": None,
        "p90_days": None,
    }


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([1.0], 0.9, 1.0), ([1.0, 2.0], 0.5, 1.5), ([10.0, 59.0, 61.0], 0.9, 60.6)],
)
def test_percentile_interpolates_like_percentile_cont(values, fraction, expected):
    assert percentile(values, fraction) == pytest.approx(expected)


def test_oldest_waiting_in_order_of_receipt(office):
    c = office.cases
    assert list(selectors.oldest_waiting(scope(office.admin))) == [c.c5, c.c6, c.c7, c.b2]
    assert list(selectors.oldest_waiting(scope(office.supervisor_b))) == [c.b2]


def test_workload_per_caseworker(office, settings):
    settings.OPERATIONS_SERVICE_STANDARD_DAYS = 42
    rows = selectors.workload(scope(office.admin), now=at(2025, 12, 31))
    by_user = {row["assigned_to"]: row for row in rows}
    assert by_user[office.caseworker_a.pk]["open"] == 1
    assert by_user[None]["open"] == 3
    assert by_user[None]["waiting"] == 1
    # no history rows of progress on open cases: every open case older than 42 days stalls
    assert by_user[None]["stalled"] == 3


def test_expiry_forecast_counts_holders_per_month(office):
    """c1 and its extension c5 belong to one holder (Feb 2026); refused c2 does not count."""
    rows = selectors.expiry_forecast(
        selectors.register_scope(office.admin), today=dt.date(2025, 12, 15)
    )
    assert len(rows) == 24
    assert rows[0]["month"] == dt.date(2025, 12, 1)
    counts = {row["month"]: row["count"] for row in rows if row["count"]}
    assert counts == {dt.date(2026, 2, 1): 1, dt.date(2026, 3, 1): 1, dt.date(2027, 6, 1): 1}
    rows_a = selectors.expiry_forecast(
        selectors.register_scope(office.supervisor_a), today=dt.date(2025, 12, 15)
    )
    assert sum(row["count"] for row in rows_a) == 2


def test_council_report(office):
    report = selectors.council_report(
        office.admin,
        ukraine_since=dt.date(2022, 2, 24),
        chancen_since=dt.date(2022, 12, 31),
        until=END_2025,
    )
    assert report["ukraine_titles"] == 1
    assert report["ukraine_temporary_protection"] == 1
    assert report["ukraine_persons"] == 1
    assert report["chancen_received"] == 2
    assert report["chancen_granted"] == 1
    assert report["chancen_refused"] == 0
    assert report["chancen_open"] == 2


def test_council_report_counts_only_visible_cases(office):
    report = selectors.council_report(
        office.supervisor_b,
        ukraine_since=dt.date(2022, 2, 24),
        chancen_since=dt.date(2022, 12, 31),
        until=END_2025,
    )
    assert report["ukraine_titles"] == 0
    assert report["chancen_received"] == 0


def test_overdue_document_requests(office):
    c6 = office.cases.c6
    # low-level: the raw statistics office's requested documents, due at fixed past dates
    late = CaseDocument.objects.create(
        case=c6, code="passport", name="Pass", due_on=dt.date(2025, 8, 1)
    )
    CaseDocument.objects.create(  # low-level: received, due at a fixed past date
        case=c6, code="income", name="Einkommen", due_on=dt.date(2025, 8, 1), received=True
    )
    CaseDocument.objects.create(  # low-level: due at a fixed later date
        case=c6, code="lease", name="Mietvertrag", due_on=dt.date(2026, 1, 1)
    )
    today = dt.date(2025, 9, 1)
    assert list(selectors.overdue_document_requests(office.supervisor_a, today=today)) == [late]
    assert list(selectors.overdue_document_requests(office.supervisor_b, today=today)) == []


def test_stalled_cases_use_the_service_standard(office, settings):
    settings.OPERATIONS_SERVICE_STANDARD_DAYS = 100
    now = at(2025, 10, 15)
    # open cases received by then: c5 (1 June: 136 days), c6 (106), c7 (75), b2 (14)
    assert set(selectors.stalled_cases(office.admin, now=now)) == {office.cases.c5, office.cases.c6}
    settings.OPERATIONS_SERVICE_STANDARD_DAYS = 120
    assert list(selectors.stalled_cases(office.admin, now=now)) == [office.cases.c5]
    assert list(selectors.stalled_cases(office.supervisor_b, now=now)) == []


def test_statistics_are_for_supervisors_and_admins(office):
    assert selectors.can_see_statistics(office.supervisor_a)
    assert selectors.can_see_statistics(office.admin)
    assert not selectors.can_see_statistics(office.caseworker_a)


def test_a_continued_title_is_not_handed_over_a_second_time(office):
    """A bulk continuation writes a history row from *handed over* to *handed over*."""
    from casework.services import continue_titles

    def figures():
        return (
            selectors.period_counts(scope(office.admin), YEAR_2025),
            selectors.handed_over_by_type(scope(office.admin), YEAR_2025),
            selectors.processing_times(scope(office.admin), YEAR_2025),
            selectors.council_report(
                office.admin,
                ukraine_since=dt.date(2022, 2, 24),
                chancen_since=dt.date(2022, 12, 31),
                until=END_2025,
            ),
        )

    before = figures()
    continued = continue_titles(
        case_ids=[office.cases.c1.pk, office.cases.c3.pk],
        valid_until=dt.date(2027, 3, 4),
        user=office.admin,
        note=lambda _pk, _previous: "Fortgeltung (§ 24 AufenthG)",
        at=at(2025, 9, 1),
    )
    assert len(continued) == 2
    assert figures() == before
    assert before[0]["handed_over"] == 3
