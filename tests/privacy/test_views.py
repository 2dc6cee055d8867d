"""The back-office pages: only office management may configure, review, release or report;
a caseworker or supervisor of one department triggers nothing for any department."""

import pytest
from django.urls import reverse

from casework.models import Person
from privacy import services
from privacy.constants import ProposalStatus
from privacy.models import AccessReport, DeletionItem, DeletionProposal, RetentionRule

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(world):
    services.propose_due_deletions(today=TODAY)
    return DeletionProposal.objects.get()


def routes(proposal, world):
    item = DeletionItem.objects.get()
    person = world.gone.person.pk
    gets = [
        reverse("privacy:index"),
        reverse("privacy:proposal", args=[proposal.pk]),
        reverse("privacy:log"),
        reverse("privacy:report_search") + "?q=Zyxwvutsky",
        reverse("privacy:report_person", args=[person]),
    ]
    posts = [
        (reverse("privacy:check"), {}),
        (reverse("privacy:submit", args=[proposal.pk]), {}),
        (reverse("privacy:send_back", args=[proposal.pk]), {}),
        (reverse("privacy:release", args=[proposal.pk]), {"confirm": "on"}),
        (reverse("privacy:run", args=[proposal.pk]), {}),
        (reverse("privacy:keep", args=[item.pk]), {"keep_reason": "x", "keep_until": "2099-01-01"}),
        (reverse("privacy:restore", args=[item.pk]), {}),
        (reverse("privacy:archive", args=[item.pk]), {"archive": "declined", "archive_note": "x"}),
        (reverse("privacy:report_person", args=[person]), {"format": "pdf", "language": "de"}),
    ]
    return gets, posts


def test_caseworkers_and_supervisors_can_do_nothing_here(client, world, proposal):
    """Department A's staff (and B's) get 403 everywhere, and nothing changes."""
    gets, posts = routes(proposal, world)
    for user in (world.worker_a, world.supervisor_a, world.worker_b):
        client.force_login(user)
        for url in gets:
            response = client.get(url)
            assert response.status_code == 403, url
            assert b"Zyxwvutsky" not in response.content
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
    assert DeletionProposal.objects.get().status == ProposalStatus.REVIEW
    assert DeletionItem.objects.get().status == "proposed"
    assert not AccessReport.objects.exists()
    assert Person.objects.filter(pk=world.gone.person.pk).exists()


def test_only_office_management_configures_retention_rules(client, world):
    """Even a supervisor given the model permissions by mistake cannot edit the rules."""
    from django.contrib.auth.models import Permission

    add = reverse("wagtailsnippets_privacy_retentionrule:add")
    edit = reverse("wagtailsnippets_privacy_retentionrule:edit", args=[world.rule.pk])
    world.supervisor_a.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="privacy")
    )
    client.force_login(world.supervisor_a)
    for url in (add, edit):
        response = client.get(url)
        assert response.status_code in (302, 403)
    client.post(edit, {"name": "hacked", "years": 1})
    world.rule.refresh_from_db()
    assert world.rule.name != "hacked"

    client.force_login(world.amt2)
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "name": "Zurückgenommen: 2 Jahre",
            "outcome": "withdrawn",
            "trigger": "case_closed",
            "years": 2,
            "from_end_of_year": "on",
            "legal_basis": "Aufbewahrungsplan Nr. 3",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    created = RetentionRule.objects.get(name="Zurückgenommen: 2 Jahre")
    assert created.configured_by == world.amt2


def test_the_release_page_tells_the_proposer_to_find_a_second_person(
    client, world, proposal, django_capture_on_commit_callbacks
):
    client.force_login(world.amt2)
    response = client.post(reverse("privacy:submit", args=[proposal.pk]), follow=True)
    assert "zweite Person der Amtsleitung" in response.content.decode()
    page = client.get(reverse("privacy:proposal", args=[proposal.pk])).content.decode()
    assert 'data-testid="release-blocked"' in page and 'data-testid="release"' not in page
    client.post(reverse("privacy:release", args=[proposal.pk]), {"confirm": "on"})
    assert DeletionProposal.objects.get().status == ProposalStatus.SUBMITTED

    client.force_login(world.amt3)
    page = client.get(reverse("privacy:proposal", args=[proposal.pk])).content.decode()
    assert 'data-testid="release"' in page
    # Without the confirmation nothing happens.
    client.post(reverse("privacy:release", args=[proposal.pk]), {})
    assert DeletionProposal.objects.get().status == ProposalStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:release", args=[proposal.pk]), {"confirm": "on"})
    assert DeletionProposal.objects.get().status == ProposalStatus.DONE
    assert not Person.objects.filter(pk=world.gone.person.pk).exists()
    log = client.get(reverse("privacy:log")).content.decode()
    assert "Zyxwvutsky" not in log and "amt3" in log


def test_office_management_downloads_the_report(client, world):
    client.force_login(world.amt2)
    found = client.get(reverse("privacy:report_search"), {"q": "Zyxwvutsky"})
    assert reverse("privacy:report_person", args=[world.gone.person.pk]) in found.content.decode()
    response = client.post(
        reverse("privacy:report_person", args=[world.gone.person.pk]),
        {"format": "json", "language": "de"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.json()["person"]["family_name"] == "Zyxwvutsky"
    assert AccessReport.objects.filter(produced_by=world.amt2).count() == 1


def test_the_case_file_links_office_management_to_the_report(client, world):
    case = world.keep.cases[-1]
    url = reverse("casework:case", args=[case.file_number])
    target = reverse("privacy:report_person", args=[world.keep.person.pk])
    client.force_login(world.amt2)
    assert target in client.get(url).content.decode()
    client.force_login(world.worker_a)
    response = client.get(url)
    assert response.status_code == 200 and target not in response.content.decode()


def test_office_management_sees_every_page_at_every_step(
    client, world, proposal, django_capture_on_commit_callbacks
):
    gets, _posts = routes(proposal, world)
    detail = reverse("privacy:proposal", args=[proposal.pk])
    client.force_login(world.amt2)
    for url in gets:
        assert client.get(url).status_code == 200, url
    client.post(reverse("privacy:submit", args=[proposal.pk]))
    assert client.get(reverse("privacy:index")).status_code == 200
    assert client.get(detail).status_code == 200
    client.force_login(world.amt3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:release", args=[proposal.pk]), {"confirm": "on"})
    for url in (reverse("privacy:index"), detail, reverse("privacy:log")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Zyxwvutsky" not in response.content.decode()
