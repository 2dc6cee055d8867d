"""Keep the page cache honest: any change to public content makes cached pages stale; keep
scheduled publishing queued (see :mod:`cms.scheduling`); note when a German page's content
changed (see :mod:`cms.translations`)."""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, PageViewRestriction, Revision, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache

logger = logging.getLogger(__name__)


def _invalidate(**kwargs) -> None:
    cache.invalidate()


def _invalidate_configuration(**kwargs) -> None:
    cache.invalidate(configuration=True)


def _schedule_publishing(plan=None, **kwargs) -> None:
    """After ``migrate``: make sure scheduled publishing runs (the chain starts here). Not
    after ``flush`` (no ``plan``), which tests run between cases."""
    if plan is None:
        return
    from .scheduling import ensure_scheduled

    try:
        ensure_scheduled()
    except Exception:  # the queue may not exist yet on a first migrate of another app
        logger.warning("could not queue scheduled publishing", exc_info=True)


def _page_scheduled(sender, instance, **kwargs) -> None:
    """An editor scheduled a revision: make sure a run is queued to publish it."""
    if instance.approved_go_live_at is None:
        return
    from .scheduling import ensure_scheduled

    transaction.on_commit(ensure_scheduled)


def _record_publication(sender, instance, revision=None, **kwargs) -> None:
    """A page was published: remember whether a German page's content changed (translations
    compare with that, see :mod:`cms.translations`)."""
    if revision is None:
        return
    from .translations import record_publication

    record_publication(instance, revision)


def connect() -> None:
    from .models import OfficeSettings

    post_migrate.connect(
        _schedule_publishing,
        sender=apps.get_app_config("cms"),
        dispatch_uid="cms_schedule_publishing",
    )
    post_save.connect(_page_scheduled, sender=Revision, dispatch_uid="cms_page_scheduled")
    page_published.connect(_invalidate, dispatch_uid="cms_cache_published")
    page_published.connect(_record_publication, dispatch_uid="cms_record_publication")
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
