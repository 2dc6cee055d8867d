"""Counts and facets are exact for broad queries: every visible match, not the ranked top set."""

import datetime as dt

import pytest
from django.utils import timezone

from casework import services
from casework.constants import CaseState, Channel
from casework.models import Case, Person
from search.backends import get_search_backend
from search.backends.base import CANDIDATE_LIMIT

from .conftest import backend_names

pytestmark = pytest.mark.django_db

VISIBLE = CANDIDATE_LIMIT + 57  # more text matches than the ranked top set holds
HIDDEN = 23


def _bulk_cases(case_type, n, start, note, state=CaseState.RECEIVED):
    now = timezone.now()
    # low-level: many persons at once (see below)
    persons = Person.objects.bulk_create(
        [
            Person(
                family_name=f"Nachname{start + i}",
                given_names="Vorname",
                birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i),
                nationality="UKR" if i % 3 else "SYR",
            )
            for i in range(n)
        ]
    )
    cases = []
    for i, person in enumerate(persons):
        case = Case(
            file_number=f"ABH-2026-{start + i:06d}",
            person=person,
            case_type=case_type,
            department=case_type.department,
            received_at=now - dt.timedelta(minutes=start + i),
            channel=Channel.POST,
            notes=note,
        )
        # low-level: hundreds of cases for counts and paging, written at once and indexed by the
        # test (through the services this fixture alone would take minutes)
        case.__dict__["state"] = state if i % 2 else CaseState.CHECKED
        cases.append(case)
    return Case.objects.bulk_create(cases)  # low-level: see above


@pytest.fixture
def broad(office):
    visible = _bulk_cases(office["type_a"], VISIBLE, 1, "Mietvertrag liegt vor")
    hidden = _bulk_cases(office["type_b"], HIDDEN, 5000, "Mietvertrag liegt vor")
    _bulk_cases(office["type_a"], 5, 9000, "Reisepass fehlt")
    return {"visible": visible, "hidden": hidden}


@pytest.fixture(params=backend_names())
def backend(request, broad):
    backend = get_search_backend(request.param)
    backend.rebuild()
    return backend


@pytest.mark.parametrize(
    ("query", "filters"),
    [("Mietvertrag", {}), ("", {"text": "Mietvertrag"}), ("Mietvertrag", {"text": "liegt"})],
)
def test_count_and_facets_cover_every_visible_match(backend, office, broad, query, filters):
    results = backend.search(query, user=office["worker_a"], filters=filters)
    assert results.count() == VISIBLE
    facets = results.facets()
    assert sum(f["count"] for f in facets["state"]) == VISIBLE
    assert {f["value"]: f["count"] for f in facets["department"]} == {"aufenthalt": VISIBLE}
    assert sum(f["count"] for f in facets["nationality"]) == VISIBLE
    # Paging past the ranked top set lists the rest, each case once, none of department B.
    hits = results[0:VISIBLE]
    numbers = [h.file_number for h in hits]
    assert len(numbers) == len(set(numbers)) == VISIBLE
    assert set(numbers) == {c.file_number for c in broad["visible"]}
    assert len(results.ids()) == VISIBLE
    tail = results[VISIBLE - 10 : VISIBLE + 10]
    assert [h.file_number for h in tail] == numbers[VISIBLE - 10 :]


def test_exact_count_with_a_filter_and_other_sort_orders(backend, office, broad):
    results = backend.search(
        "Mietvertrag", user=office["worker_a"], filters={"state": "received"}, sort="-received"
    )
    expected = [c for c in broad["visible"] if c.state == CaseState.RECEIVED]
    assert len(expected) > CANDIDATE_LIMIT // 2
    assert results.count() == len(expected)
    numbers = [h.file_number for h in results[0 : results.count()]]
    newest_first = sorted(expected, key=lambda c: c.received_at, reverse=True)
    assert numbers == [c.file_number for c in newest_first]


def test_boss_counts_both_departments(backend, office, broad):
    results = backend.search("", user=office["boss"], filters={"text": "Mietvertrag"})
    assert results.count() == VISIBLE + HIDDEN
    departments = {f["value"]: f["count"] for f in results.facets()["department"]}
    assert departments == {"aufenthalt": VISIBLE, "asyl-eu": HIDDEN}


def test_a_name_match_that_also_matches_the_text_comes_first(backend, office, broad):
    """The case matching both the name and the text filter outranks text-only matches."""
    target = broad["visible"][-1]  # the oldest: last among text-only matches
    services.update_person(
        person=target.person, changes={"family_name": "Schewtschenko"}, user=office["worker_a"]
    )
    backend.index_cases([target.pk])
    results = backend.search("Shevchenko", user=office["worker_a"], filters={"text": "Mietvertrag"})
    assert results[0].file_number == target.file_number


@pytest.mark.django_db(transaction=True)
def test_planner_settings_stay_inside_the_search_statement(office, broad):
    """SET LOCAL of the candidate statement must not outlive it in the caller's transaction."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL planner settings")
    backend = get_search_backend("default")
    backend.rebuild()

    def show():
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    with transaction.atomic():
        backend.search("Mietvertrag", user=office["worker_a"], log=False).count()
        assert show() == "on"
    transaction.set_autocommit(False)
    try:
        backend.search("Mietvertrag", user=office["worker_a"], log=False).count()
        assert show() == "on"
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)
