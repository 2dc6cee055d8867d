"""Public views that are not Wagtail pages: search, health check, error pages, cached serve."""

import sys

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from wagtail import views as wagtail_views

from . import selectors
from .cache import cached_view
from .routing import route_request


def _serve_page(request, path):
    """Wagtail's page view, with site, locale and route found through the cache."""
    route_request(request, path)
    return wagtail_views.serve(request, path)


serve = cached_view(_serve_page)

SEARCH_PAGE_SIZE = 10


def search(request):
    """Full-text search over the live public pages of the current language."""
    query = request.GET.get("q", "").strip()[:200]
    results = None
    if query:
        paginator = Paginator(selectors.search_pages(query=query), SEARCH_PAGE_SIZE)
        results = paginator.get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "results": results})


@never_cache
def healthz(request):
    """Trivial liveness check; also the baseline of the page benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from config.unavailable import api_not_found

        return api_not_found(request)
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the error page without a request context: the database may be what failed.

    A database that cannot be reached is a 503 with ``Retry-After`` (JSON for the API).
    """
    from config.unavailable import database_unavailable_response, is_database_unavailable

    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
