"""The search endpoint of the JSON API (mounted at /api/v1/search/).

Bearer token (as for /api/v1/cases) or a back-office session. Results, the count and the
facets contain only cases the caller may see; every call is logged.
"""

import datetime as dt
import json
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from casework.api_common import MAX_PAGE, IsoDate, Text, problem_body, problems
from casework.auth import session_auth, token_auth
from casework.services import log_case_accesses

from .backends.interface import SearchUnavailable
from .backends.results import SORTS
from .selectors import search_cases

router = Router(auth=[token_auth, session_auth], tags=["search"])

MAX_PAGE_SIZE = 100


Sort = Literal[tuple(SORTS)]  # type: ignore[misc]


class SearchParams(Schema):
    q: Text(None) = Field(
        "",
        description="Names in any spelling, file or passport number, "
        "birth date (21.07.1969) or words from notes and comments.",
    )
    file_number: Text(40) = ""
    passport_number: Text(40) = ""
    birth_date: IsoDate | None = None
    nationality: str = Field(
        "", pattern=r"^([A-Za-z]{3})?$", description="ISO 3166 alpha-3, e.g. UKR"
    )
    case_type: Text(60) = Field("", description="Code of the case type")
    state: Text(40) = ""
    department: Text(60) = Field("", description="Code of the department")
    assigned_to: int | None = Field(
        None, ge=1, le=2**63 - 1, description="User id of the caseworker"
    )
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    text: Text(None) = Field("", description="Words that must occur in notes or comments")
    sort: Sort = Field("relevance", description="relevance, received, -received or expiry")
    page: int = Field(1, ge=1, le=MAX_PAGE)
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


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


#: Seconds a client should wait before asking again while the search cluster is down.
RETRY_AFTER = 60


@router.get("/", response={200: SearchOut, **problems()}, summary="Search case files")
def search(request, params: Query[SearchParams]):
    """Ranked by name similarity (exact file and passport numbers first), or sorted.

    503 (code ``search_unavailable``, with ``Retry-After``) while the search cluster is
    temporarily unavailable; case data and the other endpoints are not affected.
    """
    try:
        return _search(request, params)
    except SearchUnavailable:
        body = problem_body(
            "search_unavailable",
            _("The case search is temporarily unavailable. Please try again in a few minutes."),
        )
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=503, content_type="application/json"
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response


def _search(request, params):
    filters = {
        key: _as_text(value)
        for key, value in params.dict(exclude={"q", "sort", "page", "page_size"}).items()
    }
    try:
        results = search_cases(
            user=request.auth, query=params.q, filters=filters, sort=params.sort, route="api"
        )
    except ValidationError as exc:
        return Status(
            422,
            problem_body(
                "invalid", _("The search is not valid; see errors."), errors=exc.message_dict
            ),
        )
    start = (params.page - 1) * params.page_size
    hits = list(results[start : start + params.page_size])
    log_case_accesses(case_ids=[hit.case_id for hit in hits], user=request.auth, route="search")
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
