"""Moving a case along its workflow: one transition, its effects and its history row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from ..exceptions import ConcurrentChange, TransitionNotAllowed
from ..models import Case, CaseHistory
from ..policy import policy_for
from ._common import MAX_TEXT, _deny, _notify, _text
from .history import field_change


def _coerce_inputs(case: Case, transition_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the types of a transition's inputs; missing required ones are the workflow's
    business (they become reasons), malformed ones are a ValidationError."""
    t = case.workflow.transition(transition_name)
    specs = {spec.name: spec for spec in t.inputs}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        spec = specs.get(name)
        if spec is None:
            errors[name] = _("“%(transition)s” takes no input “%(name)s”.") % {
                "transition": t.title,
                "name": name,
            }
            continue
        if value is None or value == "":
            continue
        if spec.kind == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                try:
                    value = parse_date(value)
                except ValueError:
                    value = None
            if not isinstance(value, dt.date):
                errors[name] = _("Enter a valid date.")
                continue
        elif spec.kind == "bool":
            if isinstance(value, str):
                value = value.strip().lower() in {"1", "true", "on", "yes"}
            elif (
                not isinstance(value, bool | int)
                or isinstance(value, int)
                and value
                not in (
                    0,
                    1,
                )
            ):
                errors[name] = _("Enter true or false.")
                continue
            value = bool(value)
        elif spec.kind == "choice":
            # Only a string can be one of the choices (a list or object is not: 422, not 500).
            if not isinstance(value, str) or value not in {c for c, _label in spec.choices}:
                errors[name] = _("Select a valid choice.")
                continue
        elif spec.kind == "multiple":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list | tuple | set) or not all(
                isinstance(item, str) for item in value
            ):
                errors[name] = _("Select a valid choice.")
                continue
            value = [str(item) for item in value]
        else:
            limit = MAX_TEXT if spec.kind == "textarea" else 200
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                errors[name] = _("Enter a text.")
                continue
            value = str(value).strip()
            if len(value) > limit:
                errors[name] = _("At most %(count)s characters, please.") % {"count": limit}
                continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


#: Fields a transition changes that its history row shows anyway (state, time).
_NOT_RECORDED = frozenset({"state", "last_transition_at", "updated_at"})


def fire_transition(
    *, case: Case, user, transition: str, note: str = "", data: dict | None = None
) -> Case:
    """Move the case along the workflow, with a history row in the same transaction.

    The ``UPDATE`` includes the state the case had when it was read (django-fsm-2's
    ``ConcurrentTransitionMixin``): if someone else moved it meanwhile, nothing is written
    and :class:`ConcurrentChange` is raised. On any error the instance is left as it was.
    """
    workflow = case.workflow
    if transition not in workflow.transitions:
        raise ValidationError({"transition": _("Unknown transition.")})
    note = _text(note, field="note", required=False)
    inputs = _coerce_inputs(case, transition, data or {})
    roles = set(policy_for(user).roles(case))
    if not workflow.is_permitted(transition, user, case, roles):
        raise _deny()
    _require_inputs(case, transition, inputs, note)
    reasons = workflow.check(case, user, transition, {**inputs, "comment": note}, roles=roles)
    if reasons:
        raise TransitionNotAllowed(reasons, transition=transition)

    snapshot = dict(case.__dict__)
    source = case.state
    now = timezone.now()
    try:
        with transaction.atomic():
            workflow.fire(case, user, transition, inputs)
            case.last_transition_at = now
            changed = [
                f.attname
                for f in Case._meta.concrete_fields
                if case.__dict__.get(f.attname) != snapshot.get(f.attname)
            ]
            case.save(update_fields=[*changed, "updated_at"])
            CaseHistory.objects.create(
                case=case,
                transition=transition,
                from_state=source,
                to_state=case.state,
                at=now,
                by=user,
                comment=note,
                changes=[
                    field_change(name, snapshot.get(name), case.__dict__.get(name))
                    for name in changed
                    if name not in _NOT_RECORDED
                ],
            )
            # What the step writes besides the case, after its own history row (an effect's
            # rows, e.g. the invitation's "letter sent", follow the step's).
            writes = workflow.writes_of(transition)
            if writes is not None:
                writes(case, user, inputs, now)
            if workflow.opens_participations(transition):
                # Requests to other authorities, each with its row after the step's own.
                workflow.participation_opener()(case, user, inputs, now)
            _notify(case, transition)
    except ConcurrentTransition as exc:
        _restore(case, snapshot)
        raise ConcurrentChange() from exc
    except BaseException:
        _restore(case, snapshot)
        raise
    return case


def _require_inputs(case: Case, transition: str, inputs: dict, note: str) -> None:
    """A required input that is missing is an invalid request (422), not a conflict: raised
    when the case is in a state the transition starts from (otherwise the state says no)."""
    workflow = case.workflow
    t = workflow.transition(transition)
    if workflow.current_state(case) not in t.sources:
        return
    errors = {
        spec.name: _("This field is required.")
        for spec in t.inputs
        if spec.is_required(case) and spec.is_missing(inputs)
    }
    if t.needs_comment and not note:
        errors["note"] = _("A comment is required.")
    if errors:
        raise ValidationError(errors)


def _restore(case: Case, snapshot: dict) -> None:
    case.__dict__.clear()
    case.__dict__.update(snapshot)


def _transition_wrapper(name: str):
    def wrapper(*, case: Case, user, note: str = "", **data: Any) -> Case:
        return fire_transition(case=case, user=user, transition=name, note=note, data=data)

    wrapper.__name__ = f"case_{name}"
    wrapper.__doc__ = f"``fire_transition(transition={name!r})`` with the inputs as keywords."
    return wrapper


case_check = _transition_wrapper("check")
case_request_documents = _transition_wrapper("request_documents")
case_take_biometrics = _transition_wrapper("take_biometrics")
case_order_card = _transition_wrapper("order_card")
case_hand_over = _transition_wrapper("hand_over")
case_refuse = _transition_wrapper("refuse")
