"""Whole-response cache for public Wagtail pages, built on Django's cache framework.

Anonymous GET requests for a page are answered from the cache without touching the database.
Every cached response is stored under a generation number; publishing, unpublishing, moving or
deleting a page or changing the office settings bumps the generation, so the next request
renders afresh. Editors (anyone with a session cookie) always get a fresh page.

The generation lives in the default cache. With several server processes that cache must be
shared (set REDIS_URL); with the per-process local-memory cache another process may serve
the previous version for up to ``CMS_PAGE_CACHE_TIMEOUT`` seconds (default 300).
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri

GENERATION_KEY = "cms:page-cache:generation"
DEFAULT_TIMEOUT = 300


def timeout() -> int:
    return getattr(settings, "CMS_PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, timeout=None)
    return value


def invalidate() -> None:
    """Make every cached page stale; called whenever public content changes."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


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
