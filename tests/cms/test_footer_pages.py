"""The footer's legal and accessibility pages: legal notice, privacy statement, accessibility
statement (BITV 2.0), Leichte Sprache and German Sign Language, linked from every footer."""

import re

import pytest
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.rich_text import features as feature_registry

from cms.blocks import RICH_TEXT_FEATURES
from cms.models import (
    AccessibilityStatementPage,
    LegalPage,
    OfficeSettings,
    SignLanguagePage,
)

pytestmark = pytest.mark.django_db

FOOTER_SLUGS = {
    "de": ["impressum", "datenschutz", "barrierefreiheit", "leichte-sprache", "gebaerdensprache"],
    "en": ["legal-notice", "privacy", "accessibility", "leichte-sprache", "sign-language"],
}


def _footer_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="footer-legal".*?</nav>', html, re.S)
    assert nav, "the footer has no legal links"
    return re.findall(r'<a href="([^"]+)"([^>]*)>', nav.group(0))


@pytest.mark.parametrize(
    "url",
    [
        "/de/",
        "/de/aufenthaltserlaubnis/",
        "/de/aktuelles/",
        "/de/formulare/",
        "/de/barrierefreiheit/",
        "/de/antrag/",
        "/de/status/",
        "/de/termin/",
        "/de/suche/?q=karte",
        "/en/",
        "/en/termin/",
    ],
)
def test_every_footer_links_the_legal_and_accessibility_pages(client, demo_site, url):
    """Wagtail pages and the online services alike: five links, in the page's language."""
    response = client.get(url)
    assert response.status_code == 200
    language = url.split("/")[1]
    hrefs = [href for href, _attrs in _footer_links(response.content.decode())]
    slugs = [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]
    assert slugs == FOOTER_SLUGS[language]


def test_german_only_page_is_marked_german_in_other_languages(client, demo_site):
    """Leichte Sprache has no English version: the English footer links the German page and
    says it is German, so a screen reader reads the link text with a German voice."""
    links = dict(_footer_links(client.get("/en/").content.decode()))
    assert 'lang="de"' in links["/de/leichte-sprache/"]
    assert 'hreflang="de"' in links["/de/leichte-sprache/"]
    assert "lang=" not in links["/en/accessibility/"]
    german = dict(_footer_links(client.get("/de/").content.decode()))
    assert "lang=" not in german["/de/leichte-sprache/"]


def test_footer_follows_the_office_settings(client, demo_site):
    """An unset footer page disappears from every footer at once (the page cache is bumped)."""
    client.get("/de/")  # fills the page cache
    office = OfficeSettings.objects.get(site=demo_site)
    office.privacy_page = None
    office.save()
    hrefs = [href for href, _attrs in _footer_links(client.get("/de/").content.decode())]
    assert "/de/datenschutz/" not in hrefs
    assert "/de/impressum/" in hrefs


def test_accessibility_statement_has_what_bitv_requires(client, demo_site):
    """Compliance, non-accessible content, preparation, feedback contact, enforcement."""
    for language, slug in (("de", "barrierefreiheit"), ("en", "accessibility")):
        page = AccessibilityStatementPage.objects.get(locale__language_code=language)
        html = client.get(page.url).content.decode()
        assert 'data-testid="conformance"' in html
        assert "BITV 2.0" in html
        assert 'href="mailto:auslaenderbehoerde@example.org"' in html  # from the office settings
        assert 'href="tel:02104990000"' in html
        assert "Schlichtungsstelle" in html
        assert "Mauerstraße 53, 10117 Berlin" in html
        assert page.prepared_on.isoformat() in html
        assert f"/{language}/{slug}/" == page.url


def test_accessibility_statement_prefers_its_own_feedback_contact(client, demo_site):
    page = AccessibilityStatementPage.objects.get(locale__language_code="de")
    page.feedback_email = "barrierefrei@example.org"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'href="mailto:barrierefrei@example.org"' in html


def test_sign_language_page_plays_its_video_from_this_site(client, demo_site):
    """No external player: a <video> whose source and captions are documents of this site,
    with the content as text beside it."""
    page = SignLanguagePage.objects.get(locale__language_code="uk")
    html = client.get(page.url).content.decode()
    source = re.search(r'<source src="([^"]+)" type="video/webm">', html)
    track = re.search(r'<track kind="captions" src="([^"]+)" srclang="de"', html)
    assert source and track
    assert source.group(1).startswith("/documents/")
    assert "<iframe" not in html
    assert "Відомство у справах іноземців і цей сайт" in html  # the transcript's heading
    video = client.get(source.group(1))
    assert video.status_code == 200
    assert video["Content-Type"] == "video/webm"
    assert b"".join(video.streaming_content)[:4] == b"\x1a\x45\xdf\xa3"  # EBML (WebM)


def test_leichte_sprache_exists_in_german_only(demo_site):
    page = LegalPage.objects.get(slug="leichte-sprache")
    assert page.locale.language_code == "de"
    assert not page.get_translations().exists()


def test_footer_page_types_live_below_the_home_page_only():
    for model in (LegalPage, AccessibilityStatementPage, SignLanguagePage):
        assert model.parent_page_types == ["cms.HomePage"]
        assert model.subpage_types == []


@pytest.mark.parametrize("code", ["de", "en", "uk", "ru"])
def test_rich_text_marks_a_passage_language(code):
    """The lang-xx features store a passage as <span lang="xx"> and read it back unchanged."""
    assert f"lang-{code}" in RICH_TEXT_FEATURES
    assert feature_registry.get_editor_plugin("draftail", f"lang-{code}") is not None
    converter = ContentstateConverter(features=RICH_TEXT_FEATURES)
    html = f'<p>Apply at the <span lang="{code}">Bürgerbüro</span> of your town.</p>'
    state = converter.from_database_format(html)
    assert f"LANG_{code.upper()}" in state
    stored = re.sub(r' data-block-key="[^"]*"', "", converter.to_database_format(state))
    assert stored == html


def test_an_editor_can_save_a_marked_passage(admin_client, demo_site):
    """The admin's edit form accepts the marked passage and the page shows it."""
    page = LegalPage.objects.get(slug="impressum")
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert admin_client.get(edit_url).status_code == 200
    page.body = [("text", '<p>Die <span lang="en">Privacy Policy</span> gilt.</p>')]
    page.save_revision().publish()
    html = admin_client.get(page.url).content.decode()
    assert '<span lang="en">Privacy Policy</span>' in html
