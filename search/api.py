"""The search endpoint of the JSON API (mounted at /api/v1/search/).

Bearer token (as for /api/v1/cases) or a back-office session. Results, the count and the
facets contain only cases the caller may see; every call is logged.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from casework.auth import token_auth

from .backends.base import SORTS
from .selectors import search_cases

router = Router(auth=[token_auth, django_auth], tags=["search"])

MAX_PAGE_SIZE = 100


class SearchParams(Schema):
    q: str = Field(
        "",
        description="Names in any spelling, file or passport number, "
        "birth date (21.07.1969) or words from notes and comments.",
    )
    file_number: str = ""
    passport_number: str = ""
    birth_date: str = Field("", description="YYYY-MM-DD")
    nationality: str = Field("", description="ISO 3166 alpha-3, e.g. UKR")
    case_type: str = Field("", description="Code of the case type")
    state: str = ""
    department: str = Field("", description="Code of the department")
    assigned_to: str = Field("", description="User id of the caseworker")
    received_from: str = Field("", description="YYYY-MM-DD")
    received_to: str = Field("", description="YYYY-MM-DD")
    text: str = Field("", description="Words that must occur in notes or comments")
    sort: str = Field("relevance", description="relevance, received, -received or expiry")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class Hit(Schema):
    file_number: str
    score: float
    family_name: str
    given_names: str
    family_name_native: str
    given_names_native: str
    birth_date: dt.date | None
    nationality: str
    state: str
    case_type: str
    department: str
    received_at: dt.datetime
    title_expires_on: dt.date | None
    highlight_name: str
    highlight_text: str


class FacetValue(Schema):
    value: str | None
    label: str
    count: int


class SearchOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@router.get("/", response={200: SearchOut, 422: Problem}, summary="Search case files")
def search(request, params: Query[SearchParams]):
    """Ranked by name similarity (exact file and passport numbers first), or sorted."""
    if params.sort not in SORTS:
        raise HttpError(422, "sort: relevance, received, -received or expiry")
    filters = params.dict(exclude={"q", "sort", "page", "page_size"})
    try:
        results = search_cases(
            user=request.auth, query=params.q, filters=filters, sort=params.sort, route="api"
        )
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        return Status(
            422,
            {
                "detail": "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()),
                "errors": errors,
            },
        )
    start = (params.page - 1) * params.page_size
    hits = results[start : start + params.page_size]
    return Status(
        200,
        {
            "count": results.count(),
            "page": params.page,
            "page_size": params.page_size,
            "results": [_hit(h) for h in hits],
            "facets": results.facets(),
        },
    )


def _hit(hit) -> dict:
    e = hit.entry
    return {
        "file_number": e.file_number,
        "score": round(hit.score, 4),
        "family_name": e.family_name,
        "given_names": e.given_names,
        "family_name_native": e.family_name_native,
        "given_names_native": e.given_names_native,
        "birth_date": e.birth_date,
        "nationality": e.nationality,
        "state": e.state,
        "case_type": e.case_type.code,
        "department": e.department.code,
        "received_at": e.received_at,
        "title_expires_on": e.title_expires_on,
        "highlight_name": str(hit.highlights["name"]),
        "highlight_text": str(hit.highlights["text"]),
    }
