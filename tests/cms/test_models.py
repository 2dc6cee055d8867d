"""Page types may only be created where the site structure allows them."""

import pytest
from wagtail.models import Page

from cms.models import DownloadsPage, HomePage, NewsIndexPage, NewsPage, TopicPage

pytestmark = pytest.mark.django_db


def test_home_page_only_at_tree_root(home):
    """A home page belongs directly under the tree root, never inside a site."""
    root = Page.get_first_root_node()
    assert HomePage.can_exist_under(root)
    assert not HomePage.can_exist_under(home)


def test_topic_pages_under_home_and_topics_only(home, topic):
    """Topics sit under the home page or under another topic (sub-topics)."""
    root = Page.get_first_root_node()
    assert TopicPage.can_exist_under(home)
    assert TopicPage.can_exist_under(topic)
    assert not TopicPage.can_exist_under(root)


def test_news_only_inside_the_news_index(home):
    """News items live in the one news index; the index lives under the home page."""
    index = NewsIndexPage(title="Aktuelles", slug="aktuelles")
    home.add_child(instance=index)
    assert NewsIndexPage.can_exist_under(home)
    assert NewsPage.can_exist_under(index)
    assert not NewsPage.can_exist_under(home)
    # one news index per home page
    assert not NewsIndexPage.can_create_at(home)


def test_downloads_page_only_under_home(home, topic):
    """The forms page hangs directly under the home page and has no children."""
    assert DownloadsPage.can_exist_under(home)
    assert not DownloadsPage.can_exist_under(topic)
    assert DownloadsPage.allowed_subpage_models() == []


def test_news_page_has_no_children(home):
    assert NewsPage.allowed_subpage_models() == []
