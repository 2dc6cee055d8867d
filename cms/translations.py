"""Translations that fell behind their German page.

The site is written in German and translated with Wagtail's own tools
(``wagtail.contrib.simple_translation``: a translation is a copy of the German page in another
locale, sharing its ``translation_key``). Those tools do not notice when the German page changes
afterwards, so an English page could keep saying 67 € after the German one said 70 €.

A live translation is *outdated* when its German page was published after the translation was
last published: the translator has not yet taken over that change. Publishing the translation
(after updating it) makes it current again; a draft saved after the German change (e.g. waiting
for the Redaktionsleitung's approval) is shown as such, the page stays outdated until then.
The admin shows it in the page listing, in the editor of both pages and on the dashboard
(:mod:`cms.wagtail_hooks`).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery
from wagtail.models import Locale, Page

__all__ = ["outdated_translations", "source_of", "state_of"]


def _source_locale() -> Locale | None:
    try:
        return Locale.get_default()
    except Locale.DoesNotExist:
        return None


def outdated_translations() -> QuerySet[Page]:
    """Live translations whose German page was published after them, annotated with the German
    page's id (``source_pk``) and publication time (``source_published_at``)."""
    source_locale = _source_locale()
    if source_locale is None:
        return Page.objects.none()
    sources = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale=source_locale, live=True
    )
    return (
        Page.objects.live()
        .exclude(locale=source_locale)
        .filter(alias_of__isnull=True, last_published_at__isnull=False)
        .annotate(
            source_pk=Subquery(sources.values("pk")[:1]),
            source_published_at=Subquery(sources.values("last_published_at")[:1]),
        )
        .filter(source_published_at__gt=F("last_published_at"))
    )


def source_of(page: Page) -> Page | None:
    """The German page ``page`` is a translation of (``None`` for a German page)."""
    source_locale = _source_locale()
    if source_locale is None or page.locale_id == source_locale.pk:
        return None
    return (
        Page.objects.filter(translation_key=page.translation_key, locale=source_locale)
        .select_related("locale")
        .first()
    )


def state_of(page: Page) -> dict:
    """What the admin says about ``page``: ``behind`` (the German page it has not caught up
    with, or ``None``) and ``draft_waiting`` (a draft saved since the German change awaits
    publication) for a translation; ``outdated`` (its translations behind it) for a German
    page."""
    source = source_of(page)
    if source is not None:
        behind = (
            source
            if (
                page.live
                and page.alias_of_id is None
                and source.live
                and page.last_published_at is not None
                and source.last_published_at is not None
                and source.last_published_at > page.last_published_at
            )
            else None
        )
        waiting = bool(
            behind is not None
            and page.has_unpublished_changes
            and page.latest_revision_created_at is not None
            and page.latest_revision_created_at > source.last_published_at
        )
        return {"behind": behind, "draft_waiting": waiting, "outdated": []}
    outdated = list(
        outdated_translations()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .order_by("locale__language_code")
    )
    return {"behind": None, "draft_waiting": False, "outdated": outdated}
