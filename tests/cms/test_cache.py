"""Public pages are answered from the cache without queries, and never stale."""

import pytest
from django.contrib.auth import get_user_model

from cms import cache
from cms.models import TopicPage

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_needs_no_query(client, topic, django_assert_num_queries):
    first = client.get("/de/aufenthaltserlaubnis/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/de/aufenthaltserlaubnis/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_uncached_topic_page_stays_within_query_budget(
    client, demo_site, django_assert_max_num_queries
):
    """An uncached topic page with menu, switcher and breadcrumbs needs at most 15 queries.

    Measured in a warm process (site, content types known) with an empty page cache.
    """
    client.get("/de/aufenthaltserlaubnis/")
    cache.invalidate()
    with django_assert_max_num_queries(15):
        response = client.get("/de/aufenthaltserlaubnis/niederlassungserlaubnis/")
    assert response.status_code == 200


def test_publishing_a_change_replaces_the_cached_page(client, topic):
    client.get("/de/aufenthaltserlaubnis/")
    page = TopicPage.objects.get(pk=topic.pk)
    page.title = "Aufenthaltserlaubnis (neu)"
    page.save_revision().publish()
    response = client.get("/de/aufenthaltserlaubnis/")
    assert "Aufenthaltserlaubnis (neu)" in response.text


def test_logged_in_users_bypass_the_cache(client, topic):
    client.get("/de/aufenthaltserlaubnis/")
    user = get_user_model().objects.create_user("leser", password="x")
    client.force_login(user)
    response = client.get("/de/aufenthaltserlaubnis/")
    assert "X-Page-Cache" not in response


def test_healthz_answers_ok(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
