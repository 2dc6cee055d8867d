"""Project middleware."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

#: Paths outside the language-prefixed site: a 404 there is final, never a redirect to /de/…
UNPREFIXED_PATHS = ("/admin/", "/api/", "/documents/", "/static/", "/media/")


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
