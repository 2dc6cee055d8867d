"""Translations that fell behind their German page show as outdated in the admin until a
translator takes over the change (cms.translations)."""

import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Locale

from cms import translations
from cms.models import TopicPage

pytestmark = pytest.mark.django_db


def _fee_page(language: str) -> TopicPage:
    """The demo page with the fee for the eAT card (67 €), in ``language``."""
    german = next(
        page
        for page in TopicPage.objects.filter(locale__language_code="de")
        if "Ausstellung der eAT-Karte" in json.dumps(list(page.body.raw_data))
    )
    if language == "de":
        return german
    return german.get_translation(Locale.objects.get(language_code=language)).specific


def _change_fee(page: TopicPage, old: str, new: str) -> None:
    page = TopicPage.objects.get(pk=page.pk)
    raw = json.dumps(list(page.body.raw_data))
    assert old in raw
    page.body = raw.replace(old, new)
    page.save_revision().publish()


@pytest.fixture
def editor(client, demo_site):
    user = get_user_model().objects.get(username="editor")
    client.force_login(user)
    return user


def test_a_changed_german_fee_marks_the_translations_outdated_until_each_is_updated(client, editor):
    german = _fee_page("de")
    _change_fee(german, '"67.00"', '"70.00"')
    outdated = translations.outdated_translations()
    assert sorted(outdated.values_list("locale__language_code", flat=True)) == ["en", "ru", "uk"]

    english = _fee_page("en")
    # The editor of the translation says it is behind, and links to the German page.
    response = client.get(f"/admin/pages/{english.pk}/edit/")
    assert "Diese Übersetzung ist veraltet" in response.text
    assert f"/admin/pages/{german.pk}/edit/" in response.text
    # The page listing marks it.
    listing = client.get(f"/admin/pages/{english.get_parent().pk}/")
    assert listing.text.count('data-translation-state="outdated"') == 1
    # The German page names the translations that have not caught up.
    response = client.get(f"/admin/pages/{german.pk}/edit/")
    assert "noch übernehmen" in response.text
    assert "Englisch" in response.text or "English" in response.text
    # The dashboard lists them.
    dashboard = client.get("/admin/")
    assert dashboard.text.count(f"/admin/pages/{english.pk}/edit/") >= 1

    _change_fee(english, '"67.00"', '"70.00"')
    outdated = translations.outdated_translations()
    assert sorted(outdated.values_list("locale__language_code", flat=True)) == ["ru", "uk"]
    response = client.get(f"/admin/pages/{english.pk}/edit/")
    assert "Diese Übersetzung ist veraltet" not in response.text
    listing = client.get(f"/admin/pages/{english.get_parent().pk}/")
    assert 'data-translation-state="outdated"' not in listing.text
    ukrainian = _fee_page("uk")
    listing = client.get(f"/admin/pages/{ukrainian.get_parent().pk}/")
    assert listing.text.count('data-translation-state="outdated"') == 1


def test_the_demo_starts_current_and_a_german_draft_changes_nothing(demo_site):
    assert list(translations.outdated_translations()) == []
    german = TopicPage.objects.get(pk=_fee_page("de").pk)
    german.title = "Niederlassungserlaubnis (Entwurf)"
    german.save_revision()
    assert list(translations.outdated_translations()) == []


def test_a_draft_translation_is_not_outdated_only_unfinished(translated_site):
    german = translated_site["de"][1]
    english = TopicPage.objects.get(pk=translated_site["en"][1].pk)
    english.unpublish()
    _change_fee_title(german)
    assert translations.state_of(english)["behind"] is None
    codes = {p.locale.language_code for p in translations.state_of(german)["outdated"]}
    assert codes == {"uk", "ru"}


def _change_fee_title(page):
    page = TopicPage.objects.get(pk=page.pk)
    page.intro = "Neu: die Gebühren ab Januar."
    page.save_revision().publish()


def test_an_updated_draft_of_the_translation_is_named_until_published(client, translated_site):
    german, english = (TopicPage.objects.get(pk=translated_site[c][1].pk) for c in ("de", "en"))
    _change_fee_title(german)
    assert translations.state_of(english)["draft_waiting"] is False
    english.intro = "New: the fees from January."
    english.save_revision()
    english.refresh_from_db()
    state = translations.state_of(english)
    assert state["behind"] is not None and state["draft_waiting"] is True
    user = get_user_model().objects.create_superuser("chef", password="x")
    client.force_login(user)
    listing = client.get(f"/admin/pages/{english.get_parent().pk}/")
    assert 'data-translation-state="outdated"' in listing.text
    assert "Ein aktualisierter Entwurf wartet" in listing.text
    english.get_latest_revision().publish()
    english.refresh_from_db()
    assert translations.state_of(english)["behind"] is None


def test_publishing_the_german_page_again_unchanged_leaves_its_translations_current(client, editor):
    german = TopicPage.objects.get(pk=_fee_page("de").pk)
    # Published again as it is (e.g. to correct its schedule), and with only its slug and menu
    # setting changed: nothing for a translator to take over.
    german.save_revision().publish()
    german = TopicPage.objects.get(pk=german.pk)
    german.slug = f"{german.slug}-neu"
    german.show_in_menus = not german.show_in_menus
    german.save_revision().publish()
    assert list(translations.outdated_translations()) == []
    english = _fee_page("en")
    assert translations.state_of(english)["behind"] is None
    response = client.get(f"/admin/pages/{english.pk}/edit/")
    assert "Diese Übersetzung ist veraltet" not in response.text

    # A change to what it says still counts, dated by that publication, and stays counted when
    # the German page is published again unchanged afterwards.
    _change_fee(german, '"67.00"', '"70.00"')
    changed_at = TopicPage.objects.get(pk=german.pk).last_published_at
    TopicPage.objects.get(pk=german.pk).save_revision().publish()
    outdated = translations.outdated_translations()
    assert sorted(outdated.values_list("locale__language_code", flat=True)) == ["en", "ru", "uk"]
    assert {page.source_changed_at for page in outdated} == {changed_at}
    assert translations.state_of(_fee_page("en"))["behind"].content_changed_at == changed_at


def test_a_german_page_published_before_changes_were_recorded_is_judged_by_its_log(demo_site):
    from cms.models import SourceContentChange

    german = TopicPage.objects.get(pk=_fee_page("de").pk)
    SourceContentChange.objects.filter(page_id=german.pk).delete()
    german.save_revision().publish()
    assert list(translations.outdated_translations()) == []
    SourceContentChange.objects.filter(page_id=german.pk).delete()
    _change_fee(german, '"67.00"', '"70.00"')
    assert translations.outdated_translations().count() == 3


def test_the_fingerprint_ignores_how_a_stream_field_was_stored_and_its_block_ids():
    # The demo loader's first revision keeps the body as a JSON string without block ids; the
    # next revision, saved from the page, as a list with new ids: the same content.
    body = [{"type": "paragraph", "value": "<p>Gebühr: 100 Euro</p>"}]
    with_ids = [{"id": "aa70ee7e-1bfa-4c83-b547-685d0a0db669", **block} for block in body]
    assert translations.content_fingerprint(
        {"title": "Gebühren", "body": json.dumps(body)}
    ) == translations.content_fingerprint({"title": "Gebühren", "body": with_ids})
    changed = [{"type": "paragraph", "value": "<p>Gebühr: 120 Euro</p>"}]
    assert translations.content_fingerprint(
        {"title": "Gebühren", "body": json.dumps(body)}
    ) != translations.content_fingerprint({"title": "Gebühren", "body": changed})
