"""Answers while the database cannot be reached: 503 with ``Retry-After``, never a traceback.

JSON (a ``Problem``) for the API, a translated page for people. The page is rendered without
a request context (no session, no user, no site settings): the database is what failed.
Whatever the request was writing is rolled back with the lost connection or transaction.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

__all__ = [
    "api_not_found",
    "database_unavailable_response",
    "is_database_unavailable",
    "retry_after_seconds",
]

logger = logging.getLogger("config.unavailable")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached, dropped the connection, or is locked/overloaded."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retry_after_seconds() -> int:
    return int(getattr(settings, "DATABASE_RETRY_AFTER_SECONDS", 30))


def database_unavailable_response(request) -> HttpResponse:
    seconds = retry_after_seconds()
    logger.warning("database unavailable: %s %s answered 503", request.method, request.path)
    if request.path.startswith("/api/"):
        body = {
            "code": "unavailable",
            "detail": _(
                "The service is unavailable for a moment; nothing was changed. "
                "Please try again in %(seconds)s seconds."
            )
            % {"seconds": seconds},
            "reasons": [],
            "errors": {},
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=503, content_type="application/json"
        )
    else:
        page = loader.get_template("503.html").render({"retry_after": seconds})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    return response


def api_not_found(request) -> HttpResponse:
    """An API path that names no endpoint: a JSON ``Problem`` 404, with the right spelling
    when the path differs from an endpoint only by its trailing slash."""
    from django.urls import Resolver404, resolve

    path = request.path
    other = path[:-1] if path.endswith("/") else path + "/"
    try:
        resolve(other)
        hint = other
    except Resolver404:
        hint = ""
    if hint:
        detail = _("No endpoint at %(path)s. Did you mean %(hint)s?") % {"path": path, "hint": hint}
    else:
        detail = _("No endpoint at %(path)s; the schema is at /api/v1/openapi.json.") % {
            "path": path
        }
    body = {"code": "not_found", "detail": detail, "reasons": [], "errors": {}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=404, content_type="application/json"
    )
