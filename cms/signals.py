"""Keep the page cache honest: any change to public content makes cached pages stale."""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache


def _invalidate(**kwargs) -> None:
    cache.invalidate()


def _invalidate_configuration(**kwargs) -> None:
    cache.invalidate(configuration=True)


def connect() -> None:
    from .models import OfficeSettings

    page_published.connect(_invalidate, dispatch_uid="cms_cache_published")
    page_unpublished.connect(_invalidate, dispatch_uid="cms_cache_unpublished")
    # A move changes the paths that view restrictions cover.
    post_page_move.connect(_invalidate_configuration, dispatch_uid="cms_cache_moved")
    post_delete.connect(_invalidate, sender=Page, dispatch_uid="cms_cache_page_deleted")
    post_save.connect(_invalidate, sender=get_document_model(), dispatch_uid="cms_cache_doc_save")
    post_delete.connect(
        _invalidate, sender=get_document_model(), dispatch_uid="cms_cache_doc_delete"
    )
    # Kept across publishes (see cms.cache): the site of a host, locales, office settings, and
    # the private sections (a restriction added or lifted without a publish).
    for model in (OfficeSettings, Site, Locale, PageViewRestriction):
        post_save.connect(
            _invalidate_configuration, sender=model, dispatch_uid=f"cms_cache_save_{model}"
        )
        post_delete.connect(
            _invalidate_configuration, sender=model, dispatch_uid=f"cms_cache_delete_{model}"
        )
