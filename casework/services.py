"""Writes on case data. Every function checks the permission itself, runs in one transaction
and changes nothing when it raises.

- ``PermissionDenied``: the user may not do this with this case.
- ``ValidationError``: bad input (translated messages, per field where there is one).
- :class:`~casework.exceptions.TransitionNotAllowed`: the workflow says no; ``reasons`` why.
- :class:`~casework.exceptions.ConcurrentChange`: someone else was faster; reload.

Side effects outside the database (the :data:`case_changed` signal, which search indexing and
notifications listen to) run on commit only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from .constants import (
    FINAL_STATES,
    AccessRoute,
    CardOrderStatus,
    Channel,
    FamilyRelation,
    HistoryEvent,
    PhotoSource,
)
from .exceptions import ConcurrentChange, TransitionNotAllowed
from .files import case_folder_is_dirty
from .models import (
    CardOrder,
    Case,
    CaseAccessLog,
    CaseComment,
    CaseDocument,
    CaseGroupObjectPermission,
    CaseHistory,
    CaseType,
    CaseUserObjectPermission,
    FileNumberSequence,
    HandOver,
    Person,
)
from .permissions import VIEWER, case_roles, is_caseworker_of, is_supervisor_of
from .selectors import is_office_admin
from .workflow import CASE_WORKFLOW

__all__ = [
    "ACCESS_ROUTES",
    "MAX_SHARE_DAYS",
    "add_comment",
    "case_changed",
    "case_check",
    "case_hand_over",
    "case_order_card",
    "case_refuse",
    "case_request_documents",
    "case_take_biometrics",
    "create_case",
    "title_expiry_problem",
    "erase_person",
    "ErasureResult",
    "fire_transition",
    "log_case_access",
    "log_case_accesses",
    "mark_document_received",
    "receive_applicant_documents",
    "reassign",
    "record_biometrics",
    "record_card_delivered",
    "record_fee_payment",
    "revoke_share",
    "share_case",
    "update_case",
]

#: Sent after the transaction that changed a case has committed (``case``, ``change``).
case_changed = Signal()

#: Where a case file can be opened from (the access log's ``route``).
ACCESS_ROUTES = tuple(AccessRoute.values)
#: A share of a single case ends at the latest after this many days.
MAX_SHARE_DAYS = 365
#: The Bundesdruckerei takes about four to six weeks.
CARD_PRODUCTION_TIME = dt.timedelta(weeks=6)
#: Taking the digital photo at the office's terminal costs 6 EUR.
ON_SITE_PHOTO_FEE_CENTS = 600
MAX_TEXT = 5000


def _notify(case: Case, change: str) -> None:
    transaction.on_commit(lambda: case_changed.send(sender=Case, case=case, change=change))


def _deny() -> PermissionDenied:
    return PermissionDenied(_("You may not do this with this case."))


def _locked(case: Case) -> Case:
    """The case row re-read under a row lock (writes that are not transitions)."""
    return Case.objects.select_for_update().select_related("person", "case_type").get(pk=case.pk)


def _require_editable(case: Case, user, *fields: str) -> set[str]:
    roles = case_roles(user, case)
    if not roles - {VIEWER}:
        raise _deny()
    editable = CASE_WORKFLOW.editable_fields(case, user, roles=roles)
    if not set(fields) <= editable:
        raise ValidationError(
            _("This cannot be changed while the case is “%(state)s”.")
            % {"state": case.get_state_display()}
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


# -- file numbers --------------------------------------------------------------------------


def _next_file_number(year: int) -> str:
    """``ABH-<year>-<6 digits>``, gap-free per year: the counter row is locked until commit.

    A number whose transaction rolled back is handed out again, but never onto a folder
    that already holds files (left by a crash): such a number is skipped.
    """
    FileNumberSequence.objects.bulk_create([FileNumberSequence(year=year)], ignore_conflicts=True)
    sequence = FileNumberSequence.objects.select_for_update().get(year=year)
    while True:
        sequence.last += 1
        number = f"ABH-{year}-{sequence.last:06d}"
        # Numbers taken by imported files are skipped rather than reused.
        if not Case.objects.filter(file_number=number).exists() and not case_folder_is_dirty(
            number
        ):
            break
    sequence.save(update_fields=["last"])
    return number


# -- cases ---------------------------------------------------------------------------------


#: An eAT is valid for at most ten years: an expiry date further away is a typing error.
TITLE_MAX_YEARS = 10


def title_expiry_problem(expires_on: dt.date, *, received_on: dt.date) -> str | None:
    """Why the expiry date of a current title cannot be right (``None`` if it can)."""
    from .workflow import add_years

    latest = add_years(received_on, TITLE_MAX_YEARS)
    earliest = add_years(received_on, -TITLE_MAX_YEARS)
    if expires_on > latest:
        return _(
            "A residence title is valid for at most %(years)s years: the expiry date cannot be "
            "after %(date)s. Please check the date."
        ) % {"years": TITLE_MAX_YEARS, "date": formats.date_format(latest, "SHORT_DATE_FORMAT")}
    if expires_on < earliest:
        return _("This expiry date is more than %(years)s years ago. Please check the date.") % {
            "years": TITLE_MAX_YEARS
        }
    return None


def create_case(
    *,
    person: Person,
    case_type: CaseType,
    channel: str,
    received_at: dt.datetime | None = None,
    user=None,
    channel_town: str = "",
    is_extension: bool = False,
    current_title: str = "",
    title_expires_on: dt.date | None = None,
    notes: str = "",
    assigned_to=None,
    filed_with: Case | None = None,
    family_relation: str = "",
) -> Case:
    """Register an application: file number, fees, document checklist, first history row.

    A family member applying together with a main applicant gets a case of their own, linked
    to the main case (``filed_with``) with their ``family_relation`` to that applicant.

    ``user`` is ``None`` for applications that arrive without a person in the office (the
    online service). An extension filed after the current title expired is flagged
    (``filed_in_time=False``): it does not keep the applicant's status (§ 81 (4) AufenthG).
    """
    errors: dict[str, str] = {}
    now = timezone.now()
    if person is None or person.pk is None:
        errors["person"] = _("Save the person first.")
    if case_type is None or not case_type.active:
        errors["case_type"] = _("This case type is no longer in use.")
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel “%(channel)s”.") % {"channel": channel}
    channel_town = (channel_town or "").strip()
    if channel == Channel.BUERGERBUERO and not channel_town:
        errors["channel_town"] = _("Name the town whose Bürgerbüro received the application.")
    if received_at is None:
        received_at = now
    elif not isinstance(received_at, dt.datetime) or timezone.is_naive(received_at):
        errors["received_at"] = _("Give the receipt time with date, time and time zone.")
    elif received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = _("The receipt time cannot be in the future.")
    if is_extension and not isinstance(title_expires_on, dt.date):
        errors["title_expires_on"] = _("An extension needs the expiry date of the current title.")
    if title_expires_on is not None and not isinstance(title_expires_on, dt.date):
        errors["title_expires_on"] = _("Enter a valid date.")
    elif title_expires_on is not None and isinstance(received_at, dt.datetime):
        problem = title_expiry_problem(
            title_expires_on, received_on=timezone.localdate(received_at)
        )
        if problem:
            errors["title_expires_on"] = problem
    if len(current_title or "") > 200:
        errors["current_title"] = _("At most %(count)s characters, please.") % {"count": 200}
    if len(notes or "") > MAX_TEXT:
        errors["notes"] = _("At most %(count)s characters, please.") % {"count": MAX_TEXT}
    if filed_with is not None:
        if filed_with.pk is None or filed_with.filed_with_id is not None:
            errors["filed_with"] = _("Link family members to the main applicant's case.")
        if family_relation not in FamilyRelation.values:
            errors["family_relation"] = _("Say how the person is related to the main applicant.")
    elif family_relation:
        errors["family_relation"] = _("A relation needs the main applicant's case.")
    if errors:
        raise ValidationError(errors)

    department = case_type.department
    if user is not None and not (
        is_office_admin(user)
        or is_caseworker_of(user, department)
        or is_supervisor_of(user, department)
    ):
        raise _deny()
    if assigned_to is not None and not is_caseworker_of(assigned_to, department):
        raise ValidationError(
            {"assigned_to": _("Cases can only be assigned to a caseworker of the department.")}
        )

    filed_in_time = None
    if is_extension:
        filed_in_time = timezone.localdate(received_at) <= title_expires_on

    with transaction.atomic():
        case = Case(
            file_number=_next_file_number(timezone.localdate(received_at).year),
            person=person,
            case_type=case_type,
            department=department,
            assigned_to=assigned_to,
            received_at=received_at,
            channel=channel,
            channel_town=channel_town,
            is_extension=is_extension,
            current_title=current_title or "",
            title_expires_on=title_expires_on,
            filed_in_time=filed_in_time,
            fee_due_cents=case_type.fee_title_cents + case_type.fee_card_cents,
            notes=notes or "",
            filed_with=filed_with,
            family_relation=family_relation if filed_with is not None else "",
        )
        case.save()
        CaseDocument.objects.bulk_create(
            CaseDocument(case=case, code=item.code, name=item.name)
            for item in case_type.required_documents.all()
        )
        CaseHistory.objects.create(
            case=case,
            transition=HistoryEvent.CREATED,
            from_state="",
            to_state=case.state,
            at=now,
            by=user,
            via=channel,
            comment=_("Application received (%(channel)s).") % {"channel": Channel(channel).label},
        )
        _notify(case, "created")
    return case


def _coerce_inputs(transition_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the types of a transition's inputs; missing required ones are the workflow's
    business (they become reasons), malformed ones are a ValidationError."""
    t = CASE_WORKFLOW.transition(transition_name)
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


def _after_request_documents(case: Case, user, data: Mapping[str, Any], now) -> None:
    codes = data.get("documents") or []
    documents = case.documents.all()
    if codes:
        unknown = set(codes) - set(documents.values_list("code", flat=True))
        if unknown:
            raise ValidationError(
                {
                    "documents": _("Not on this case's checklist: %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )
        documents = documents.filter(code__in=codes)
        documents.update(received=False, received_at=None)
    else:
        documents = documents.filter(received=False)
    documents.update(requested_at=now, due_on=data["due_on"])


def _new_card_order(case: Case, user, data: Mapping[str, Any], now) -> None:
    number = case.card_orders.count() + 1
    CardOrder.objects.create(
        case=case,
        order_number=f"{case.file_number}-K{number}",
        ordered_at=now,
        expected_on=timezone.localdate(now) + CARD_PRODUCTION_TIME,
    )


def _after_production_failed(case: Case, user, data: Mapping[str, Any], now) -> None:
    case.card_orders.filter(status=CardOrderStatus.ORDERED).update(
        status=CardOrderStatus.FAILED, failure_reason=data.get("failure_reason", "")[:200]
    )


def _after_hand_over(case: Case, user, data: Mapping[str, Any], now) -> None:
    HandOver.objects.create(
        case=case,
        collected_by=data["collected_by"],
        collected_by_authorised=bool(data.get("collected_by_authorised")),
        belehrung_handed_over=bool(data.get("belehrung_handed_over")),
        belehrung_language=data.get("belehrung_language") or "",
        handed_over_at=now,
        handed_over_by=user,
    )


#: Rows a transition writes besides the case itself (same transaction).
_AFTER: dict[str, Callable[[Case, Any, Mapping[str, Any], dt.datetime], None]] = {
    "request_documents": _after_request_documents,
    "order_card": _new_card_order,
    "reorder": _new_card_order,
    "production_failed": _after_production_failed,
    "hand_over": _after_hand_over,
}


def fire_transition(
    *, case: Case, user, transition: str, note: str = "", data: dict | None = None
) -> Case:
    """Move the case along the workflow, with a history row in the same transaction.

    The ``UPDATE`` includes the state the case had when it was read (django-fsm-2's
    ``ConcurrentTransitionMixin``): if someone else moved it meanwhile, nothing is written
    and :class:`ConcurrentChange` is raised. On any error the instance is left as it was.
    """
    if transition not in CASE_WORKFLOW.transitions:
        raise ValidationError({"transition": _("Unknown transition.")})
    note = _text(note, field="note", required=False)
    inputs = _coerce_inputs(transition, data or {})
    roles = case_roles(user, case)
    if not CASE_WORKFLOW.is_permitted(transition, user, case, roles):
        raise _deny()
    _require_inputs(case, transition, inputs, note)
    reasons = CASE_WORKFLOW.check(case, user, transition, {**inputs, "comment": note}, roles=roles)
    if reasons:
        raise TransitionNotAllowed(reasons, transition=transition)

    snapshot = dict(case.__dict__)
    source = case.state
    now = timezone.now()
    try:
        with transaction.atomic():
            CASE_WORKFLOW.fire(case, user, transition, inputs)
            case.last_transition_at = now
            changed = [
                f.attname
                for f in Case._meta.concrete_fields
                if case.__dict__.get(f.attname) != snapshot.get(f.attname)
            ]
            case.save(update_fields=[*changed, "updated_at"])
            after = _AFTER.get(transition)
            if after is not None:
                after(case, user, inputs, now)
            CaseHistory.objects.create(
                case=case,
                transition=transition,
                from_state=source,
                to_state=case.state,
                at=now,
                by=user,
                comment=note,
            )
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
    t = CASE_WORKFLOW.transition(transition)
    if CASE_WORKFLOW.current_state(case) not in t.sources:
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


# -- edits that are not transitions ----------------------------------------------------------

#: Fields :func:`update_case` may set (when the state lets the user's role edit them).
UPDATABLE_FIELDS = (
    "channel",
    "channel_town",
    "is_extension",
    "current_title",
    "title_expires_on",
    "checked_25a",
    "checked_25b",
    "granted_until",
    "notes",
    "photo_reference",
    "signature_taken",
)


def update_case(*, case: Case, user, changes: Mapping[str, Any]) -> Case:
    """Change plain fields of the case, as far as the state lets the user's role edit them."""
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, *changes)
        errors = {}
        for name, value in changes.items():
            field = Case._meta.get_field(name)
            try:
                setattr(locked, field.attname, field.clean(value, locked))
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        if locked.channel == Channel.BUERGERBUERO and not locked.channel_town:
            raise ValidationError(
                {"channel_town": _("Name the town whose Bürgerbüro received the application.")}
            )
        fields = list(changes)
        if {"is_extension", "title_expires_on"} & set(changes):
            problem = locked.title_expires_on and title_expiry_problem(
                locked.title_expires_on, received_on=timezone.localdate(locked.received_at)
            )
            if problem:
                raise ValidationError({"title_expires_on": problem})
            if locked.is_extension and locked.title_expires_on is None:
                raise ValidationError(
                    {
                        "title_expires_on": _(
                            "An extension needs the expiry date of the current title."
                        )
                    }
                )
            locked.filed_in_time = (
                timezone.localdate(locked.received_at) <= locked.title_expires_on
                if locked.is_extension
                else None
            )
            fields.append("filed_in_time")
        locked.save(update_fields=[*fields, "updated_at"])
        _notify(locked, "updated")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def add_comment(*, case: Case, user, text: str) -> CaseComment:
    text = _text(text, field="text")
    roles = case_roles(user, case)
    if not roles - {VIEWER}:
        raise _deny()
    with transaction.atomic():
        comment = CaseComment.objects.create(case=case, author=user, text=text)
    return comment


def reassign(*, case: Case, user, assignee) -> Case:
    """Give the case to another caseworker of its department (supervisors only); the change
    is a row of the case's history (the state stays as it is)."""
    if not is_supervisor_of(user, case.department_id):
        raise _deny()
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "assigned_to")
        if assignee is not None and not (
            assignee.is_active and is_caseworker_of(assignee, locked.department_id)
        ):
            raise ValidationError(
                {"assignee": _("Cases can only be assigned to a caseworker of the department.")}
            )
        previous = locked.assigned_to
        if (previous.pk if previous else None) != (assignee.pk if assignee else None):
            locked.assigned_to = assignee
            locked.save(update_fields=["assigned_to", "updated_at"])
            CaseHistory.objects.create(
                case=locked,
                transition=HistoryEvent.REASSIGNED,
                from_state=locked.state,
                to_state=locked.state,
                at=timezone.now(),
                by=user,
                comment=_("Previously: %(previous)s. Now: %(assignee)s.")
                % {"previous": _staff_name(previous), "assignee": _staff_name(assignee)},
            )
            _notify(locked, "reassigned")
    _sync(case, locked, ["assigned_to_id", "updated_at"])
    case._state.fields_cache.pop("assigned_to", None)
    return case


def _staff_name(user) -> str:
    if user is None:
        return _("nobody")
    return user.get_full_name() or user.get_username()


def _share_target(grantee_user, grantee_group):
    if (grantee_user is None) == (grantee_group is None):
        raise ValidationError(_("Choose either a person or a group."))
    if grantee_user is not None and not grantee_user.is_active:
        raise ValidationError({"grantee_user": _("This account is not active.")})


def share_case(
    *,
    case: Case,
    user,
    grantee_user=None,
    grantee_group: Group | None = None,
    expires_at: dt.datetime,
) -> CaseUserObjectPermission | CaseGroupObjectPermission:
    """Let one person or group outside the department read this case until ``expires_at``."""
    if not is_supervisor_of(user, case.department_id):
        raise _deny()
    _share_target(grantee_user, grantee_group)
    now = timezone.now()
    if not isinstance(expires_at, dt.datetime) or timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": _("Give the end of the share with date and time.")})
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The date must be in the future.")})
    if expires_at > now + dt.timedelta(days=MAX_SHARE_DAYS):
        raise ValidationError(
            {
                "expires_at": _("A share ends after %(days)s days at the latest.")
                % {"days": MAX_SHARE_DAYS}
            }
        )
    view = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    with transaction.atomic():
        if grantee_user is not None:
            grant, _created = CaseUserObjectPermission.objects.update_or_create(
                user=grantee_user,
                permission=view,
                content_object=case,
                defaults={"expires_at": expires_at, "granted_by": user},
            )
        else:
            grant, _created = CaseGroupObjectPermission.objects.update_or_create(
                group=grantee_group,
                permission=view,
                content_object=case,
                defaults={"expires_at": expires_at, "granted_by": user},
            )
    return grant


def revoke_share(*, case: Case, user, grantee_user=None, grantee_group: Group | None = None) -> int:
    """End a share now; returns how many grants were removed."""
    if not is_supervisor_of(user, case.department_id):
        raise _deny()
    _share_target(grantee_user, grantee_group)
    with transaction.atomic():
        if grantee_user is not None:
            deleted, _detail = CaseUserObjectPermission.objects.filter(
                user=grantee_user, content_object=case
            ).delete()
        else:
            deleted, _detail = CaseGroupObjectPermission.objects.filter(
                group=grantee_group, content_object=case
            ).delete()
    return deleted


def record_fee_payment(*, case: Case, user, amount_cents: int, reduction_reason: str = "") -> Case:
    """Record a payment. A reduction (only on an SGB II / SGB XII notice) waives the rest."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise ValidationError({"amount_cents": _("Enter the amount in cents (0 or more).")})
    reduction_reason = _text(
        reduction_reason, field="reduction_reason", required=False, max_length=200
    )
    if amount_cents == 0 and not reduction_reason:
        raise ValidationError({"amount_cents": _("Enter the amount paid.")})
    with transaction.atomic():
        locked = _locked(case)
        fields = ["fee_paid_cents"] + (["fee_reduction_reason"] if reduction_reason else [])
        _require_editable(locked, user, *fields)
        open_cents = max(locked.fee_due_cents - locked.fee_paid_cents, 0)
        if amount_cents > open_cents:
            raise ValidationError(
                {
                    "amount_cents": _("Only %(amount)s EUR are still due.")
                    % {"amount": f"{open_cents / 100:.2f}"}
                }
            )
        locked.fee_paid_cents += amount_cents
        if reduction_reason:
            locked.fee_reduction_reason = reduction_reason
            locked.fee_due_cents = locked.fee_paid_cents
            fields.append("fee_due_cents")
        locked.save(update_fields=[*fields, "updated_at"])
        _notify(locked, "fee_paid")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def record_biometrics(
    *,
    case: Case,
    user,
    photo_source: str,
    photo_reference: str = "",
    fingerprints_exempt: bool = False,
) -> Case:
    """Photo, fingerprints (everyone aged 6 and over) and signature, taken at the counter."""
    if photo_source not in {PhotoSource.QR_CODE, PhotoSource.ON_SITE}:
        raise ValidationError({"photo_source": _("Select where the photo comes from.")})
    photo_reference = _text(
        photo_reference, field="photo_reference", required=False, max_length=200
    )
    if photo_source == PhotoSource.QR_CODE and not photo_reference:
        raise ValidationError(
            {"photo_reference": _("Enter the reference of the photographer's code.")}
        )
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "photo_source", "photo_reference", "fingerprints_exempt")
        today = timezone.localdate()
        birth = locked.person.birth_date
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if fingerprints_exempt and age >= 6:
            raise ValidationError(
                {"fingerprints_exempt": _("Fingerprints are taken from everyone aged 6 and over.")}
            )
        fields = [
            "photo_source",
            "photo_reference",
            "fingerprints_exempt",
            "signature_taken",
            "biometrics_taken_at",
        ]
        if photo_source == PhotoSource.ON_SITE and locked.photo_source != PhotoSource.ON_SITE:
            locked.fee_due_cents += ON_SITE_PHOTO_FEE_CENTS
            fields.append("fee_due_cents")
        locked.photo_source = photo_source
        locked.photo_reference = photo_reference
        locked.fingerprints_exempt = bool(fingerprints_exempt)
        locked.signature_taken = True
        locked.biometrics_taken_at = timezone.now()
        locked.save(update_fields=[*fields, "updated_at"])
        _notify(locked, "biometrics")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def receive_applicant_documents(
    *,
    case: Case,
    files: Mapping[str, str],
    via: str = Channel.ONLINE,
    now: dt.datetime | None = None,
) -> list[CaseDocument]:
    """Documents the applicant sent themselves (the online application, the status page).

    ``files`` maps checklist codes of the case to files already checked and stored in the
    private storage by the caller. Each item is marked received with its file, one history
    row names them (actor: the channel), and the change is announced on commit. No user is
    involved: the caller has identified the applicant (file number and date of birth).
    Unknown codes change nothing and raise ``ValidationError``.
    """
    if not files:
        return []
    if via not in Channel.values:
        raise ValidationError({"via": _("Unknown channel “%(channel)s”.") % {"channel": via}})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.state in FINAL_STATES:
            raise ValidationError(_("This case is closed; documents can no longer be added."))
        documents = {
            document.code: document
            for document in CaseDocument.objects.select_for_update().filter(
                case=locked, code__in=list(files)
            )
        }
        unknown = sorted(set(files) - set(documents))
        if unknown:
            raise ValidationError(
                {
                    "code": _("Not on this case's checklist: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )
        for code, name in files.items():
            document = documents[code]
            document.received = True
            document.received_at = now
            document.file = name
            document.save(update_fields=["received", "received_at", "file"])
        CaseHistory.objects.create(
            case=locked,
            transition=HistoryEvent.DOCUMENTS_RECEIVED,
            from_state=locked.state,
            to_state=locked.state,
            at=now,
            via=via,
            comment=", ".join(documents[code].name for code in files),
        )
        _notify(locked, "documents")
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("documents", None)
    return [documents[code] for code in files]


def mark_document_received(*, case: Case, user, code: str, received: bool = True) -> CaseDocument:
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "documents")
        try:
            document = CaseDocument.objects.select_for_update().get(case=locked, code=code)
        except CaseDocument.DoesNotExist:
            raise ValidationError({"code": _("This document is not on the checklist.")}) from None
        document.received = bool(received)
        document.received_at = timezone.now() if received else None
        document.save(update_fields=["received", "received_at"])
        _notify(locked, "documents")
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("documents", None)
    return document


def record_card_delivered(*, case: Case, user) -> CardOrder:
    """The Bundesdruckerei delivered the card of the open order to the office."""
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "card_orders")
        order = (
            locked.card_orders.select_for_update()
            .filter(status=CardOrderStatus.ORDERED)
            .order_by("-ordered_at", "-id")
            .first()
        )
        if order is None:
            raise ValidationError(_("There is no open card order for this case."))
        order.status = CardOrderStatus.DELIVERED
        order.delivered_at = timezone.now()
        order.save(update_fields=["status", "delivered_at"])
        _notify(locked, "card_delivered")
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("card_orders", None)
    return order


def log_case_access(*, case: Case, user, route: str) -> None:
    """Record that ``user`` opened the case file (data protection: who read what, when)."""
    if route not in ACCESS_ROUTES:
        raise ValidationError({"route": _("Unknown route “%(route)s”.") % {"route": route}})
    if not getattr(user, "is_authenticated", False):
        raise _deny()
    CaseAccessLog.objects.create(case=case, user=user, route=route)


def log_case_accesses(*, case_ids, user, route: str) -> int:
    """One access-log row per case shown at once (a page of search results, an export):
    names and birth dates in a list are read as much as an opened file. One INSERT."""
    if route not in ACCESS_ROUTES:
        raise ValidationError({"route": _("Unknown route “%(route)s”.") % {"route": route}})
    if not getattr(user, "is_authenticated", False):
        raise _deny()
    now = timezone.now()
    rows = [
        CaseAccessLog(case_id=case_id, user=user, route=route, at=now)
        for case_id in dict.fromkeys(case_ids)
    ]
    CaseAccessLog.objects.bulk_create(rows)
    return len(rows)


# -- erasure (retention, DSGVO Art. 17) -----------------------------------------------------------


@dataclass
class ErasureResult:
    """What :func:`erase_person` deleted: rows per model label, and the stored files to remove.

    ``files`` are ``(model label, field name, stored name)`` of every file field (and of the
    case documents' ``file``) on a deleted row; the caller removes them from the disk after
    the commit, so a rollback never leaves rows whose files are gone.
    """

    counts: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str, str]] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    file_numbers: list[str] = field(default_factory=list)


def _stored_files(collector: Collector) -> list[tuple[str, str, str]]:
    """The file names held by the rows a collector is about to delete, any model."""
    files: list[tuple[str, str, str]] = []

    def add(model, rows) -> None:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if model is CaseDocument:
            fields.append(model._meta.get_field("file"))
        for f in fields:
            for row in rows:
                name = str(getattr(row, f.attname) or "")
                if name:
                    files.append((model._meta.label, f.name, name))

    for model, instances in collector.data.items():
        add(model, instances)
    for queryset in collector.fast_deletes:
        add(queryset.model, queryset)
    return files


def erase_person(*, person: Person, user) -> ErasureResult:
    """Delete a person with every case and whatever hangs off them, in one transaction.

    For the deletion released under the office's retention rules (office management only).
    Every row that refers to the person or a case through a cascading foreign key goes with
    them, whichever app declared it; a row that protects a case (``PROTECT``) stops the
    erasure with ``ProtectedError``: its app must remove it first. Files on disk are *not*
    touched here (see :class:`ErasureResult`).
    """
    if not is_office_admin(user):
        raise PermissionDenied(_("Only office management may delete personal data."))
    result = ErasureResult()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        cases = list(Case.objects.select_for_update().filter(person=person).order_by("pk"))
        result.case_ids = [case.pk for case in cases]
        result.file_numbers = [case.file_number for case in cases]
        # The cases first: they protect the person.
        for rows, origin in ((cases, cases[0] if cases else None), ([person], person)):
            if not rows:
                continue
            collector = Collector(using=Person.objects.db, origin=origin)
            collector.collect(rows)
            result.files += _stored_files(collector)
            _total, counts = collector.delete()
            for label, n in counts.items():
                if n:
                    result.counts[label] = result.counts.get(label, 0) + n
        # No ``case_changed``: its receivers work on live cases. Search removes the index
        # entries on the cases' ``post_delete``; the caller asks search to forget the rest.
    return result
