"""The JSON API for case files (mounted at /api/v1/cases; schema at /api/v1/openapi.json).

Every endpoint needs a bearer token (:mod:`casework.auth`) and answers only with cases the
token's user may see: a case of another department is "404 Not Found", exactly like a file
number that does not exist.
"""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from . import selectors, services
from .api_common import (
    PATH_PATTERN,
    IsoDate,
    Pagination,
    StrictSchema,
    Text,
    problem_body,
    problems,
)
from .auth import token_auth
from .constants import CaseState
from .exceptions import ConcurrentChange, TransitionNotAllowed
from .models import Case
from .policy import policy_for
from .workflow import CASE_WORKFLOWS
from .worklists import OPEN, WorklistFilters, worklist

StateFilter = Literal[(OPEN, "all", *CaseState.values)]  # type: ignore[misc]
StateName = Literal[tuple(CaseState.values)]  # type: ignore[misc]
WorkflowName = Literal[tuple(CASE_WORKFLOWS)]  # type: ignore[misc]
#: Every transition of every workflow (a case accepts those of its own workflow).
TransitionName = Literal[tuple(CASE_WORKFLOWS.transition_names())]  # type: ignore[misc]
FileNumber = Path(..., max_length=64, pattern=PATH_PATTERN, description="e.g. ABH-2026-000123")

router = Router(auth=token_auth, tags=["cases"])


class CaseFilter(Schema):
    state: StateFilter | None = Field(
        None,
        description="A state, `open` (the default: every state in which the case still "
        "moves) or `all`.",
    )
    case_type: Text(40) | None = Field(None, description="Code of the case type, e.g. `18g`.")
    department: Text(40) | None = Field(None, description="Code of the department.")
    assigned_to_me: bool = False
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    overdue: bool = False


class CaseListItem(Schema):
    file_number: str
    workflow: WorkflowName = Field(
        ..., description="The procedure the case follows (its case type's workflow)."
    )
    state: StateName
    state_title: str
    case_type: str
    legal_basis: str
    department: str
    assigned_to: str | None
    received_at: dt.datetime
    channel: str

    @staticmethod
    def resolve_workflow(obj) -> str:
        return CASE_WORKFLOWS.key_of(obj.workflow)

    @staticmethod
    def resolve_state_title(obj) -> str:
        return obj.state_title

    @staticmethod
    def resolve_case_type(obj) -> str:
        return obj.case_type.code

    @staticmethod
    def resolve_legal_basis(obj) -> str:
        return obj.case_type.legal_basis

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_assigned_to(obj) -> str | None:
        return obj.assigned_to.username if obj.assigned_to_id else None


class PersonOut(Schema):
    family_name: str
    given_names: str
    family_name_native: str
    given_names_native: str
    birth_date: dt.date
    nationality: str


class DocumentOut(Schema):
    code: str
    name: str
    received: bool
    due_on: dt.date | None


class FeesOut(Schema):
    due_cents: int
    paid_cents: int
    reduction_reason: str


class FieldChangeOut(Schema):
    field: str = Field(
        ...,
        description="Field name: a case field (`title_expires_on`) or one of the person "
        "(`person.passport_number`).",
    )
    label: str = Field(..., description="The field's name for people (translated).")
    old: str = Field(..., description="Old value as text (dates ISO 8601, empty: none).")
    new: str = Field(..., description="New value as text (dates ISO 8601, empty: none).")


class HistoryOut(Schema):
    transition: str
    from_state: str
    to_state: str
    at: dt.datetime
    by: str | None = Field(None, description="User name of the staff member, if one acted.")
    via: str = Field("", description="Channel of the step, e.g. `online` for the receipt.")
    actor: str = Field(
        ...,
        description="Who acted: the staff member's name, else the channel (e.g. "
        "“Online application”), else “System”.",
    )
    comment: str
    changes: list[FieldChangeOut] = Field(
        default_factory=list, description="Fields this step changed, with old and new values."
    )


class TransitionOption(Schema):
    name: str
    title: str
    target: str
    allowed: bool
    reasons: list[str]


class CaseDetail(Schema):
    file_number: str
    workflow: WorkflowName
    state: StateName
    state_title: str
    case_type: str
    legal_basis: str
    department: str
    assigned_to: str | None
    received_at: dt.datetime
    channel: str
    person: PersonOut
    is_extension: bool
    title_expires_on: dt.date | None
    filed_in_time: bool | None
    fees: FeesOut
    documents: list[DocumentOut]
    history: list[HistoryOut]
    transitions: list[TransitionOption]


#: One input of a transition: text, a date (YYYY-MM-DD), a choice, yes/no, or a list of codes.
InputValue = Text(4000) | bool | int | list[Text(200)] | None
InputName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]


class TransitionIn(StrictSchema):
    transition: TransitionName = Field(..., description="Name of the transition, e.g. `check`.")
    note: Text(4000) = ""
    data: dict[InputName, InputValue] = Field(
        default_factory=dict,
        json_schema_extra={"additionalProperties": False},
        description="The transition's inputs by name (see `transitions` of the case: dates "
        "as YYYY-MM-DD, choices as one of their values, `documents` as a list of codes).",
    )
    expected_state: StateName | None = Field(
        None,
        description="The state the caller last saw; if the case has moved on since, nothing "
        "happens and the answer is 409.",
    )


class TransitionOut(Schema):
    file_number: str
    state: StateName
    state_title: str


@router.get(
    "/",
    response={200: list[CaseListItem], **problems()},
    summary="Cases visible to the caller",
)
@paginate(Pagination, page_size=50, max_page_size=200)
def list_cases(request, filters: Query[CaseFilter]):
    """Oldest receipt first, the order in which the office works."""
    state = OPEN if filters.state is None else filters.state
    qs = worklist(
        request.auth,
        filters=WorklistFilters(
            state="" if state == "all" else state,
            received_from=filters.received_from,
            received_to=filters.received_to,
            overdue=filters.overdue,
        ),
        mine=filters.assigned_to_me,
    )
    if filters.case_type:
        qs = qs.filter(case_type__code=filters.case_type)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    return qs


@router.get(
    "/{file_number}",
    response={200: CaseDetail, **problems(404)},
    summary="One case file (the access is logged)",
)
def case_detail(request, file_number: str = FileNumber):
    user = request.auth
    case = selectors.get_visible_case(user, file_number=file_number)
    services.log_case_access(case=case, user=user, route="api")
    full = policy_for(user).sees_full_file(case)
    options = selectors.available_transitions(case=case, user=user)
    return {
        "file_number": case.file_number,
        "workflow": CaseListItem.resolve_workflow(case),
        "state": case.state,
        "state_title": CaseListItem.resolve_state_title(case),
        "case_type": case.case_type.code,
        "legal_basis": case.case_type.legal_basis,
        "department": case.department.code,
        "assigned_to": CaseListItem.resolve_assigned_to(case),
        "received_at": case.received_at,
        "channel": case.channel,
        "person": case.person,
        "is_extension": case.is_extension,
        "title_expires_on": case.title_expires_on,
        "filed_in_time": case.filed_in_time,
        "fees": {
            "due_cents": case.fee_due_cents,
            "paid_cents": case.fee_paid_cents,
            "reduction_reason": case.fee_reduction_reason,
        },
        "documents": list(case.documents.all()) if full else [],
        "history": [
            {
                "transition": row.transition,
                "from_state": row.from_state,
                "to_state": row.to_state,
                "at": row.at,
                "by": row.by.username if row.by else None,
                "via": row.via,
                "actor": row.actor,
                "comment": row.comment,
                "changes": [
                    {**entry, "label": line["field"]}
                    for entry, line in zip(row.changes or (), row.change_lines, strict=True)
                ],
            }
            for row in selectors.case_history(case=case)
        ]
        if full
        else [],
        "transitions": [
            {
                "name": o.name,
                "title": str(o.title),
                "target": o.target,
                "allowed": o.allowed,
                "reasons": [str(r) for r in o.reasons],
            }
            for o in options
        ],
    }


@router.post(
    "/{file_number}/transitions",
    response={200: TransitionOut, **problems(403, 404, 409)},
    summary="Fire a transition",
)
def fire(request, payload: TransitionIn, file_number: str = FileNumber):
    """200 with the new state; 409 with the reasons when it is not possible now (or someone
    else changed the case at the same time); 403 when the caller may see but not change it;
    422 for missing or malformed inputs (``errors`` by input name)."""
    user = request.auth
    case = selectors.get_visible_case(user, file_number=file_number)
    if payload.expected_state and payload.expected_state != case.state:
        return Status(409, _conflict([_moved_on_message(case)]))
    try:
        case = services.fire_transition(
            case=case,
            user=user,
            transition=payload.transition,
            note=payload.note,
            data=payload.data,
        )
    except PermissionDenied:
        return Status(403, problem_body("forbidden", _("You may see this case but not change it.")))
    except TransitionNotAllowed as exc:
        return Status(
            409,
            problem_body(
                "not_allowed",
                _("This step is not possible now; see reasons."),
                reasons=exc.reasons,
            ),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"data": exc.messages}
        return Status(
            422, problem_body("invalid", _("The inputs are not valid; see errors."), errors=errors)
        )
    except ConcurrentChange:
        return Status(409, _conflict([_concurrent_message()]))
    return Status(
        200,
        {
            "file_number": case.file_number,
            "state": case.state,
            "state_title": case.state_title,
        },
    )


def _conflict(reasons: list[str]) -> dict:
    return problem_body(
        "conflict", _("The case was changed meanwhile; nothing was changed."), reasons=reasons
    )


def _moved_on_message(case: Case) -> str:
    return _("the case is now “%(state)s”") % {"state": case.state_title}


def _concurrent_message() -> str:
    return _("someone else changed this case at the same time; nothing was changed")
