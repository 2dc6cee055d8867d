"""Translations that fell behind their German page.

The site is written in German and translated with Wagtail's own tools
(``wagtail.contrib.simple_translation``: a translation is a copy of the German page in another
locale, sharing its ``translation_key``). Those tools do not notice when the German page changes
afterwards, so an English page could keep saying 67 € after the German one said 70 €.

A live translation is *outdated* when its German page's content changed after the translation was
last published: the translator has not yet taken over that change. A German page published
again without a change to what it says (its title, texts, fields and inline items; not its slug,
menu or schedule settings) changes nothing: :func:`record_publication` keeps, per German page,
a fingerprint of the published content and when it last changed (``SourceContentChange``).
Publishing the translation (after updating it) makes it current again; a draft saved after the
German change (e.g. waiting for the Redaktionsleitung's approval) is shown as such, the page stays
outdated until then.
The admin shows it in the page listing, in the editor of both pages and on the dashboard
(:mod:`cms.wagtail_hooks`).
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from wagtail.models import Locale, Page, PageLogEntry, Revision

__all__ = [
    "content_changed_at",
    "content_fingerprint",
    "outdated_translations",
    "record_publication",
    "source_of",
    "state_of",
]

# Keys of a page revision's content that say nothing a translator has to take over: the tree,
# publication and locking state, ownership, the German slug and URL, menus, comments.
_NOT_CONTENT = frozenset(
    {
        "pk",
        "id",
        "page_ptr",
        "path",
        "depth",
        "numchild",
        "translation_key",
        "locale",
        "latest_revision",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "draft_title",
        "content_type",
        "url_path",
        "slug",
        "owner",
        "latest_revision_created_at",
        "alias_of",
        "show_in_menus",
        "comments",
        "wagtail_admin_comments",
    }
)


def _said(value):
    """``value`` without what differs between revisions that say the same: a StreamField is
    kept as a JSON string by some revisions and as a list by others, and gets block ids (random
    UUIDs) when it is saved again."""
    if isinstance(value, str) and value[:1] == "[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return [_said(item) for item in value]
    if isinstance(value, dict):
        is_block = "type" in value and "value" in value
        return {key: _said(item) for key, item in value.items() if not (is_block and key == "id")}
    return value


def content_fingerprint(content: dict) -> str:
    """A fingerprint of what a page revision says (see ``_NOT_CONTENT`` for what it leaves out)."""
    said = {key: _said(value) for key, value in content.items() if key not in _NOT_CONTENT}
    encoded = json.dumps(said, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _previous_publication(page: Page, revision: Revision) -> PageLogEntry | None:
    return (
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish")
        .exclude(revision__isnull=True)
        .exclude(revision_id=revision.pk)
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )


def record_publication(page: Page, revision: Revision) -> None:
    """``page`` (German) was published with ``revision``: remember when its content changed.

    For a page published before this was kept, the previous publication (from the page's log)
    tells whether this one changed anything."""
    from .models import SourceContentChange

    source_locale = _source_locale()
    if source_locale is None or page.locale_id != source_locale.pk or page.alias_of_id:
        return
    if not page.live or page.last_published_at is None:  # scheduled for later: not yet out
        return
    fingerprint = content_fingerprint(revision.content)
    published_at = page.last_published_at
    known = SourceContentChange.objects.filter(page_id=page.pk).first()
    if known is None:
        previous = _previous_publication(page, revision)
        changed_at = published_at
        if previous is not None and content_fingerprint(previous.revision.content) == fingerprint:
            changed_at = previous.timestamp
        SourceContentChange.objects.create(
            page_id=page.pk, content_hash=fingerprint, changed_at=changed_at
        )
    elif known.content_hash != fingerprint:
        known.content_hash = fingerprint
        known.changed_at = published_at
        known.save(update_fields=["content_hash", "changed_at"])


def content_changed_at(page: Page):
    """When the German ``page``'s content last changed (its last publication if not known)."""
    from .models import SourceContentChange

    known = SourceContentChange.objects.filter(page_id=page.pk).values_list("changed_at", flat=True)
    return next(iter(known), None) or page.last_published_at


def _source_locale() -> Locale | None:
    try:
        return Locale.get_default()
    except Locale.DoesNotExist:
        return None


def outdated_translations() -> QuerySet[Page]:
    """Live translations whose German page's content changed after they were last published,
    annotated with the German page's id (``source_pk``) and when its content changed
    (``source_changed_at``)."""
    from .models import SourceContentChange

    source_locale = _source_locale()
    if source_locale is None:
        return Page.objects.none()
    sources = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale=source_locale, live=True
    ).annotate(
        changed_at=Coalesce(
            Subquery(
                SourceContentChange.objects.filter(page_id=OuterRef("pk")).values("changed_at")[:1]
            ),
            F("last_published_at"),
        )
    )
    return (
        Page.objects.live()
        .exclude(locale=source_locale)
        .filter(alias_of__isnull=True, last_published_at__isnull=False)
        .annotate(
            source_pk=Subquery(sources.values("pk")[:1]),
            source_changed_at=Subquery(sources.values("changed_at")[:1]),
        )
        .filter(source_changed_at__gt=F("last_published_at"))
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
        source.content_changed_at = content_changed_at(source)
        behind = (
            source
            if (
                page.live
                and page.alias_of_id is None
                and source.live
                and page.last_published_at is not None
                and source.content_changed_at is not None
                and source.content_changed_at > page.last_published_at
            )
            else None
        )
        waiting = bool(
            behind is not None
            and page.has_unpublished_changes
            and page.latest_revision_created_at is not None
            and page.latest_revision_created_at > source.content_changed_at
        )
        return {"behind": behind, "draft_waiting": waiting, "outdated": []}
    outdated = list(
        outdated_translations()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .order_by("locale__language_code")
    )
    return {"behind": None, "draft_waiting": False, "outdated": outdated}
