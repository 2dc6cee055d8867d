"""Elasticsearch against the database backend on the same data, on a real cluster.

Results, counts, facets and pages must be the same (the ranking is shared; the engines only
find candidates), the permission matrix must hold for every user, and what is specific to the
engine (alias over versioned indices, analyzer detection, paging past the result window,
index verification, the outbox) works. Run with ELASTICSEARCH_URL set (``make test-es``).
"""

import datetime as dt
import logging
import random

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from guardian.shortcuts import assign_perm

from casework.constants import OFFICE_ADMIN_GROUP, CaseState, Channel, Role
from casework.models import Case, CaseComment, Person
from casework.selectors import cases_visible_to
from search import sync
from search.backends import get_search_backend
from search.backends.base import CANDIDATE_LIMIT, SORTS
from search.backends.elasticsearch import ROW_FIELD
from search.models import CaseIndexEntry, IndexOutbox
from tests.casework.factories import MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not settings.ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set"),
]

FAMILIES = [
    ("SHEVCHENKO", "Шевченко"),
    ("KOVALENKO", "Коваленко"),
    ("Al-Ahmad", ""),
    ("Öztürk", ""),
    ("Hussain", ""),
    ("Nguyễn", ""),
    ("Gebremedhin", ""),
    ("Müller", ""),
    ("Wiśniewski", ""),
    ("Ahmadi", ""),
]
GIVEN = ["OLEKSANDR", "Olena", "Mohammed", "Ayşe", "Ali", "Thi Huong", "Tesfay", "Jürgen", "Anna"]
NOTES = ["Mietvertrag liegt vor", "Arbeitsvertrag fehlt", "Reisepass abgelaufen", ""]
TEXT_MATCHES = CANDIDATE_LIMIT + 40


def _register(office, n: int, rng: random.Random) -> list[Case]:
    """Cases in both departments, all states, every note; many share the word Mietvertrag."""
    now = timezone.now()
    persons = []
    for i in range(n):
        family, native = FAMILIES[i % len(FAMILIES)]
        persons.append(
            Person(
                family_name=family if i % 7 else family.upper(),
                given_names=rng.choice(GIVEN),
                family_name_native=native,
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)),
                nationality=rng.choice(["UKR", "SYR", "TUR", "VNM", "ERI"]),
                passport_number=f"P{i:07d}",
            )
        )
    # low-level: a register of hundreds of persons and cases in every state, for counts and facets
    persons = Person.objects.bulk_create(persons)
    states = list(CaseState.values)
    cases = []
    for i, person in enumerate(persons):
        case_type = office["type_a"] if i % 3 else office["type_b"]
        note = NOTES[0] if i < TEXT_MATCHES else NOTES[1 + i % 3]
        case = Case(
            file_number=f"ABH-2026-{i + 1:06d}",
            person=person,
            case_type=case_type,
            department=case_type.department,
            received_at=now - dt.timedelta(minutes=7 * i + 1),
            channel=Channel.POST,
            notes=note,
            title_expires_on=(now + dt.timedelta(days=i % 400)).date() if i % 5 else None,
        )
        case.__dict__["state"] = states[i % len(states)]  # low-level: every state, in bulk
        cases.append(case)
    return Case.objects.bulk_create(cases)  # low-level: the register, in one INSERT


@pytest.fixture
def users(office):
    service_point = MembershipFactory(department=office["dept_a"], role=Role.SERVICE_POINT).user
    admin = UserFactory(username="amtsleitung")
    admin.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    return {
        "worker_a": office["worker_a"],
        "worker_b": office["worker_b"],
        "boss": office["boss"],
        "service_point": service_point,
        "admin": admin,
        "shared": UserFactory(username="shared"),
        "expired": UserFactory(username="expired"),
        "nobody": UserFactory(username="nobody"),
    }


@pytest.fixture
def register(office, users, django_capture_on_commit_callbacks):
    cases = _register(office, TEXT_MATCHES + 160, random.Random(15))
    foreign = [c for c in cases if c.department_id == office["dept_b"].pk]
    assign_perm("casework.view_case", users["shared"], foreign[0])
    assign_perm("casework.view_case", users["expired"], foreign[1])
    from casework.models import CaseUserObjectPermission

    CaseUserObjectPermission.objects.filter(user=users["expired"]).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        # low-level: a comment saved outside a service, whose save the model signal announces
        CaseComment.objects.create(
            case=cases[-1], author=office["worker_a"], text="Geburtsurkunde übersetzt nachgereicht"
        )
    return cases


@pytest.fixture
def backends(register):
    database = get_search_backend("default")
    elasticsearch = get_search_backend("elasticsearch")
    elasticsearch.rebuild()  # the database index, then a fresh index from it
    return database, elasticsearch


QUERIES = {
    "names": [
        "Shevchenko",
        "Schewtschenko Oleksandr",
        "Шевченко",
        "Kowalenko Olena",
        "Oeztuerk Ayse",
        "El Ahmad Muhammad",
        "Hussein Ali",
        "Nguyen Thi Huong",
        "Gebre Medhin Tesfay",
        "Mueller Juergen",
        "Wisniewski",
    ],
    "text": ["Mietvertrag", "Arbeitsvertrag", "Geburtsurkunde"],
    "numbers and dates": ["ABH-2026-000007", "P0000042", "Shevchenko 01.01.1960", ""],
}
FILTERS = [
    {},
    {"state": "received"},
    {"nationality": "UKR"},
    {"text": "Mietvertrag"},
    {"department": "asyl-eu"},
    {"case_type": "18b"},
    {"received_from": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
]


def _snapshot(backend, query, user, filters, sort):
    results = backend.search(query, user=user, filters=filters, sort=sort, log=False)
    count = results.count()
    every = [h.file_number for h in results[0:count]]
    return {
        "count": count,
        "facets": results.facets(),
        "every": every,
        "pages": [[h.file_number for h in results[i : i + 20]] for i in (0, 20, max(0, count - 5))],
        "ids": len(results.ids()),
    }


def _same(db, es, ordered: bool):
    assert es["count"] == db["count"]
    assert es["facets"] == db["facets"]
    assert es["ids"] == db["ids"] == db["count"]
    assert len(es["every"]) == len(set(es["every"])) == es["count"]
    if ordered:
        assert es["every"] == db["every"]
        assert es["pages"] == db["pages"]
    else:
        assert set(es["every"]) == set(db["every"])


@pytest.mark.parametrize("kind", QUERIES)
def test_results_counts_facets_and_pages_equal_the_database(backends, users, kind):
    """Every sort order, several filters, three users: the same answer from both engines.

    The order of text-only matches under "relevance" follows each engine's own text rank;
    their set, the count, the facets and every other order are the same.
    """
    database, elasticsearch = backends
    combinations = [(users["worker_a"], {}, sort) for sort in SORTS]
    combinations += [(users["boss"], filters, "relevance") for filters in FILTERS]
    combinations += [(users["boss"], {"text": "Mietvertrag"}, "expiry")]
    combinations += [(users["service_point"], {}, "relevance")]
    for query in QUERIES[kind]:
        for user, filters, sort in combinations:
            db = _snapshot(database, query, user, filters, sort)
            es = _snapshot(elasticsearch, query, user, filters, sort)
            text_rank = sort == "relevance" and (kind == "text" or filters.get("text"))
            _same(db, es, ordered=not text_rank)


def test_paging_beyond_the_result_window(backends, users, monkeypatch):
    """search_after: pages past the index's result window (10,000 by default; 400 here)."""
    from search.backends import elasticsearch as module

    monkeypatch.setattr(module, "PAGE_CHUNK", 150)  # every request within the window
    _database, elasticsearch = backends
    index = next(iter(elasticsearch.client.indices.get_alias(name=elasticsearch.alias)))
    elasticsearch.client.indices.put_settings(
        index=index, settings={"max_result_window": CANDIDATE_LIMIT}
    )
    results = elasticsearch.search("Mietvertrag", user=users["admin"])
    assert results.count() == TEXT_MATCHES
    every = [h.file_number for h in results[0:TEXT_MATCHES]]
    assert len(set(every)) == TEXT_MATCHES
    assert [h.file_number for h in results[TEXT_MATCHES - 30 : TEXT_MATCHES]] == every[-30:]
    newest = elasticsearch.search("Mietvertrag", user=users["admin"], sort="-received")
    assert [h.file_number for h in newest[TEXT_MATCHES - 10 : TEXT_MATCHES]] == [
        f"ABH-2026-{i:06d}" for i in range(TEXT_MATCHES - 9, TEXT_MATCHES + 1)
    ]


PERMISSION_QUERIES = ["Shevchenko", "Mietvertrag", "", "Al-Ahmad", "ABH-2026-000002"]


def test_permission_matrix(backends, users):
    """No hit, count or facet from outside the user's visible cases, for every kind of user:
    caseworkers of either department, a supervisor of both, the Service Point, office
    management, a user with one case shared, one whose share expired, one with no role."""
    database, elasticsearch = backends
    for who, user in users.items():
        visible = set(cases_visible_to(user).values_list("file_number", flat=True))
        for query in PERMISSION_QUERIES:
            for filters in ({}, {"text": "Mietvertrag"}, {"department": "asyl-eu"}):
                es = _snapshot(elasticsearch, query, user, filters, "relevance")
                db = _snapshot(database, query, user, filters, "relevance")
                assert set(es["every"]) <= visible, who
                assert es["count"] == db["count"] == len(es["every"]), who
                assert es["facets"] == db["facets"], who
                total = sum(f["count"] for f in es["facets"]["state"])
                assert total == es["count"], who
    assert elasticsearch.search("Mietvertrag", user=users["nobody"]).count() == 0
    assert elasticsearch.search("Mietvertrag", user=users["shared"]).count() == 1
    assert elasticsearch.search("Mietvertrag", user=users["expired"]).count() == 0


def test_rebuild_swaps_the_alias_to_a_new_index(backends, users):
    _database, elasticsearch = backends
    client = elasticsearch.client
    before = set(client.indices.get_alias(name=elasticsearch.alias))
    assert len(before) == 1
    elasticsearch.reindex()
    after = set(client.indices.get_alias(name=elasticsearch.alias))
    assert len(after) == 1 and after != before
    assert not client.indices.exists(index=next(iter(before)))
    assert elasticsearch.search("Shevchenko", user=users["boss"]).count() > 0


def test_text_analyzer_is_detected_and_logged(backends, caplog):
    _database, elasticsearch = backends
    with caplog.at_level(logging.INFO, logger="search.backends.elasticsearch"):
        analyzer = elasticsearch.text_analyzer()
    assert analyzer in ("german", "standard")
    assert any("analyzer" in r.getMessage() for r in caplog.records)
    index = next(iter(elasticsearch.client.indices.get_alias(name=elasticsearch.alias)))
    mapping = elasticsearch.client.indices.get_mapping(index=index)[index]["mappings"]
    assert mapping["properties"]["body"]["analyzer"] == analyzer
    assert mapping["_meta"]["text_analyzer"] == analyzer


def test_verification_finds_and_repairs_differences(backends):
    _database, elasticsearch = backends
    assert elasticsearch.verify().count == 0
    entries = list(CaseIndexEntry.objects.order_by("case_id")[:3])
    elasticsearch.client.delete(index=elasticsearch.alias, id=str(entries[0].case_id))
    CaseIndexEntry.objects.filter(pk=entries[1].pk).update(body="geändert")
    CaseIndexEntry.objects.filter(pk=entries[2].pk).delete()
    differences = elasticsearch.verify()
    assert differences.missing == [entries[0].case_id]
    assert differences.stale == [entries[1].case_id]
    assert differences.extra == [entries[2].case_id]
    elasticsearch.repair(differences)
    assert elasticsearch.verify().count == 0


def test_changes_reach_the_index_through_the_outbox(
    backends, office, users, django_capture_on_commit_callbacks
):
    """A committed change is queued after the commit and written by the background job."""
    _database, elasticsearch = backends
    case = Case.objects.filter(department=office["dept_a"]).first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = case.person
        person.family_name = "Kowalczyk"
        person.given_names = "Anna"
        person.save()
    # Queued after the commit (casework's change signal), written by the job.
    for callback in callbacks:
        callback()  # database index, then the job (run at once by the tests' task backend)
    assert not IndexOutbox.objects.filter(backend="elasticsearch").exists()
    hits = elasticsearch.search("Kowaltschik Anna", user=users["worker_a"])
    assert hits[0].file_number == case.file_number
    assert elasticsearch.verify().count == 0


def test_a_failed_write_stays_queued_and_drains_later(backends, office, users, monkeypatch):
    """While the index cannot take writes, changes wait; the next drain writes them."""
    _database, elasticsearch = backends
    case = Case.objects.filter(department=office["dept_a"]).first()
    # low-level: a rename no signal announces; the test queues the case itself
    Person.objects.filter(pk=case.person_id).update(family_name="Tkachuk", given_names="Petro")
    CaseIndexEntry.objects.filter(pk=case.pk).update(indexed_at=timezone.now() - dt.timedelta(1))
    sync.queue([case.pk])
    from search.backends import base

    def refuse(*args, **kwargs):
        raise base.SearchUnavailable("cluster down")

    monkeypatch.setattr(type(elasticsearch), "sync", refuse)
    result = sync.drain("elasticsearch")
    assert result.failed and result.left == 1
    from search.models import IndexSyncState

    state = IndexSyncState.objects.get(backend="elasticsearch")
    assert state.failing_since is not None and state.failures == 1
    monkeypatch.undo()
    result = sync.drain("elasticsearch")
    assert not result.failed and result.synced == 1 and result.left == 0
    state.refresh_from_db()
    assert state.failing_since is None
    # The database index row was older than the queued change: written again on the way.
    assert CaseIndexEntry.objects.get(pk=case.pk).family_name == "Tkachuk"
    hits = elasticsearch.search("Tkachuk Petro", user=users["worker_a"])
    assert hits[0].file_number == case.file_number
    assert elasticsearch.verify().count == 0


def test_ranking_columns_and_facets_come_with_the_hits(backends, users):
    """A search reads the database index once, for the page's rows: candidates carry their
    ranking columns and facet values from the cluster (the scope is inside every search)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    database, elasticsearch = backends
    table = CaseIndexEntry._meta.db_table
    for query, filters in (("Shevchenko", {}), ("Mietvertrag", {"state": "received"})):
        with CaptureQueriesContext(connection) as queries:
            results = elasticsearch.search(query, user=users["boss"], filters=filters, log=False)
            page = [h.file_number for h in results[0:20]]
            count, facets = results.count(), results.facets()
        reads = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert len(reads) == 1, reads  # the page
        db = database.search(query, user=users["boss"], filters=filters, log=False)
        assert count == db.count() and facets == db.facets()
        assert set(page) <= {h.file_number for h in db[0 : db.count()]}


def test_documents_without_the_ranking_columns_are_ranked_from_the_database(backends, users):
    """Documents written before they carried the ranking columns (until the verification
    rewrites them): their columns come from the database index, the answer is the same."""
    database, elasticsearch = backends
    entries = list(CaseIndexEntry.objects.filter(family_name__iexact="shevchenko")[:50])
    assert entries
    for entry in entries:
        doc = elasticsearch.client.get(index=elasticsearch.alias, id=str(entry.case_id))
        source = {k: v for k, v in doc["_source"].items() if k != ROW_FIELD}
        source["digest"] = "written-before"
        elasticsearch.client.index(
            index=elasticsearch.alias, id=str(entry.case_id), document=source
        )
    elasticsearch.client.indices.refresh(index=elasticsearch.alias)
    assert len(elasticsearch.verify().stale) == len(entries)
    for user in (users["boss"], users["worker_a"]):
        es = _snapshot(elasticsearch, "Schewtschenko", user, {}, "relevance")
        db = _snapshot(database, "Schewtschenko", user, {}, "relevance")
        _same(db, es, ordered=True)
