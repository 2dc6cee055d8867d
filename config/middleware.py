"""Project middleware."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from wagtail.contrib.redirects.middleware import RedirectMiddleware as WagtailRedirectMiddleware

#: Paths outside the language-prefixed site: a 404 there is final, never a redirect to /de/…
UNPREFIXED_PATHS = ("/admin/", "/api/", "/documents/", "/static/", "/media/")
#: Paths whose 404 is an answer of the application, never an old address of the public site.
NO_REDIRECT_PATHS = ("/admin/", "/api/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the 404 → /<lang>/… redirect for the admin and API.

    With the Wagtail catch-all page route every language-prefixed path "resolves", so Django
    would answer an API or back-office 404 with a redirect to the public site.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED_PATHS):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)


class RedirectMiddleware(WagtailRedirectMiddleware):
    """Wagtail's redirects for the public site, not looked up for an API or back-office 404.

    There an unknown file number is a 404 too; looking for an editor's redirect would cost two
    queries per wrong guess and could turn an API answer into a redirect to a page.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(NO_REDIRECT_PATHS):
            return response
        return super().process_response(request, response)
