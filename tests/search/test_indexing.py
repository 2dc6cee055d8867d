"""The index follows the cases: after commit, on deletion, and by the rebuild command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from casework.models import CaseComment
from search.backends import elasticsearch, get_search_backend
from search.models import CaseIndexEntry

from .conftest import make_case

pytestmark = pytest.mark.django_db


def numbers(user, q):
    return [h.file_number for h in get_search_backend().search(q, user=user)[:20]]


def test_new_case_is_found_after_commit(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = make_case(office["type_a"], family_name="Kowalczyk", given_names="Anna")
    assert not CaseIndexEntry.objects.filter(case=case).exists()  # not before commit
    for callback in callbacks:
        callback()
    assert numbers(office["worker_a"], "Kowaltschik Anna") == [case.file_number]


def test_person_change_and_comment_reach_the_index(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(office["type_a"], family_name="Kovalenko", given_names="Iryna")
    with django_capture_on_commit_callbacks(execute=True):
        person = case.person
        person.family_name = "Bondarenko"
        person.save()
        # low-level: saves outside a service (admin, shell) are announced too
        CaseComment.objects.create(case=case, author=office["worker_a"], text="Mietvertrag da")
    assert numbers(office["worker_a"], "Bondarenko") == [case.file_number]
    assert numbers(office["worker_a"], "Mietvertrag") == [case.file_number]


def test_deleted_case_disappears(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(office["type_a"], family_name="Tkachuk", given_names="Petro")
    assert numbers(office["worker_a"], "Tkachuk") == [case.file_number]
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert numbers(office["worker_a"], "Tkachuk") == []
    assert not CaseIndexEntry.objects.filter(case_id=case.pk).exists()


def test_rebuild_command_indexes_everything(office):
    case = make_case(office["type_a"], family_name="Moroz", given_names="Olha")
    CaseIndexEntry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_case_index", stdout=out)
    assert "100%" in out.getvalue()
    assert numbers(office["worker_a"], "Moros Olga") == [case.file_number]


def test_a_case_saved_several_times_in_one_transaction_is_indexed_once(
    office, django_capture_on_commit_callbacks, monkeypatch
):
    from search import signals

    calls = []
    monkeypatch.setattr(signals, "_index", lambda ids, delete: calls.append((list(ids), delete)))
    case = make_case(office["type_a"], family_name="Lysenko", given_names="Taras")
    with django_capture_on_commit_callbacks(execute=True):
        case.notes = "Mietvertrag fehlt"
        case.save()
        # low-level: saves outside a service are announced too, once per transaction
        CaseComment.objects.create(case=case, author=office["worker_a"], text="Rückruf")
    assert calls == [([case.pk], False)]


def test_the_index_carries_the_validity_of_the_granted_title(
    office, django_capture_on_commit_callbacks
):
    """Both backends' documents: the database index row and the Elasticsearch document."""
    until = dt.date(2029, 3, 31)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(office["type_a"], family_name="Savchenko", given_names="Maria")
    assert CaseIndexEntry.objects.get(case=case).granted_until is None
    with django_capture_on_commit_callbacks(execute=True):
        case.granted_until = until
        case.save()
    entry = CaseIndexEntry.objects.get(case=case)
    assert entry.granted_until == until
    assert elasticsearch.document(entry)["granted_until"] == "2029-03-31"
    assert "granted_until" in elasticsearch.ADDED_FIELDS  # put on indices made before


def test_with_a_background_worker_the_request_only_hands_the_changed_ids_over(
    office, monkeypatch, settings, django_assert_num_queries
):
    """The outbox row is written by the writer's thread (here: its flush, as at exit), not
    by the request that changed the case; the worker is then asked to drain."""
    from search import sync
    from search.models import IndexOutbox

    writer = sync.OutboxWriter()
    monkeypatch.setattr(sync, "writer", writer)
    monkeypatch.setattr(sync, "_defers", lambda: True)
    settings.SEARCH_OUTBOX_THREAD = True
    monkeypatch.setattr(writer, "_ensure_thread", lambda: None)  # flushed below instead
    kicked = []
    monkeypatch.setattr(sync, "kick", lambda names, delay=0: kicked.append((names, delay)))
    monkeypatch.setattr(sync, "_next_kick", {})
    case = make_case(office["type_a"], family_name="Hrytsenko", given_names="Taras")
    IndexOutbox.objects.all().delete()
    with django_assert_num_queries(0):
        sync.enqueue([case.pk])
    assert writer.held == [case.pk]
    assert not IndexOutbox.objects.exists()
    assert writer.flush()
    assert writer.held == []
    assert set(IndexOutbox.objects.values_list("backend", "case_id")) == {
        (name, case.pk) for name in sync.outbox_names()
    }
    assert kicked == [(sync.outbox_names(), sync.KICK_DELAY)]
