"""The German fee page changes: its translations show as outdated in the Wagtail admin (page
listing, editor, dashboard) until a translator publishes them again; the dashboard says that
scheduled publishing runs. Screenshots go to test-artifacts/translations/."""

import json

import pytest
from wagtail.models import Locale

from cms.models import TopicPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name):
    folder = artifacts_dir / "translations"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _fee_page() -> TopicPage:
    return next(
        page
        for page in TopicPage.objects.filter(locale__language_code="de")
        if "Ausstellung der eAT-Karte" in json.dumps(list(page.body.raw_data))
    )


def _publish_fee(page, old: str, new: str) -> None:
    page = TopicPage.objects.get(pk=page.pk)
    page.body = json.dumps(list(page.body.raw_data)).replace(old, new)
    page.save_revision().publish()


def test_translations_of_a_changed_german_page_show_as_outdated_until_updated(
    demo_live_server, make_page, admin_login, artifacts_dir, assert_accessible
):
    from django.core.cache import cache

    german = _fee_page()
    english = german.get_translation(Locale.objects.get(language_code="en")).specific
    _publish_fee(german, '"67.00"', '"70.00"')
    url = demo_live_server.url

    page = make_page(width=1400, height=1000)
    admin_login(page, "editor")
    page.goto(f"{url}/admin/")
    outdated = page.get_by_test_id("outdated-translations")
    assert english.title in outdated.inner_text()
    assert "Zeitgesteuerte Veröffentlichung" in page.content()
    assert_accessible(page)
    shot(page, artifacts_dir, "dashboard")

    page.goto(f"{url}/admin/pages/{english.get_parent().pk}/")
    row = page.locator("tr", has=page.locator(f"a[href='/admin/pages/{english.pk}/edit/']"))
    assert row.locator("[data-translation-state=outdated]").is_visible()
    assert "Übersetzung veraltet" in row.inner_text()
    assert_accessible(page)
    shot(page, artifacts_dir, "listing-outdated")

    page.goto(f"{url}/admin/pages/{english.pk}/edit/")
    assert page.get_by_text("Diese Übersetzung ist veraltet").is_visible()
    assert_accessible(page)
    shot(page, artifacts_dir, "editor-outdated")

    page.goto(f"{url}/admin/pages/{german.pk}/edit/")
    assert page.get_by_text("noch übernehmen").is_visible()
    shot(page, artifacts_dir, "editor-german")

    # The translator takes over the new fee and publishes the English page.
    _publish_fee(english, '"67.00"', '"70.00"')
    cache.clear()
    page.goto(f"{url}/admin/pages/{english.get_parent().pk}/")
    row = page.locator("tr", has=page.locator(f"a[href='/admin/pages/{english.pk}/edit/']"))
    assert row.locator("[data-translation-state]").count() == 0
    shot(page, artifacts_dir, "listing-updated")
    page.goto(f"{url}/admin/pages/{english.pk}/edit/")
    assert page.get_by_text("Diese Übersetzung ist veraltet").count() == 0
