"""Helpers the service modules share: locking, permission to edit, history events, input checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Case, CaseHistory
from ..policy import WORKING_ROLES, policy_for
from ..signals import announce

MAX_TEXT = 5000


def _notify(case: Case, change: str) -> None:
    """Announce the change of this case after the commit (see :func:`casework.signals.announce`)."""
    announce([case.pk], change, case=case)


def _event_row(
    case_id: int,
    state: str,
    event: str,
    *,
    by=None,
    at: dt.datetime | None = None,
    via: str = "",
    comment: str = "",
    changes: list[dict[str, str]] | None = None,
) -> CaseHistory:
    """An unsaved history row for an event beside the workflow (a document received, a share,
    an edit): the case stays in its ``state``, so the row goes from it to it. For bulk work
    (``CaseHistory.objects.bulk_create``); a single case uses :func:`_record_event`."""
    return CaseHistory(
        case_id=case_id,
        transition=event,
        from_state=state,
        to_state=state,
        at=at or timezone.now(),
        by=by,
        via=via,
        comment=comment,
        changes=changes or [],
    )


def _record_event(case: Case, event: str, *, change: str, **fields: Any) -> CaseHistory:
    """Write the history row of an event on ``case`` in its current state (see
    :func:`_event_row` for ``fields``) and announce ``change`` on commit."""
    row = _event_row(case.pk, case.state, event, **fields)
    row.case = case
    row.save(force_insert=True)
    _notify(case, change)
    return row


def _deny() -> PermissionDenied:
    return PermissionDenied(_("You may not do this with this case."))


def _locked(case: Case) -> Case:
    """The case row re-read under a row lock (writes that are not transitions)."""
    return Case.objects.select_for_update().select_related("person", "case_type").get(pk=case.pk)


def _require_editable(case: Case, user, *fields: str) -> set[str]:
    roles = set(policy_for(user).roles(case))
    if not roles & WORKING_ROLES:
        raise _deny()
    editable = case.workflow.editable_fields(case, user, roles=roles)
    if not set(fields) <= editable:
        raise ValidationError(
            _("This cannot be changed while the case is “%(state)s”.") % {"state": case.state_title}
        )
    return roles


def _sync(target: Case, source: Case, fields: list[str]) -> None:
    """Copy saved values onto the caller's instance so it reflects the database."""
    for name in fields:
        target.__dict__[name] = source.__dict__[name]


def _text(value: Any, *, field: str, required: bool = True, max_length: int = MAX_TEXT) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("At most %(count)s characters, please.") % {"count": max_length}}
        )
    return text


def _staff_name(user) -> str:
    if user is None:
        return _("nobody")
    return user.get_full_name() or user.get_username()
