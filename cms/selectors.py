"""Read access to the public site for other apps and for the views."""

from wagtail.models import Locale, Page

__all__ = ["search_pages"]


def search_pages(*, query: str, locale: Locale | None = None):
    """Live, public pages of one language matching ``query``, best match first."""
    locale = locale or Locale.get_active()
    return Page.objects.live().public().filter(locale=locale, depth__gt=1).specific().search(query)
