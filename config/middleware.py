"""Project middleware."""

from csp.middleware import CSPMiddleware
from django.conf import settings
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


class DatabaseUnavailableMiddleware:
    """A view that lost the database answers 503 with ``Retry-After`` (not a 500).

    Errors raised before the view (the session or token lookup in another middleware) reach
    the 500 handler (:func:`cms.views.server_error`), which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from config.unavailable import database_unavailable_response, is_database_unavailable

        if is_database_unavailable(exception):
            return database_unavailable_response(request)
        return None


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def forms_answer_control_characters(view):
    """Marks a public view whose every text field is read through a
    :class:`config.forms.PublicForm` (or only through a signed token): a form POST with control
    characters reaches it, and the applicant sees a translated error at the field, with what
    they typed kept, instead of an error page. Put it outermost, above other decorators."""
    view.forms_answer_control_characters = True
    return view


class RejectControlCharactersMiddleware:
    """Text with control characters is refused at the edge with a clear 400, before any view.

    NUL (which PostgreSQL cannot store), the other C0 controls except tab, line feed and
    carriage return, DEL and lone surrogates are refused in the path, the query string,
    form fields and every string of a JSON body. Uploaded files are not looked at. The one
    exception: form POSTs to the public views marked :func:`forms_answer_control_characters`,
    whose forms refuse them at the field (:mod:`config.forms`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.find_problem(request)
        if problem is not None and not self.answered_by_forms(request):
            return self.refuse(request, problem)
        return self.get_response(request)

    @classmethod
    def answered_by_forms(cls, request) -> bool:
        """A form POST (path and query string clean) to a view marked with
        :func:`forms_answer_control_characters`: its public forms show the error at the field."""
        from django.urls import Resolver404, resolve

        if request.method != "POST" or (request.content_type or "") not in FORM_CONTENT_TYPES:
            return False
        if cls.find_problem(request, body=False) is not None:
            return False
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return False
        return getattr(view, "forms_answer_control_characters", False)

    @staticmethod
    def find_problem(request, *, body: bool = True) -> str | None:
        from casework.api_common import CONTROL_CHARACTERS

        if CONTROL_CHARACTERS.search(request.path) or any(
            char in request.path for char in "\t\n\r"
        ):
            return "path"
        for key, values in request.GET.lists():
            if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values):
                return key
        if body and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type == "application/json":
                return _json_problem(request)
            if content_type in FORM_CONTENT_TYPES:
                for key, values in request.POST.lists():
                    if CONTROL_CHARACTERS.search(key) or any(
                        CONTROL_CHARACTERS.search(v) for v in values
                    ):
                        return key
        return None

    @staticmethod
    def refuse(request, field: str):
        import json

        from django.http import HttpResponse
        from django.template import loader
        from django.utils.translation import gettext as _

        detail = _("“%(field)s” contains control characters (such as NUL); please remove them.") % {
            "field": field[:60]
        }
        if request.path.startswith("/api/"):
            body = {
                "code": "bad_request",
                "detail": detail,
                "reasons": [],
                "errors": {field[:60]: [_("Control characters are not allowed.")]},
            }
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), status=400, content_type="application/json"
            )
        page = loader.get_template("400.html").render({"detail": detail})
        return HttpResponse(page, status=400)


def _json_problem(request) -> str | None:
    import json

    from casework.api_common import CONTROL_CHARACTERS

    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None  # the API answers 400 for a body it cannot read

    stack = [("body", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL_CHARACTERS.search(key):
                    return key
                stack.append((key, item))
        elif isinstance(value, list):
            stack.extend((where, item) for item in value)
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware: ``CONTENT_SECURITY_POLICY`` on every page (no inline script
    or style: our own pages need none), with ``ABH_CSP_RELAXED_PATHS`` for the Wagtail admin and
    the API docs, which need what the settings say there and nothing more."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.replace is not None:
            return parts
        for prefix, replace in getattr(settings, "ABH_CSP_RELAXED_PATHS", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = replace
                break
        return parts
