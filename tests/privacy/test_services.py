"""The daily proposal, the review, the archive step and the release by a second person."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from casework.models import Person
from privacy import services
from privacy.constants import ArchiveDecision, ItemStatus, ProposalStatus
from privacy.models import DeletionItem, DeletionProposal

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def proposal_for(world):
    services.propose_due_deletions(today=TODAY)
    return DeletionProposal.objects.get()


def test_the_daily_job_proposes_once_and_keeps_proposing_nobody_twice(world):
    first = services.propose_due_deletions(today=TODAY)
    assert first["proposed"] == 1
    assert services.propose_due_deletions(today=TODAY)["proposed"] == 0
    item = DeletionItem.objects.get()
    assert item.person == world.gone.person
    assert item.due_on == dt.date(2019, 1, 1)
    assert "Aufbewahrungsplan" in item.rule_summary
    assert list(item.rules.all()) == [world.rule]


def test_the_daily_jobs_command_proposes_deletions(world):
    out = io.StringIO()
    call_command("run_daily_jobs", "--now", f"--today={TODAY}", stdout=out)
    assert "deletion_proposed: 1" in out.getvalue()
    assert DeletionItem.objects.filter(person=world.gone.person).exists()


def test_no_rules_no_proposals(world):
    world.rule.active = False
    world.rule.save()
    assert services.propose_due_deletions(today=TODAY)["proposed"] == 0


def test_an_item_no_longer_due_leaves_the_list_under_review(world):
    from tests.casework.factories import WorkflowCaseFactory

    proposal_for(world)
    WorkflowCaseFactory(person=world.gone.person, case_type=world.type_a)
    result = services.propose_due_deletions(today=TODAY)
    assert result["dropped"] == 1
    assert not DeletionItem.objects.exists()


def test_the_proposer_cannot_release(world):
    proposal = services.submit_proposal(proposal=proposal_for(world), user=world.amt2)
    with pytest.raises(ValidationError, match="Sie haben diese Liste vorgeschlagen"):
        services.release_proposal(proposal=proposal, user=world.amt2)
    assert DeletionProposal.objects.get().status == ProposalStatus.SUBMITTED
    assert Person.objects.filter(pk=world.gone.person.pk).exists()


def test_who_configured_the_rule_cannot_release(world):
    proposal = services.submit_proposal(proposal=proposal_for(world), user=world.amt2)
    with pytest.raises(ValidationError, match="Sie haben die Regel"):
        services.release_proposal(proposal=proposal, user=world.amt1)
    assert Person.objects.filter(pk=world.gone.person.pk).exists()


def test_only_office_management_reviews_and_releases(world):
    proposal = proposal_for(world)
    item = DeletionItem.objects.get()
    for user in (world.worker_a, world.supervisor_a, world.worker_b):
        with pytest.raises(PermissionDenied):
            services.submit_proposal(proposal=proposal, user=user)
        with pytest.raises(PermissionDenied):
            services.keep_item(item=item, user=user, reason="x", keep_until=TODAY)
    proposal = services.submit_proposal(proposal=proposal, user=world.amt2)
    for user in (world.worker_a, world.supervisor_a):
        with pytest.raises(PermissionDenied):
            services.release_proposal(proposal=proposal, user=user)
        with pytest.raises(PermissionDenied):
            services.produce_access_report(person=world.gone.person, user=user, fmt="pdf")
    assert DeletionProposal.objects.get().status == ProposalStatus.SUBMITTED


def test_a_kept_file_is_not_proposed_again_before_its_date(world):
    proposal = proposal_for(world)
    item = DeletionItem.objects.get()
    with pytest.raises(ValidationError):
        services.keep_item(item=item, user=world.amt2, reason="", keep_until=TODAY)
    services.keep_item(
        item=item, user=world.amt2, reason="Klage anhängig", keep_until=dt.date(2099, 1, 1)
    )
    with pytest.raises(ValidationError, match="niemand mehr"):
        services.submit_proposal(proposal=proposal, user=world.amt2)
    assert services.propose_due_deletions(today=TODAY)["proposed"] == 0
    services.restore_item(item=item, user=world.amt3)
    assert DeletionItem.objects.get().status == ItemStatus.PROPOSED


def test_files_for_the_archive_wait_for_its_answer(world, django_capture_on_commit_callbacks):
    world.rule.offer_to_archive = True
    world.rule.save()
    proposal = proposal_for(world)
    item = DeletionItem.objects.get()
    assert item.archive == ArchiveDecision.PENDING
    with pytest.raises(ValidationError, match="Antwort des Archivs"):
        services.submit_proposal(proposal=proposal, user=world.amt2)
    with pytest.raises(ValidationError):
        services.record_archive_decision(item=item, user=world.amt2, decision="declined", note="")
    services.record_archive_decision(
        item=item, user=world.amt2, decision="declined", note="Schreiben vom 1.12., Az. 42"
    )
    services.submit_proposal(proposal=proposal, user=world.amt2)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_proposal(proposal=proposal, user=world.amt3)
    item.refresh_from_db()
    assert item.status == ItemStatus.DELETED
    assert item.archive == ArchiveDecision.DECLINED


def test_send_back_returns_the_list_to_review(world):
    proposal = services.submit_proposal(proposal=proposal_for(world), user=world.amt2)
    services.send_back(proposal=proposal, user=world.amt3)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVIEW and proposal.submitted_by is None
    with pytest.raises(ValidationError):
        services.release_proposal(proposal=proposal, user=world.amt3)
