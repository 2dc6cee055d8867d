"""Four languages: translated page trees, hreflang alternates and a language switcher."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_page_lists_its_translations_as_hreflang_alternates(client, translated_site):
    html = client.get("/en/residence-permit/").text
    assert '<html lang="en"' in html
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
    assert alternates["de"].endswith("/de/aufenthaltserlaubnis/")
    assert alternates["en"].endswith("/en/residence-permit/")
    assert alternates["uk"].endswith("/uk/residence-permit/")
    assert alternates["ru"].endswith("/ru/residence-permit/")
    assert alternates["x-default"] == alternates["de"]


def test_language_switcher_links_to_the_same_page_in_other_languages(client, translated_site):
    html = client.get("/de/aufenthaltserlaubnis/").text
    switcher = html[html.index('class="lang-switch"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert 'href="/en/residence-permit/"' in switcher
    assert 'href="/uk/residence-permit/"' in switcher
    assert 'href="/ru/residence-permit/"' in switcher
    assert 'href="/de/aufenthaltserlaubnis/" lang="de" hreflang="de" aria-current="true"' in (
        switcher
    )


def test_each_language_serves_its_own_content_and_interface(client, translated_site):
    """Page texts come from the translation, interface strings from the catalogue."""
    uk = client.get("/uk/").text
    assert '<html lang="uk"' in uk
    assert '<h1 id="page-title">Відомство у справах іноземців</h1>' in uk
    assert "Перейти до основного вмісту" in uk  # skip link
    ru = client.get("/ru/").text
    assert "Перейти к основному содержанию" in ru
    de = client.get("/de/").text
    assert "Zum Hauptinhalt springen" in de


def test_search_url_is_translated(client, home):
    assert client.get("/de/suche/").status_code == 200
    assert client.get("/en/search/").status_code == 200
