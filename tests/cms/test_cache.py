"""Public pages are answered from the cache without queries, and never stale."""

import pytest
from django.contrib.auth import get_user_model

from cms import cache
from cms.models import HomePage, TopicPage

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
    """Right after a publish a topic page with menu, switcher and breadcrumbs needs at most 8
    queries: site, locales, settings and restrictions come from the cache across publishes.

    Measured in a warm process (content types known) with an empty page cache.
    """
    client.get("/de/aufenthaltserlaubnis/")
    cache.invalidate()
    with django_assert_max_num_queries(8):
        response = client.get("/de/aufenthaltserlaubnis/niederlassungserlaubnis/")
    assert response.status_code == 200
    assert "Ausländerbehörde" in response.text  # the office settings


def test_a_new_address_of_a_page_needs_only_the_pages_queries(
    client, demo_site, django_assert_max_num_queries
):
    """A query string the page cache has not seen: menus and language links are cached."""
    client.get("/de/aufenthaltserlaubnis/niederlassungserlaubnis/")
    with django_assert_max_num_queries(3):
        response = client.get("/de/aufenthaltserlaubnis/niederlassungserlaubnis/?utm=x")
    assert response["X-Page-Cache"] == "miss"


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


# --- what a page shows of other pages stays right after editors act --------------------------


def _menu(html: str) -> str:
    start = html.index('class="main-nav"')
    return html[start : html.index("</nav>", start)]


def _topic(parent, title, slug, *, in_menu=True, publish=True):
    page = TopicPage(title=title, slug=slug, intro="Kurz.", show_in_menus=in_menu)
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def test_a_published_page_appears_in_the_menu_of_cached_pages(client, topic):
    assert "Einbürgerung" not in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    _topic(topic.get_parent(), "Einbürgerung", "einbuergerung")
    assert "Einbürgerung" in _menu(client.get("/de/aufenthaltserlaubnis/").text)


def test_a_renamed_page_is_renamed_in_the_menu(client, topic):
    other = _topic(topic.get_parent(), "Einbürgerung", "einbuergerung")
    assert "Einbürgerung" in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    other = TopicPage.objects.get(pk=other.pk)
    other.title = "Staatsangehörigkeit"
    other.save_revision().publish()
    menu = _menu(client.get("/de/aufenthaltserlaubnis/").text)
    assert "Staatsangehörigkeit" in menu
    assert "Einbürgerung" not in menu


def test_an_unpublished_page_leaves_the_menu_and_is_gone(client, topic):
    other = _topic(topic.get_parent(), "Einbürgerung", "einbuergerung")
    assert client.get("/de/einbuergerung/").status_code == 200
    assert "Einbürgerung" in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    TopicPage.objects.get(pk=other.pk).unpublish()
    assert "Einbürgerung" not in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    assert client.get("/de/einbuergerung/").status_code == 404


def test_a_moved_page_answers_at_its_new_address_with_new_breadcrumbs(client, topic):
    other = _topic(topic.get_parent(), "Einbürgerung", "einbuergerung")
    assert client.get("/de/einbuergerung/").status_code == 200
    TopicPage.objects.get(pk=other.pk).move(topic, pos="last-child")
    old = client.get("/de/einbuergerung/")
    assert old.status_code == 301
    assert old["Location"] == "/de/aufenthaltserlaubnis/einbuergerung/"
    moved = client.get("/de/aufenthaltserlaubnis/einbuergerung/")
    assert moved.status_code == 200
    crumbs = moved.text[moved.text.index('class="breadcrumbs"') :]
    assert "Aufenthaltserlaubnis" in crumbs[: crumbs.index("</nav>")]


def test_a_new_translation_appears_in_the_language_switcher(client, topic):
    from wagtail.models import Locale

    assert 'hreflang="en"' not in client.get("/de/aufenthaltserlaubnis/").text
    english = Locale.objects.get_or_create(language_code="en")[0]
    home = topic.get_parent().specific.copy_for_translation(english)
    home.save_revision().publish()
    page = topic.copy_for_translation(english)
    page.slug = "residence-permit"
    page.save_revision().publish()
    html = client.get("/de/aufenthaltserlaubnis/").text
    assert 'hreflang="en" href="http://testserver/en/residence-permit/"' in html


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, topic):
    """A view restriction takes effect at once, though nothing was published."""
    from wagtail.models import PageViewRestriction

    subtopic = _topic(topic, "Niederlassungserlaubnis", "niederlassungserlaubnis", in_menu=False)
    assert "Bitte rechtzeitig" in client.get("/de/aufenthaltserlaubnis/").text
    assert "Niederlassungserlaubnis" in client.get("/de/aufenthaltserlaubnis/").text
    restriction = PageViewRestriction.objects.create(
        page=topic, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    response = client.get("/de/aufenthaltserlaubnis/")
    assert "Bitte rechtzeitig" not in response.text
    assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"
    assert "Bitte rechtzeitig" not in client.get("/de/aufenthaltserlaubnis/").text
    assert "Kurz." not in client.get(f"/de/aufenthaltserlaubnis/{subtopic.slug}/").text
    restriction.delete()
    assert "Bitte rechtzeitig" in client.get("/de/aufenthaltserlaubnis/").text


def test_a_private_page_is_left_out_of_the_menu(client, topic):
    from wagtail.models import PageViewRestriction

    other = _topic(topic.get_parent(), "Intern", "intern")
    assert "Intern" in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    PageViewRestriction.objects.create(
        page=other, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert "Intern" not in _menu(client.get("/de/aufenthaltserlaubnis/").text)
    assert "Bitte rechtzeitig" in client.get("/de/aufenthaltserlaubnis/").text


def test_an_alias_of_a_private_page_is_private_too(client, topic):
    """Another restricted page elsewhere does not hide an alias's own source's restriction."""
    from wagtail.models import PageViewRestriction

    alias = topic.create_alias(parent=topic.get_parent(), update_slug="kopie")
    PageViewRestriction.objects.create(
        page=topic, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert alias.alias_of_id == topic.pk
    assert "Bitte rechtzeitig" not in client.get("/de/kopie/").text


def test_a_new_root_page_for_the_site_is_served_at_once(client, topic):
    from wagtail.models import Page, Site

    assert "Startseite" in client.get("/de/").text
    new_home = HomePage(title="Neue Startseite", slug="neu")
    Page.get_first_root_node().add_child(instance=new_home)
    new_home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = new_home
    site.save()
    assert "Neue Startseite" in client.get("/de/").text


def test_a_changed_home_page_is_served_changed(client, topic):
    home = topic.get_parent().specific
    assert "Willkommen" in client.get("/de/").text
    home.intro = "<p>Herzlich willkommen im Amt</p>"
    home.save_revision().publish()
    assert "Herzlich willkommen im Amt" in client.get("/de/").text
    assert "Herzlich willkommen im Amt" in client.get("/de/?neu=1").text


def test_pages_of_other_types_below_the_home_page_are_found(client, home):
    from cms.models import DownloadsPage, NewsIndexPage

    for page in (
        DownloadsPage(title="Formulare", slug="formulare"),
        NewsIndexPage(title="Aktuelles", slug="aktuelles"),
    ):
        home.add_child(instance=page)
        page.save_revision().publish()
    assert "Formulare" in client.get("/de/formulare/").text
    assert "Aktuelles" in client.get("/de/aktuelles/").text
    assert client.get("/de/gibt-es-nicht/").status_code == 404


def test_the_shared_footer_is_kept_per_language(client, translated_site):
    german = client.get("/de/aufenthaltserlaubnis/").text
    english = client.get("/en/residence-permit/").text
    assert '<h2 id="footer-contact">Kontakt</h2>' in german
    assert '<h2 id="footer-contact">Contact</h2>' in english


def test_a_published_subtopic_is_listed_on_its_topic(client, topic):
    assert "Niederlassungserlaubnis" not in client.get("/de/aufenthaltserlaubnis/").text
    _topic(topic, "Niederlassungserlaubnis", "niederlassungserlaubnis", in_menu=False)
    html = client.get("/de/aufenthaltserlaubnis/").text
    assert 'href="/de/aufenthaltserlaubnis/niederlassungserlaubnis/"' in html
    assert "Niederlassungserlaubnis" in html
