"""Read access to the public site for other apps and for the views."""

import datetime as dt

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction, Site

from . import cache
from .constants import SERVICE_URL_NAMES, Service, Weekday

__all__ = [
    "office_contact",
    "office_opening_hours",
    "private_sections",
    "public",
    "search_pages",
    "service_url",
]


def search_pages(*, query: str, locale: Locale | None = None):
    """Live, public pages of one language matching ``query``, best match first."""
    locale = locale or Locale.get_active()
    return Page.objects.live().public().filter(locale=locale, depth__gt=1).specific().search(query)


def private_sections() -> list[tuple[str, int]]:
    """Tree positions ``(path, depth)`` of the pages with a view restriction.

    Kept in the cache until a restriction or a page's position changes (see :mod:`cms.cache`).
    """

    def find():
        rows = PageViewRestriction.objects.values_list("page__path", "page__depth")
        return sorted(set(rows))

    return cache.remember("private-sections", find, across_publishes=True)


def public(queryset, request=None):
    """``queryset.public()`` without asking the database where the private sections are.

    Wagtail's ``public()`` queries the restrictions every time it is called; a page with a
    menu and two lists would ask three times. Same filter: a page is private when it lies at
    or below a restricted page. ``request`` is accepted for the callers' convenience.
    """
    private = Q()
    for path, depth in private_sections():
        private |= Q(path__startswith=path, depth__gte=depth)
    return queryset.exclude(private) if private else queryset


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


def office_contact(site: Site | None = None):
    """The office's settings (name, postal address, phone, e-mail) of ``site`` (default: the
    default site), for letters, receipts, calendar files and pages outside Wagtail's context;
    ``None`` when the office has not filled them in."""
    from .models import OfficeSettings

    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    return OfficeSettings.objects.filter(site=site).first()


def office_opening_hours(site: Site | None = None) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """The office's opening hours (settings of ``site``, default: the default site) by weekday,
    0 = Monday, each day's periods in order; ``{}`` when none are set."""
    from .models import OfficeSettings

    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    office = OfficeSettings.objects.filter(site=site).first() if site is not None else None
    if office is None:
        return {}
    weekdays = {code: index for index, code in enumerate(Weekday.values)}
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for block in office.opening_hours:
        value = block.value
        day = weekdays.get(value["weekday"])
        if day is None or not value["opens"] or not value["closes"]:
            continue
        if value["opens"] < value["closes"]:
            hours.setdefault(day, []).append((value["opens"], value["closes"]))
    return {day: sorted(periods) for day, periods in sorted(hours.items())}
