"""The locales of Wagtail's admin pages, from the cache.

Every admin page (the back office's case file included) renders Wagtail's ``wagtail_config``
tag, which lists all locales for the admin's scripts with a query of its own. Locales change
rarely, so here they come from the cache, kept under the configuration generation of
:mod:`cms.cache` that a saved or deleted ``Locale`` bumps (:mod:`cms.signals`), as the public
site's locales are. Wagtail's tag itself is kept: only the ``Locale`` it reads in its module
stands for the cached list (:func:`install`, called when the app is ready).
"""

from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import Locale

from . import cache

__all__ = ["admin_locales", "install"]


def admin_locales() -> list[Locale]:
    """``Locale.objects.all()`` (ordered by language code), kept until a locale changes."""
    return cache.remember(
        "admin-locales", lambda: list(Locale.objects.all()), across_publishes=True
    )


class _CachedLocaleRows:
    def all(self) -> list[Locale]:
        return admin_locales()


class _LocaleFromCache:
    """``Locale`` as ``wagtailadmin_tags`` sees it: ``objects.all()`` from the cache, every
    other attribute the model's own."""

    objects = _CachedLocaleRows()

    def __getattr__(self, name):
        return getattr(Locale, name)


def install() -> None:
    if wagtailadmin_tags.Locale is Locale:
        wagtailadmin_tags.Locale = _LocaleFromCache()
