"""Registering a case and editing it outside the workflow: fields, comments, assignment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..constants import Channel, FamilyRelation, HistoryEvent
from ..files import case_folder_is_dirty
from ..models import (
    Case,
    CaseComment,
    CaseDocument,
    CaseHistory,
    CaseType,
    FileNumberSequence,
    Person,
)
from ..policy import policy_for
from ._common import (
    MAX_TEXT,
    _deny,
    _locked,
    _notify,
    _record_event,
    _require_editable,
    _staff_name,
    _sync,
    _text,
)
from .history import field_change, field_changes
from .register import record_title_being_extended

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
    from ..workflow import add_years

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
    photo_source: str = "",
    photo_reference: str = "",
) -> Case:
    """Register an application: file number, fees, document checklist, first history row.

    A family member applying together with a main applicant gets a case of their own, linked
    to the main case (``filed_with``) with their ``family_relation`` to that applicant.

    ``user`` is ``None`` for applications that arrive without a person in the office (the
    online service, which also passes where the photo comes from: ``photo_source`` and
    ``photo_reference``). An extension filed after the current title expired is flagged
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
    photo_field = Case._meta.get_field("photo_source")
    if photo_source and photo_source not in dict(photo_field.flatchoices):
        errors["photo_source"] = _("Unknown photo source.")
    if len(photo_reference or "") > 200:
        errors["photo_reference"] = _("At most %(count)s characters, please.") % {"count": 200}
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
    if user is not None and not policy_for(user).may_create_case_in(department):
        raise _deny()
    if assigned_to is not None and not policy_for(assigned_to).is_caseworker_of(department):
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
            photo_source=photo_source or "",
            photo_reference=photo_reference or "",
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
        if case.workflow.state(case.state).opens_participations:
            case.workflow.participation_opener()(case, user, {}, now)
        # The register learns of the title being extended (if it does not know it yet).
        record_title_being_extended(case, user=user, at=case.created_at)
        _notify(case, "created")
    return case


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
        before = {name: getattr(locked, Case._meta.get_field(name).attname) for name in changes}
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
        changed = field_changes(
            before, {name: getattr(locked, Case._meta.get_field(name).attname) for name in changes}
        )
        if "title_expires_on" in changes or "is_extension" in changes:
            record_title_being_extended(
                locked, user=user, at=timezone.now(), previous=before.get("title_expires_on")
            )
        if changed:
            _record_event(locked, HistoryEvent.UPDATED, change="updated", by=user, changes=changed)
        else:
            _notify(locked, "updated")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def add_comment(*, case: Case, user, text: str) -> CaseComment:
    text = _text(text, field="text")
    if not policy_for(user).may_change(case):
        raise _deny()
    with transaction.atomic():
        comment = CaseComment.objects.create(case=case, author=user, text=text)
    return comment


def reassign(*, case: Case, user, assignee) -> Case:
    """Give the case to another caseworker of its department (supervisors only); the change
    is a row of the case's history (the state stays as it is)."""
    if not policy_for(user).is_supervisor_of(case.department_id):
        raise _deny()
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "assigned_to")
        if assignee is not None and not (
            assignee.is_active and policy_for(assignee).is_caseworker_of(locked.department_id)
        ):
            raise ValidationError(
                {"assignee": _("Cases can only be assigned to a caseworker of the department.")}
            )
        previous = locked.assigned_to
        if (previous.pk if previous else None) != (assignee.pk if assignee else None):
            locked.assigned_to = assignee
            locked.save(update_fields=["assigned_to", "updated_at"])
            _record_event(
                locked,
                HistoryEvent.REASSIGNED,
                change="reassigned",
                by=user,
                comment=_("Previously: %(previous)s. Now: %(assignee)s.")
                % {"previous": _staff_name(previous), "assignee": _staff_name(assignee)},
                changes=[field_change("assigned_to", previous, assignee)],
            )
    _sync(case, locked, ["assigned_to_id", "updated_at"])
    case._state.fields_cache.pop("assigned_to", None)
    return case
