"""Every public page has a title of its own (WCAG 2.4.2), in every language."""

import re
from collections import Counter

import pytest
from wagtail.models import Page

pytestmark = pytest.mark.django_db

SERVICES = ["antrag/", "status/", "termin/", "termin/warteliste/"]


@pytest.mark.parametrize("language", ["de", "en", "uk", "ru"])
def test_page_titles_are_unique_per_language(client, demo_site, language):
    urls = [
        page.url for page in Page.objects.live().filter(locale__language_code=language, depth__gt=1)
    ]
    urls += [f"/{language}/{path}" for path in SERVICES]
    titles = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        titles[url] = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    duplicates = {t: n for t, n in Counter(titles.values()).items() if n > 1}
    assert not duplicates, {u: t for u, t in titles.items() if t in duplicates}
