"""Keep the page cache honest: any change to public content makes cached pages stale."""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache


def _invalidate(**kwargs) -> None:
    cache.invalidate()


def connect() -> None:
    from .models import OfficeSettings

    page_published.connect(_invalidate, dispatch_uid="cms_cache_published")
    page_unpublished.connect(_invalidate, dispatch_uid="cms_cache_unpublished")
    post_page_move.connect(_invalidate, dispatch_uid="cms_cache_moved")
    post_delete.connect(_invalidate, sender=Page, dispatch_uid="cms_cache_page_deleted")
    for model in (OfficeSettings, Site, get_document_model()):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"cms_cache_save_{model}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"cms_cache_delete_{model}")
