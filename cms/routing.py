"""Which site and page a public request is for, with what the cache already knows.

Wagtail looks up the site, the active locale and each page of the path in the database on
every request. The site of a host and the locales change rarely, so they come from the cache
(configuration generation, see :mod:`cms.cache`); the pages of the path are read as Wagtail
reads them. The results go where Wagtail looks first (``request._wagtail_site`` and
``request._wagtail_route_for_request``, see ``Site.find_for_request`` and
``Page.route_for_request``), so Wagtail's own serving, hooks and settings use them.
"""

from django.conf import settings
from django.http import Http404
from django.http.request import split_domain_port
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Site

from . import cache

__all__ = [
    "home_page",
    "locale_for_language",
    "localized",
    "route_request",
    "routed_ancestors",
    "site_for_request",
]


def site_for_request(request) -> Site | None:
    """``Site.find_for_request`` with the answer per host and port kept in the cache."""
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = cache.remember(
            f"site:{hostname}:{port}",
            lambda: Site._find_for_request(request),
            across_publishes=True,
        )
    return request._wagtail_site


def locale_for_language(language_code: str) -> Locale | None:
    """The content locale of a language (as ``Locale.get_active`` finds it), from the cache."""
    try:
        code = get_supported_content_language_variant(language_code)
    except LookupError:
        code = settings.LANGUAGE_CODE

    def find():
        return Locale.objects.filter(language_code=code).first()

    return cache.remember(f"locale:{code}", find, across_publishes=True)


def route_request(request, path: str) -> None:
    """Find the page for ``path`` the way ``Page.route_for_request`` does, and note it."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    home = home_page(request)
    result = None
    if home is not None:
        components = [component for component in path.split("/") if component]
        try:
            result = home.route(request, components)
        except Http404:
            result = None
    request._wagtail_route_for_request = result


def home_page(request):
    """The site's root page in the active language (as Wagtail's ``root_page.localized``),
    with its own fields; kept in the cache until the next publish."""
    site = site_for_request(request)
    if site is None:
        return None
    return cache.remember(
        f"home:{site.pk}:{translation.get_language()}",
        lambda: localized(site.root_page).specific,
    )


def localized(page):
    """``page.localized`` with the active locale from the cache: the live translation in the
    active language, else the page itself."""
    locale = locale_for_language(translation.get_language())
    if locale is None or locale.pk == page.locale_id:
        return page
    translated = page.get_translation_or_none(locale)
    return translated if translated is not None and translated.live else page


def routed_ancestors(page) -> list | None:
    """The pages between the home page and ``page`` that routing walked through, home first.

    Wagtail keeps each parent on the child it routed to (``_cached_parent_obj``), so a page
    served through :func:`route_request` knows its ancestors below the tree root without a
    query. ``None`` when the chain is not complete (e.g. a page loaded by other means).
    """
    parents = []
    current = page
    while current.depth > 2:
        parent = getattr(current, "_cached_parent_obj", None)
        if parent is None:
            return None
        parents.append(parent)
        current = parent
    return parents[::-1]
