"""Read access to the public site for other apps and for the views."""

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Locale, Page

from .constants import SERVICE_URL_NAMES, Service

__all__ = ["public", "search_pages", "service_url"]


def search_pages(*, query: str, locale: Locale | None = None):
    """Live, public pages of one language matching ``query``, best match first."""
    locale = locale or Locale.get_active()
    return Page.objects.live().public().filter(locale=locale, depth__gt=1).specific().search(query)


def public(queryset, request=None):
    """``queryset.public()``, reading the view restrictions once per request.

    Wagtail's ``public()`` queries the restrictions every time it is called; a page with a
    menu and two lists would ask three times.
    """
    if request is None:
        return queryset.public()
    private_q = getattr(request, "_cms_private_q", None)
    if private_q is None:
        private_q = Page.objects.all().private_q()
        request._cms_private_q = private_q
    return queryset.exclude(private_q)


def service_url(service: str, language: str | None = None) -> str | None:
    """The address of an online service under the prefix of ``language`` (default: active).

    ``None`` for an unknown service or one whose app is not installed, so a link is left out
    rather than the page failing.
    """
    try:
        name = SERVICE_URL_NAMES[Service(service)]
    except ValueError:
        return None
    with translation.override(language or translation.get_language()):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None
