"""Site search finds public pages of the current language by words of their body."""

import pytest

from cms import selectors
from cms.models import TopicPage

pytestmark = pytest.mark.django_db


def test_search_finds_topic_page_by_a_word_of_its_body(client, topic):
    """'verlängern' appears only in the body of the topic page, not in title or intro."""
    response = client.get("/de/suche/", {"q": "verlängern"})
    assert response.status_code == 200
    assert 'href="/de/aufenthaltserlaubnis/"' in response.text


def test_search_stays_in_the_current_language(client, translated_site):
    response = client.get("/en/search/", {"q": "drugstore"})
    assert 'href="/en/residence-permit/"' in response.text
    response = client.get("/de/suche/", {"q": "drugstore"})
    assert "/en/residence-permit/" not in response.text


def test_search_without_hits_says_so(client, home):
    response = client.get("/en/search/", {"q": "xylophonquartett"})
    assert response.status_code == 200
    assert "No results" in response.text


def test_draft_pages_are_not_found(home):
    """Unpublished pages never appear in search results."""
    page = TopicPage(title="Unveröffentlicht", slug="entwurf", intro="Geheimwort", live=False)
    home.add_child(instance=page)
    assert list(selectors.search_pages(query="Geheimwort")) == []
