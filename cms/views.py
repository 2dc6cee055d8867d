"""Public views that are not Wagtail pages: search, health check, error pages, cached serve."""

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from wagtail import views as wagtail_views

from . import selectors
from .cache import cached_view

serve = cached_view(wagtail_views.serve)

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
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the error page without a request context: the database may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
