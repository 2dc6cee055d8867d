"""Template helpers of the public site: menu, language switcher, breadcrumbs, hours."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info, pgettext_lazy
from wagtail.models import Page

from cms import cache as page_cache
from cms.constants import Service, Weekday
from cms.routing import home_page, routed_ancestors, site_for_request
from cms.selectors import public, service_url

register = template.Library()


def _ancestors(page: Page) -> list[Page]:
    """Live ancestors below the tree root, read once per page object (none read for a page
    that routing reached: it walked through them)."""
    cached = getattr(page, "_cms_ancestors", None)
    if cached is None:
        routed = routed_ancestors(page)
        if routed is not None:
            cached = [ancestor for ancestor in routed if ancestor.live]
        else:
            cached = list(page.get_ancestors().live().filter(depth__gt=1))
        page._cms_ancestors = cached
    return cached


def _home_page(request, page):
    if isinstance(page, Page) and page.pk and page.depth >= 2:
        return page if page.depth == 2 else next(iter(_ancestors(page)), None)
    return home_page(request) if request is not None else None


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Children of the current language's home page that are marked 'show in menus'.

    The entries are kept in the cache under the page-cache generation, so a publish anywhere
    rebuilds them.
    """
    request = context.get("request")
    home = _home_page(request, context.get("page"))
    if home is None:
        return {"home": None, "items": []}

    def entries():
        pages = public(Page.objects.live().in_menu().child_of(home), request)
        return [
            {"pk": p.pk, "title": p.title, "path": p.path, "url": p.get_url(request=request)}
            for p in pages
        ]

    return {"home": home, "items": page_cache.remember(f"menu:{home.pk}", entries)}


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
        site = site_for_request(request) if request is not None else None
        urls = page_cache.remember(
            f"translations:{getattr(site, 'pk', '')}:{page.translation_key}",
            lambda: _translation_urls(page, request),
        )
        for code, _name in settings.LANGUAGES:
            if code in urls:
                links.append(_link(code, urls[code], current))
    elif request is not None:
        for code, _name in settings.LANGUAGES:
            links.append(_link(code, translate_url(request.get_full_path(), code), current))
    return links


def _translation_urls(page: Page, request) -> dict[str, str]:
    """The addresses of the live translations of ``page`` (itself included) by language."""
    translations = Page.objects.translation_of(page, inclusive=True).live().select_related("locale")
    return {p.locale.language_code: p.get_url(request=request) for p in translations}


def _link(code: str, url: str, current: str) -> dict:
    info = get_language_info(code)
    return {
        "code": code,
        "name": info["name_local"],
        "url": url,
        "current": code == current,
    }


class SharedFragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        site = site_for_request(request) if request is not None else None
        if site is None:
            return self.nodelist.render(context)
        key = f"fragment:{self.name}:{site.pk}:{get_language()}"
        return page_cache.remember(
            key, lambda: self.nodelist.render(context), across_publishes=True
        )


@register.tag
def shared_fragment(parser, token):
    """``{% shared_fragment "name" %}…{% endshared_fragment %}``: HTML that is the same on
    every page of a site and language (e.g. the footer with the office settings), rendered once
    and kept until the site's configuration changes (see :mod:`cms.cache`).

    Only for content that depends on nothing but the office settings, the site and the language.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("shared_fragment takes one quoted name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(bits[1][1:-1], nodelist)


@register.simple_tag
def breadcrumbs(page):
    """The live ancestors of ``page`` below the tree root, starting with the home page."""
    if not isinstance(page, Page) or not page.pk or page.depth <= 2:
        return []
    return _ancestors(page)


@register.filter
def is_below(page, path: str) -> bool:
    """Whether ``page`` lies strictly below the tree position ``path``."""
    own = getattr(page, "path", "")
    return own != path and own.startswith(path)


@register.filter
def by_weekday(hours) -> list[dict]:
    """Time slots grouped per weekday in week order: ``[{"day": "Donnerstag", "slots": [...]}]``."""
    order = {code: index for index, code in enumerate(Weekday.values)}
    days: dict[str, list] = {}
    for slot in hours or []:
        days.setdefault(slot.value["weekday"], []).append(slot.value)
    return [
        {"day": weekday_name(code), "slots": sorted(slots, key=lambda s: s["opens"])}
        for code, slots in sorted(days.items(), key=lambda item: order.get(item[0], 99))
    ]


@register.filter
def weekday_name(code: str) -> str:
    try:
        return Weekday(code).label
    except ValueError:
        return code


@register.simple_tag
def localized_target(target, page=None):
    """``target`` in the language of ``page``; skips the lookup when it already matches."""
    if target is None:
        return None
    if isinstance(page, Page) and target.locale_id == page.locale_id:
        return target
    return target.localized


@register.simple_tag
def service_link(service: str, page=None) -> str:
    """The address of ``service`` in the language of ``page`` (or the active one); "" if none."""
    if not service:
        return ""
    language = page.locale.language_code if isinstance(page, Page) and page.pk else None
    return service_url(service, language) or ""


NAVIGATION_SERVICES = [
    (Service.APPLICATION, pgettext_lazy("navigation", "Online application")),
    (Service.APPOINTMENT, pgettext_lazy("navigation", "Appointment")),
    (Service.STATUS, pgettext_lazy("navigation", "Where is my application?")),
]


@register.simple_tag(takes_context=True)
def service_links(context) -> list[dict]:
    """The online services for header and footer, in the active language.

    ``current`` marks the service whose pages the visitor is on.
    """
    request = context.get("request")
    path = request.path if request is not None else ""
    links = []
    for service, title in NAVIGATION_SERVICES:
        url = service_url(service)
        if url:
            links.append(
                {
                    "service": service.value,
                    "title": title,
                    "url": url,
                    "current": path.startswith(url),
                }
            )
    return links


#: The office settings' footer pages, in the order the footer lists them.
FOOTER_PAGES = (
    "legal_notice_page",
    "privacy_page",
    "accessibility_page",
    "easy_language_page",
    "sign_language_page",
)


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[dict]:
    """The legal and accessibility pages chosen in the office settings, for the footer.

    Each in the visitor's language where a live translation exists, else in its own language;
    ``lang`` is set when that differs from the page's language (e.g. the German Leichte Sprache
    page linked from an English page), so the link text is read in the right voice. Kept in
    the cache until the next publish (titles and addresses may change with one).
    """
    request = context.get("request")
    site = site_for_request(request) if request is not None else None
    if site is None:
        return []
    language = get_language()
    return page_cache.remember(
        f"footer-links:{site.pk}:{language}", lambda: _footer_links(site, request, language)
    )


def _footer_links(site, request, language: str) -> list[dict]:
    from cms.models import OfficeSettings

    office = OfficeSettings.for_site(site)
    chosen = {name: getattr(office, f"{name}_id") for name in FOOTER_PAGES}
    keys = Page.objects.filter(pk__in=[pk for pk in chosen.values() if pk]).values(
        "translation_key"
    )
    # One query: every live translation of the chosen pages.
    by_key: dict = {}
    for page in Page.objects.filter(translation_key__in=keys).live().select_related("locale"):
        by_key.setdefault(page.translation_key, {})[page.locale.language_code] = page
    originals = {
        page.pk: translations for translations in by_key.values() for page in translations.values()
    }
    links = []
    for name, pk in chosen.items():
        translations = originals.get(pk)
        if not translations:
            continue  # not chosen, or not live
        own = next(p for p in translations.values() if p.pk == pk)
        target = translations.get(language, own)
        target_language = target.locale.language_code
        links.append(
            {
                "name": name,
                "title": target.title,
                "url": target.get_url(request=request),
                "lang": target_language if target_language != language else "",
            }
        )
    return links
