"""Whole-response cache for public Wagtail pages, built on Django's cache framework.

Anonymous GET requests for a page are answered from the cache without touching the database.
Every cached response is stored under a generation number; publishing, unpublishing, moving or
deleting a page or changing the office settings bumps the generation, so the next request
renders afresh. Editors (anyone with a session cookie) always get a fresh page.

Pages rendered afresh take what does not change with a publish from the cache too: the site of
a host, the locales, the office settings and where view restrictions lie are kept under a
second, *configuration* generation, which changes only when those change (and then the page
generation changes as well); menus and language links are kept under the page generation
(see :func:`remember`).

The generations live in the default cache. With several server processes that cache must be
shared (set REDIS_URL); with the per-process local-memory cache another process may serve
the previous version for up to ``CMS_PAGE_CACHE_TIMEOUT`` seconds (default 300).
"""

import functools
import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri

GENERATION_KEY = "cms:page-cache:generation"
CONFIGURATION_KEY = "cms:configuration:generation"
DEFAULT_TIMEOUT = 300
#: Stands for a cached ``None``.
_NOTHING = "cms:nothing"
#: The generations as read once at the start of a page request (see :func:`cached_view`).
_request_generations: ContextVar[dict | None] = ContextVar("cms_generations", default=None)


def timeout() -> int:
    return getattr(settings, "CMS_PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT)


def _current(key: str) -> int:
    known = _request_generations.get()
    if known is not None and key in known:
        return known[key]
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    if known is not None:
        known[key] = value
    return value


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)
    known = _request_generations.get()
    if known is not None:
        known.pop(key, None)


def generation() -> int:
    return _current(GENERATION_KEY)


def configuration_generation() -> int:
    return _current(CONFIGURATION_KEY)


def invalidate(*, configuration: bool = False) -> None:
    """Make every cached page stale; called whenever public content changes.

    With ``configuration`` also what is kept across publishes (sites, locales, office
    settings, view restrictions): called when one of those changes.
    """
    if configuration:
        _bump(CONFIGURATION_KEY)
    _bump(GENERATION_KEY)


def remember(name: str, compute, *, across_publishes: bool = False):
    """``compute()``, kept in the cache under ``name`` until the content changes.

    Kept under the page generation, or with ``across_publishes`` under the configuration
    generation (for what a publish cannot change). ``None`` is kept too.
    """
    number = configuration_generation() if across_publishes else generation()
    key = f"cms:{'c' if across_publishes else 'p'}{number}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, _NOTHING if value is None else value, timeout())
    return None if isinstance(value, str) and value == _NOTHING else value


def is_cacheable_request(request) -> bool:
    return (
        timeout() > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cache_key(request) -> str:
    url = iri_to_uri(f"{request.get_host()}{request.get_full_path()}")
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"cms:page:{generation()}:{digest}"


def is_cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not getattr(response, "streaming", False)
    )


def cached_view(view):
    """Wrap a page-serving view so that anonymous GETs are served from the cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        # Both generations are read once for the whole request.
        known = cache.get_many([GENERATION_KEY, CONFIGURATION_KEY])
        token = _request_generations.set(known)
        try:
            return serve(request, *args, **kwargs)
        finally:
            _request_generations.reset(token)

    def serve(request, *args, **kwargs):
        if not is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = cache_key(request)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if is_cacheable_response(response):
            # Browsers and proxies must revalidate: the server copy is invalidated on publish.
            patch_cache_control(response, no_cache=True, public=True)
            cache.set(key, response, timeout())
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
