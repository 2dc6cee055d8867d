"""The JSON API. Each app contributes a router; the OpenAPI schema is at /api/v1/openapi.json.

Every error, whoever raises it (a router, the framework's validation, the token check, a
database outage), is answered with the one :class:`casework.api_common.Problem` schema.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from casework.api_common import problem_body
from config.unavailable import database_unavailable_response, is_database_unavailable

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="ABH API",
    version="1.0.0",
    urls_namespace="api",
    description="Case files of the immigration office. Every endpoint needs a token and "
    "answers only with what the token's user may see. Every error is a `Problem` "
    "(`code`, `detail` in the request's language, `reasons`, `errors`).",
    # The Swagger UI comes from django-ninja's own static files ("ninja" is installed);
    # no validator badge, which would send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/cases", "casework.api.router")
api.add_router("/search", "search.api.router")
api.add_router("/statistics", "operations.api.router")
api.add_router("/appointments", "appointments.api.router")

#: The codes of the plain HTTP errors a router raises with ``HttpError(status, message)``.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
    503: "unavailable",
}


def problem_response(request, status: int, code: str, detail, **extra):
    return api.create_response(request, problem_body(code, detail, **extra), status=status)


def _field(loc) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return problem_response(
        request, 422, "invalid", _("The request is not valid; see errors."), errors=errors
    )


@api.exception_handler(DjangoValidationError)
def _invalid_django(request, exc: DjangoValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
    return problem_response(
        request, 422, "invalid", _("The request is not valid; see errors."), errors=errors
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    response = problem_response(
        request, 401, "unauthorized", _("A valid API token is required (Authorization: Bearer).")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem_response(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code
    return problem_response(request, status, STATUS_CODES.get(status, "error"), exc.message)


@api.exception_handler(DatabaseError)
def _database(request, exc: DatabaseError):
    if is_database_unavailable(exc):
        return database_unavailable_response(request)
    raise exc
