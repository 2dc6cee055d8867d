"""The released person is gone from every table, the disk and the search index; nobody else
lost anything; the run is idempotent and survives a crash half-way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from casework.models import Person
from operations.models import ContinuationItem
from privacy import services
from privacy.constants import ItemStatus, ProposalStatus
from privacy.models import DeletionItem, DeletionProposal
from search import names
from search.backends import get_search_backends
from search.models import NameTerm, SearchLog
from search.selectors import search_cases
from search.services import REDACTED_QUERY
from tests.casework.factories import PersonFactory, WorkflowCaseFactory

from .conftest import TODAY, build_world
from .walk import (
    changed_rows,
    owned_by,
    references_to,
    removed_rows,
    snapshot,
    text_mentions,
)

#: Tables whose rows may change for others when someone is deleted, and why.
MAY_CHANGE = {
    # The proposal and its items: the deletion's own bookkeeping.
    "privacy.DeletionProposal",
    "privacy.DeletionItem",
    # The ordinance's count of continued titles drops by the deleted person's title; the
    # other letters of a print batch that held their certificate are printed again.
    "operations.ContinuationOrdinance",
    "operations.ContinuationItem",
    # Staff searches that named the deleted person: the query text is blanked.
    "search.SearchLog",
}


def propose_and_release(world, django_capture_on_commit_callbacks):
    result = services.propose_due_deletions(today=TODAY)
    assert result["proposed"] == 1
    proposal = DeletionProposal.objects.get()
    assert list(proposal.items.values_list("person_id", flat=True)) == [world.gone.person.pk]
    services.submit_proposal(proposal=proposal, user=world.amt2)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_proposal(proposal=proposal, user=world.amt3)
    proposal.refresh_from_db()
    return proposal


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.mark.django_db
def test_released_person_is_gone_everywhere_and_nobody_else_lost_anything(
    world, django_capture_on_commit_callbacks, settings
):
    gone, keep = world.gone, world.keep
    person_ids = {gone.person.pk}
    case_ids = {c.pk for c in gone.cases}
    name_keys = set(
        names.index_keys(
            gone.person.family_name, gone.person.given_names, gone.person.family_name_native
        )
    )
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    old_batches = {b.pk: root / b.file.name for b in world.ordinance.batches.all()}
    assert "Zyxwvutsky" in " ".join(pdf_text(path) for path in old_batches.values())
    # A family member's case filed together with theirs stays; only the link goes.
    family = WorkflowCaseFactory(
        person=PersonFactory(family_name="Familyson"),
        case_type=world.type_24,
        filed_with=gone.cases[1],
        family_relation="child",
    )
    keep_files = {path: path.read_bytes() for path in keep.files}
    assert all(path.exists() for path in gone.files)
    assert text_mentions(gone.markers), "the world must mention the person before"
    before = snapshot()

    proposal = propose_and_release(world, django_capture_on_commit_callbacks)

    assert proposal.status == ProposalStatus.DONE
    after = snapshot()
    # 1. No row anywhere points at the person or their cases, or mentions them.
    assert references_to(person_ids, case_ids) == []
    assert text_mentions(gone.markers) == []
    assert not NameTerm.objects.filter(key__in=name_keys - _keys_of(keep.person)).exists()
    # 2. Every row that disappeared hung off the person or their cases (or was one of their
    #    name keys); nothing of anyone else went.
    removed = removed_rows(before, after)
    owned = owned_by(removed, person_ids, case_ids)
    stray = [
        (label, pk)
        for label, rows in removed.items()
        for pk, row in rows.items()
        if (label, pk) not in owned
        and not (label == "search.NameTerm" and row["key"] in name_keys)
        and not (label == "operations.ContinuationBatch" and pk in old_batches)
    ]
    assert stray == []
    assert {
        "casework.Person",
        "casework.Case",
        "casework.CaseHistory",
        "casework.CaseDocument",
        "casework.CaseAccessLog",
        "casework.CaseComment",
        "casework.CardOrder",
        "casework.HandOver",
        "casework.CaseUserObjectPermission",
        "appointments.Booking",
        "appointments.WaitingListEntry",
        "applications.Submission",
        "operations.Reminder",
        "operations.ContinuationItem",
        "search.CaseIndexEntry",
    } <= set(removed)
    # 3. Rows of others are unchanged, but for the bookkeeping listed in MAY_CHANGE.
    changed = changed_rows(before, after)
    assert changed.pop("casework.Case") == [family.pk]
    family_row = dict(before["casework.Case"][family.pk], filed_with_id=None)
    assert after["casework.Case"][family.pk] == family_row
    assert set(changed) <= MAY_CHANGE, changed
    blanked = set(changed.get("search.SearchLog", []))
    assert blanked == set(
        SearchLog.objects.filter(query=REDACTED_QUERY).values_list("pk", flat=True)
    )
    assert len(blanked) == 4
    assert SearchLog.objects.filter(query__icontains="Keepwellson").count() == 2
    # 4. The disk: their uploads and letters are gone, everyone else's are byte for byte there.
    assert [path for path in gone.files if path.exists()] == []
    assert not any(
        (Path(settings.PRIVATE_MEDIA_ROOT) / "cases" / c.file_number).exists() for c in gone.cases
    )
    assert {path: path.read_bytes() for path in keep.files} == keep_files
    # The print batch that held their certificate is gone (row and file); the other
    # holder's certificate is in a new print file.
    assert ContinuationItem.objects.filter(ordinance=world.ordinance).count() == 1
    assert not any(path.exists() for path in old_batches.values())
    new_batches = list(world.ordinance.batches.all())
    assert new_batches and not {b.pk for b in new_batches} & set(old_batches)
    text = " ".join(pdf_text(root / b.file.name) for b in new_batches)
    assert "Keepwellson" in text and "Zyxwvutsky" not in text
    # 5. The search index, through search's public interface, on every configured backend.
    for backend in get_search_backends():
        for query in ("Zyxwvutsky", "Зиксвутськa", gone.cases[0].file_number, "ZX9876543"):
            assert search_cases(user=world.amt2, query=query, backend=backend).count() == 0
        assert search_cases(user=world.amt2, query="Keepwellson", backend=backend).count() == 3
    # 6. The log: what kind of record, how many, when, by whose release; no personal data.
    item = DeletionItem.objects.get()
    assert item.status == ItemStatus.DELETED and item.person_id is None and item.pending == {}
    assert item.counts["casework.Person"] == 1 and item.counts["casework.Case"] == 2
    assert item.counts["files"] == 4  # two uploads, a reminder letter, a print batch
    assert proposal.released_by == world.amt3 and proposal.submitted_by == world.amt2


def _keys_of(person) -> set[str]:
    return set(names.index_keys(person.family_name, person.given_names, person.family_name_native))


@pytest.mark.django_db
def test_running_the_deletion_again_changes_nothing(world, django_capture_on_commit_callbacks):
    proposal = propose_and_release(world, django_capture_on_commit_callbacks)
    first = snapshot()
    assert services.execute_proposal(proposal.pk) == {"deleted": 0, "skipped": 0}
    DeletionProposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.RELEASED)
    assert services.execute_proposal(proposal.pk) == {"deleted": 0, "skipped": 0}
    assert services.propose_due_deletions(today=TODAY)["proposed"] == 0
    again = snapshot()
    again["privacy.DeletionProposal"] = first["privacy.DeletionProposal"]
    assert again == first


@pytest.mark.django_db
def test_a_person_who_is_no_longer_due_is_skipped_at_release(
    world, django_capture_on_commit_callbacks
):

    services.propose_due_deletions(today=TODAY)
    proposal = DeletionProposal.objects.get()
    services.submit_proposal(proposal=proposal, user=world.amt2)
    # Meanwhile the person applies again.
    WorkflowCaseFactory(person=world.gone.person, case_type=world.type_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_proposal(proposal=proposal, user=world.amt3)
    item = DeletionItem.objects.get()
    assert item.status == ItemStatus.SKIPPED
    assert Person.objects.filter(pk=world.gone.person.pk).exists()
    assert all(path.exists() for path in world.gone.files)


def _second_due_person(world):
    from .conftest import trail

    return trail(
        world_parts=world.extra["parts"],
        family="Quorrington",
        native="Кворрінгтон",
        given="Petro",
        passport="QR5550001",
        email="quorr@example.org",
        closed_year=2016,
    )


@pytest.mark.django_db(transaction=True)
def test_a_crash_inside_the_transaction_leaves_the_person_whole_and_a_rerun_finishes(
    monkeypatch,
):
    world = build_world()
    second = _second_due_person(world)
    for backend in get_search_backends().values():
        backend.index_cases([c.pk for c in second.cases])
    assert services.propose_due_deletions(today=TODAY)["proposed"] == 2
    proposal = DeletionProposal.objects.get()
    services.submit_proposal(proposal=proposal, user=world.amt2)
    second_rows_before = {
        label: rows
        for label, rows in snapshot().items()
        if label.startswith(("casework.", "appointments.", "applications.", "operations.Reminder"))
    }
    real_forget = services.search_services.forget_person

    def crash_on_second(**kwargs):
        # The second person's rows are deleted by now, inside the open transaction.
        if kwargs["family_name"] == "Quorrington":
            assert not Person.objects.filter(pk=second.person.pk).exists()
            raise RuntimeError("power cut")
        return real_forget(**kwargs)

    monkeypatch.setattr(services.search_services, "forget_person", crash_on_second)
    # The background task fails (the immediate backend records the failure, as the worker does).
    services.release_proposal(proposal=proposal, user=world.amt3)

    # The first person is gone for good, the second is whole: every row and every file.
    assert not Person.objects.filter(pk=world.gone.person.pk).exists()
    assert [p for p in world.gone.files if p.exists()] == []
    after = snapshot()
    removed = removed_rows(second_rows_before, after)
    owned = owned_by(removed, {world.gone.person.pk}, {c.pk for c in world.gone.cases})
    assert {key for label, rows in removed.items() for key in ((label, pk) for pk in rows)} <= owned
    assert all(path.exists() for path in second.files)
    assert search_cases(user=world.amt2, query="Quorrington").count() == 2
    items = {i.person_id: i for i in DeletionItem.objects.all() if i.person_id}
    assert items[second.person.pk].status == ItemStatus.PROPOSED
    assert "RuntimeError" in items[second.person.pk].error
    assert DeletionProposal.objects.get().status == ProposalStatus.RELEASED

    # The next run (the daily job resumes released proposals) finishes the job.
    monkeypatch.setattr(services.search_services, "forget_person", real_forget)
    assert services.propose_due_deletions(today=TODAY)["resumed"] == 1
    assert not Person.objects.filter(pk=second.person.pk).exists()
    assert [p for p in second.files if p.exists()] == []
    assert search_cases(user=world.amt2, query="Quorrington").count() == 0
    assert references_to({second.person.pk}, {c.pk for c in second.cases}) == []
    assert DeletionProposal.objects.get().status == ProposalStatus.DONE
    assert set(DeletionItem.objects.values_list("status", flat=True)) == {ItemStatus.DELETED}
    assert Person.objects.filter(pk=world.keep.person.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_crash_while_removing_files_after_the_commit_is_finished_by_the_rerun(monkeypatch):
    world = build_world()
    services.propose_due_deletions(today=TODAY)
    proposal = DeletionProposal.objects.get()
    services.submit_proposal(proposal=proposal, user=world.amt2)
    storage_class = type(services.uploads_storage())
    real_delete = storage_class.delete
    calls = {"n": 0}

    def flaky_delete(self, name):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk unavailable")
        return real_delete(self, name)

    monkeypatch.setattr(storage_class, "delete", flaky_delete)
    services.release_proposal(proposal=proposal, user=world.amt3)
    # The rows are gone (committed); one file went, the others wait for the rerun.
    assert not Person.objects.filter(pk=world.gone.person.pk).exists()
    item = DeletionItem.objects.get()
    assert item.status == ItemStatus.CLEANUP and item.pending["files"]
    assert sum(path.exists() for path in world.gone.files) == 2

    monkeypatch.setattr(storage_class, "delete", real_delete)
    services.execute_proposal(proposal.pk)
    item.refresh_from_db()
    assert item.status == ItemStatus.DELETED and item.pending == {}
    assert [p for p in world.gone.files if p.exists()] == []
    assert item.counts["files"] == 4
    assert DeletionProposal.objects.get().status == ProposalStatus.DONE
