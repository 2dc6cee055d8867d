"""What every router of the JSON API shares: one error schema, and input types that say in
the OpenAPI schema exactly what the server accepts.

Every error answer is a :class:`Problem`: a machine-readable ``code`` (English, stable), a
``detail`` for people in the request's language (``Accept-Language``; German by default),
``reasons`` (why a step is not possible) and ``errors`` (per input field).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema

__all__ = [
    "CONTROL_CHARACTERS",
    "DATE_MAX",
    "DATE_MIN",
    "IsoDate",
    "MAX_PAGE",
    "PATH_PATTERN",
    "TEXT_PATTERN",
    "Pagination",
    "Problem",
    "StrictSchema",
    "Text",
    "problem_body",
    "problems",
]

#: Characters refused in every text input and path: C0 controls except tab, line feed and
#: carriage return, DEL, and lone surrogates (not text; PostgreSQL cannot store NUL at all).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: The same set for the OpenAPI schema (ECMA-262 syntax).
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
#: A path parameter: no control characters at all, no slash.
PATH_PATTERN = r"^[^\u0000-\u001f\u007f/]+$"

#: Dates before or after these are read as these (a filter from 0001-01-01 means "from the
#: start"); no date computation can overflow.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
#: The last page number any list answers (beyond it: 422).
MAX_PAGE = 10_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StrictSchema(Schema):
    """A request body: a property the schema does not name is refused (422), and the OpenAPI
    schema says so (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")


class Problem(Schema):
    """An error: ``code`` for programs, ``detail`` for people (in the request's language)."""

    code: str = Field(..., description="Stable, machine-readable error code.", examples=["invalid"])
    detail: str = Field(..., description="What went wrong, in the request's language.")
    reasons: list[str] = Field(
        default_factory=list, description="Why the step is not possible now (409)."
    )
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per input field (422)."
    )


def problem_body(code: str, detail: str, *, reasons=(), errors=None) -> dict[str, Any]:
    return {
        "code": code,
        "detail": str(detail),
        "reasons": [str(r) for r in reasons],
        "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()},
    }


#: Answers any endpoint can give: bad text (400), the framework's validation (422), the
#: database unavailable (503).
COMMON = (400, 422, 503)


def problems(*codes: int, auth: bool = True) -> dict[int, type[Problem]]:
    """The error part of a ``response=`` declaration: ``{**problems(404), 200: Out}``."""
    wanted = set(COMMON) | set(codes)
    if auth:
        wanted |= {401}
    return dict.fromkeys(sorted(wanted), Problem)


def _iso_date_only(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` is a date (pydantic would take numbers as Unix timestamps)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    return value


def _clamp(value: dt.date) -> dt.date:
    return min(max(value, DATE_MIN), DATE_MAX)


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date_only),
    AfterValidator(_clamp),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": "YYYY-MM-DD; dates before 1900-01-01 or after 2199-12-31 count as "
            "those days.",
        }
    ),
]


def Text(max_length: int | None = 200, **kwargs) -> Any:  # noqa: N802 - reads like a type
    """A string without control characters, at most ``max_length`` characters (``None``:
    any length; the receiver shortens it)."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length, pattern=TEXT_PATTERN),
        *([Field(**kwargs)] if kwargs else []),
    ]


class Pagination(PageNumberPagination):
    """Page numbers from 1 to :data:`MAX_PAGE` (beyond: 422, never a database error)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
