"""The demo loader builds the whole public site in four languages, and only once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site, Workflow, WorkflowPage

from cms import demo, selectors
from cms.models import HomePage, OfficeSettings

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        "pages": Page.objects.count(),
        "locales": Locale.objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "workflows": Workflow.objects.count(),
        "settings": OfficeSettings.objects.count(),
        "sites": Site.objects.count(),
    }


def test_every_german_page_is_live_in_all_four_languages(demo_site):
    """Each German page has a live translation in English, Ukrainian and Russian."""
    german = Page.objects.filter(locale__language_code="de", depth__gt=1)
    assert german.count() >= 15
    # Leichte Sprache is easy-to-read German: it has no translations by its nature.
    german = german.exclude(slug="leichte-sprache")
    for page in german:
        assert page.live, page
        languages = set(
            page.get_translations().live().values_list("locale__language_code", flat=True)
        )
        assert languages == {"en", "uk", "ru"}, page.title
    # translated pages carry their own texts, not German copies
    english_home = HomePage.objects.get(locale__language_code="en")
    assert english_home.title != demo_site.root_page.title

    # the site's root is the German home page
    root = demo_site.root_page.specific
    assert isinstance(root, HomePage)
    assert root.locale.language_code == "de"
    # Wagtail's welcome page is gone
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()


def test_running_the_loader_twice_creates_nothing_new(demo_site):
    """A second run neither fails nor duplicates pages, documents, users or settings."""
    before = _counts()
    demo.load(stdout=io.StringIO(), style=no_style())
    assert _counts() == before


def test_demo_users_groups_and_workflow(demo_site):
    """editor is an Editor, redaktionsleitung a Moderator; the approval workflow covers all."""
    users = get_user_model().objects
    editor = users.get(username="editor")
    moderator = users.get(username="redaktionsleitung")
    assert editor.check_password("demo")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    workflow = WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow
    assert workflow.name == demo.WORKFLOW_NAME
    assert workflow.active
    # every page in every language is covered by it
    for page in Page.objects.filter(depth__gt=1)[:5]:
        assert page.get_workflow() == workflow


def test_demo_pages_are_searchable_without_a_task_worker(db, settings):
    """Saving only queues index updates for a worker; the loader indexes its pages itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    demo.load(stdout=io.StringIO(), style=no_style())
    german = Locale.objects.get(language_code="de")
    titles = [page.title for page in selectors.search_pages(query="Drogerie", locale=german)]
    assert titles == ["Biometrisches Lichtbild"]
