"""Template helpers of the public site: menu, language switcher, breadcrumbs, hours."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

from cms.constants import Weekday

register = template.Library()


def _home_page(request):
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    root = site.root_page
    return root.localized


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Children of the current language's home page that are marked 'show in menus'."""
    request = context.get("request")
    home = _home_page(request)
    if home is None:
        return {"home": None, "items": []}
    items = Page.objects.live().public().in_menu().child_of(home)
    return {"home": home, "items": items}


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per language: its name, the URL of this page in it, whether it is current.

    For a Wagtail page the URL leads to the live translation (languages without one are left
    out); for other views it is the same view in the other language.
    """
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    links = []
    if isinstance(page, Page) and page.pk:
        translations = (
            Page.objects.translation_of(page, inclusive=True).live().select_related("locale")
        )
        by_language = {p.locale.language_code: p for p in translations}
        for code, _name in settings.LANGUAGES:
            translated = by_language.get(code)
            if translated is None:
                continue
            links.append(_link(code, translated.get_url(request=request), current))
    elif request is not None:
        for code, _name in settings.LANGUAGES:
            links.append(_link(code, translate_url(request.get_full_path(), code), current))
    return links


def _link(code: str, url: str, current: str) -> dict:
    info = get_language_info(code)
    return {
        "code": code,
        "name": info["name_local"],
        "url": url,
        "current": code == current,
    }


@register.simple_tag
def breadcrumbs(page):
    """The live ancestors of ``page`` below the tree root, starting with the home page."""
    if not isinstance(page, Page) or page.depth <= 2:
        return []
    return list(page.get_ancestors().live().filter(depth__gt=1))


@register.filter
def weekday_name(code: str) -> str:
    try:
        return Weekday(code).label
    except ValueError:
        return code


@register.simple_tag
def active_locale():
    return Locale.get_active()
