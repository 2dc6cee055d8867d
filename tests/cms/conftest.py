import io

import pytest
from django.core.cache import cache
from django.core.management.color import no_style
from wagtail.models import Page, Site

from cms import demo
from cms.models import HomePage, OfficeSettings, TopicPage


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Cached pages of one test must never be served to another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_site(db):
    """The complete demo: four locales, all pages and translations, groups, users."""
    demo.load(stdout=io.StringIO(), style=no_style())
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home(db):
    """A small German site: a home page as the default site's root, with office settings."""
    root = Page.get_first_root_node()
    home = HomePage(title="Startseite", slug="start-test", intro="<p>Willkommen</p>")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    OfficeSettings.objects.update_or_create(
        site=site,
        defaults={"office_name": "Ausländerbehörde Testkreis", "phone": "0211 123 456"},
    )
    return home


@pytest.fixture
def topic(home):
    page = TopicPage(
        title="Aufenthaltserlaubnis",
        slug="aufenthaltserlaubnis",
        intro="Alles zum Titel.",
        body='[{"type": "text", "value": "<p>Bitte rechtzeitig verlängern.</p>"}]',
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


TRANSLATIONS = {
    "en": ("Immigration office", "Residence permit", "residence-permit", "drugstore"),
    "uk": ("Відомство у справах іноземців", "Дозвіл на проживання", "residence-permit", "фото"),
    "ru": (
        "Ведомство по делам иностранцев",
        "Разрешение на пребывание",
        "residence-permit",
        "фото",
    ),
}


@pytest.fixture
def translated_site(topic):
    """The small site in four languages: home and one topic, each translated and live."""
    from wagtail.models import Locale

    pages = {"de": (topic.get_parent().specific, topic)}
    for code, (home_title, title, slug, word) in TRANSLATIONS.items():
        locale = Locale.objects.get_or_create(language_code=code)[0]
        home = pages["de"][0].copy_for_translation(locale).specific
        home.title = home_title
        home.save_revision().publish()
        page = topic.copy_for_translation(locale).specific
        page.title, page.slug = title, slug
        page.body = f'[{{"type": "text", "value": "<p>{word}</p>"}}]'
        page.save_revision().publish()
        pages[code] = (home, page)
    return pages


@pytest.fixture
def editors(home):
    """The demo's groups, approval workflow and users (editor, redaktionsleitung)."""
    demo._groups_and_workflow()
    demo._users()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.get(username="editor"), users.get(username="redaktionsleitung")
