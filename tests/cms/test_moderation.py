"""Editors submit, the Redaktionsleitung approves; nothing goes public before that."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.models import TopicPage

pytestmark = pytest.mark.django_db


def _draft(parent, user, slug="neu") -> TopicPage:
    page = TopicPage(title="Neue Seite", slug=slug, intro="Entwurf", live=False, owner=user)
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


def test_submitted_page_is_hidden_until_approved(client, home, editors):
    """Submitting for moderation does not publish; approval by a Moderator does."""
    editor, moderator = editors
    page = _draft(home, editor)

    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(moderator).can_publish()

    workflow = page.get_workflow()
    workflow.start(page, editor)
    page.refresh_from_db()
    assert page.workflow_in_progress
    assert not page.live
    assert client.get("/de/neu/").status_code == 404

    task_state = page.current_workflow_task_state
    assert task_state.task.specific.user_can_access_editor(page, moderator)
    task_state.task.specific.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.live
    assert not page.workflow_in_progress
    response = client.get("/de/neu/")
    assert response.status_code == 200
    assert "Neue Seite" in response.text


def test_editor_cannot_approve(home, editors):
    """The approval task accepts only members of the Moderators group."""
    editor, _moderator = editors
    page = _draft(home, editor)
    page.get_workflow().start(page, editor)
    page.refresh_from_db()
    task = page.current_workflow_task_state.task.specific
    actions = {name for name, *_ in task.get_actions(page, editor)}
    assert "approve" not in actions


def test_scheduled_page_goes_live_only_at_its_time(client, home, editors):
    """A publication scheduled for the future leaves the page offline until then."""
    _editor, moderator = editors
    page = _draft(home, moderator, slug="spaeter")
    page.go_live_at = timezone.now() + timedelta(days=1)
    revision = page.save_revision(user=moderator)
    revision.publish(user=moderator)

    page.refresh_from_db()
    assert not page.live
    assert client.get("/de/spaeter/").status_code == 404

    # the time has come
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert page.live
    assert client.get("/de/spaeter/").status_code == 200


def test_an_approved_change_replaces_the_cached_page_at_once(client, topic, editors):
    """A live page served from the cache: the editor's submitted change stays unseen, the
    moderator's approval in the admin (its own view, as clicked) replaces it for everyone."""
    from django.test import Client
    from django.urls import reverse

    editor, moderator = editors
    url = "/de/aufenthaltserlaubnis/"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    page = TopicPage.objects.get(pk=topic.pk)
    page.intro = "Neu: Termine nur noch online."
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    public = client.get(url)
    assert "Neu: Termine nur noch online." not in public.text
    assert "Alles zum Titel." in public.text

    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    admin = Client()
    admin.force_login(moderator)
    response = admin.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.workflow_in_progress
    for address in (url, url + "?aus=newsletter"):
        response = client.get(address)
        assert "Neu: Termine nur noch online." in response.text
        assert "Alles zum Titel." not in response.text
