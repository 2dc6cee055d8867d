"""The applicant services (application, status, appointment) are linked from the public site.

Home-page tiles, the topic pages about each service and the header/footer navigation lead
straight to the Django views under the language prefix of the page.
"""

import io
import json
import re

import pytest
from django.core.management.color import no_style
from wagtail.models import Locale

from cms import demo, selectors
from cms.demo_content import SERVICES
from cms.models import HomePage, TopicPage

pytestmark = pytest.mark.django_db

SERVICE_PATHS = {"application": "antrag/", "status": "status/", "appointment": "termin/"}


def _tile_links(html: str) -> list[str]:
    return re.findall(r'<a class="task[^"]*" href="([^"]+)"', html)


def _task(title: str, **value) -> dict:
    return {
        "type": "task",
        "value": {"title": title, "text": "", "service": "", "page": None, "url": "", **value},
    }


def test_service_url_is_reversed_in_the_requested_language():
    """Each service resolves under the given language prefix; unknown services give None."""
    assert selectors.service_url("application", "uk") == "/uk/antrag/"
    assert selectors.service_url("status", "de") == "/de/status/"
    assert selectors.service_url("appointment", "ru") == "/ru/termin/"
    assert selectors.service_url("nonsense", "de") is None


def test_top_task_with_a_service_links_to_the_service_in_the_page_language(client, topic):
    """A tile's service wins over its page; the link carries the home page's language."""
    home = topic.get_parent().specific
    home.top_tasks = json.dumps(
        [
            _task("Antrag", service="application", page=topic.pk),
            _task("Seite", page=topic.pk),
            _task("Extern", url="https://example.org/x"),
        ]
    )
    home.save_revision().publish()
    uk = home.copy_for_translation(Locale.objects.get_or_create(language_code="uk")[0]).specific
    uk.save_revision().publish()

    assert _tile_links(client.get("/de/").text) == [
        "/de/antrag/",
        "/de/aufenthaltserlaubnis/",
        "https://example.org/x",
    ]
    assert _tile_links(client.get("/uk/").text)[0] == "/uk/antrag/"


def test_topic_page_about_a_service_shows_a_call_to_action(client, topic):
    """A topic page with a service shows a prominent link to it; without one, none."""
    html = client.get("/de/aufenthaltserlaubnis/").text
    assert 'class="service-cta"' not in html

    topic.service = "status"
    topic.save_revision().publish()
    html = client.get("/de/aufenthaltserlaubnis/").text
    cta = html[html.index('class="service-cta"') :]
    assert 'href="/de/status/"' in cta[:300]


def test_header_and_footer_link_the_services_in_the_active_language(client, home):
    """Navigation and footer carry the three services, translated and under the prefix."""
    html = client.get("/de/").text
    nav = html[html.index('class="main-nav"') : html.index("</nav>", html.index("main-nav"))]
    assert 'href="/de/antrag/">Online-Antrag</a>' in nav
    assert 'href="/de/termin/">Termin</a>' in nav
    assert 'href="/de/status/">Wo steht mein Antrag?</a>' in nav
    footer = html[html.index('class="site-footer"') :]
    assert "/de/antrag/" in footer and "/de/status/" in footer and "/de/termin/" in footer

    english = client.get("/en/search/").text
    assert 'href="/en/status/">Where is my application?</a>' in english


def test_demo_home_page_tiles_lead_to_working_services(client, demo_site):
    """In the demo (German and Ukrainian), the home page's tiles, the topic pages' calls to
    action and the navigation lead to the application, status and appointment views, which
    answer 200."""
    for language in ("de", "uk"):
        html = client.get(f"/{language}/").text
        tiles = _tile_links(html)
        for path in SERVICE_PATHS.values():
            assert f"/{language}/{path}" in tiles, language
            assert html.count(f'href="/{language}/{path}"') >= 3  # tile, header, footer
            assert client.get(f"/{language}/{path}").status_code == 200

        topics = TopicPage.objects.filter(locale__language_code=language).exclude(service="")
        assert sorted(page.service for page in topics) == sorted(SERVICES.values())
        for page in topics:
            response = client.get(page.get_url())
            assert response.status_code == 200
            assert page.title in response.text  # the topic page itself, not the service view
            link = f'<a class="task" href="/{language}/{SERVICE_PATHS[page.service]}">'
            assert link in response.text


def test_loader_links_the_services_on_a_site_from_the_previous_version(demo_site):
    """Running the loader again on a site built before the service links sets them: tiles
    that pointed to the topic pages now lead to the services, topic pages get their link, and
    the German appointment page leaves /de/termin/ to the booking service."""
    for home in HomePage.objects.all():
        old = []
        for block in home.top_tasks:
            value = dict(block.value)
            if value["service"]:
                value["page"] = TopicPage.objects.get(locale=home.locale, service=value["service"])
                value["service"] = ""
            old.append(("task", value))
        home.top_tasks = old
        home.save_revision().publish()
    for page in TopicPage.objects.exclude(service=""):
        page.service = ""
        if page.slug == "terminvereinbarung":
            page.slug = "termin"  # the German slug of earlier versions
        page.save_revision().publish()
    pages_before = TopicPage.objects.count()

    demo.load(stdout=io.StringIO(), style=no_style())

    for home in HomePage.objects.all():
        services = [block.value["service"] for block in home.top_tasks]
        assert services == ["application", "appointment", "status", ""], home.locale
        assert not any(block.value["page"] for block in home.top_tasks[:3])
    assert TopicPage.objects.exclude(service="").count() == 3 * 4
    assert TopicPage.objects.count() == pages_before
    german = TopicPage.objects.get(locale__language_code="de", service="appointment")
    assert german.slug == "terminvereinbarung"
