"""Shares: one case read by a person or group outside its department, for a limited time."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..constants import HistoryEvent
from ..models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from ..policy import policy_for
from ._common import _deny, _record_event, _staff_name


def _grantee_name(grantee_user, grantee_group) -> str:
    if grantee_user is not None:
        return _staff_name(grantee_user)
    return grantee_group.name


#: A share of a single case ends at the latest after this many days.
MAX_SHARE_DAYS = 365


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
    if not policy_for(user).is_supervisor_of(case.department_id):
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
        _record_event(
            case,
            HistoryEvent.SHARED,
            change="shared",
            by=user,
            comment=_("%(grantee)s may read this case until %(until)s.")
            % {
                "grantee": _grantee_name(grantee_user, grantee_group),
                "until": formats.date_format(
                    timezone.localtime(expires_at), "SHORT_DATETIME_FORMAT"
                ),
            },
        )
    return grant


def revoke_share(*, case: Case, user, grantee_user=None, grantee_group: Group | None = None) -> int:
    """End a share now; returns how many grants were removed."""
    if not policy_for(user).is_supervisor_of(case.department_id):
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
        if deleted:
            _record_event(
                case,
                HistoryEvent.SHARE_ENDED,
                change="share_ended",
                by=user,
                comment=_("%(grantee)s may no longer read this case.")
                % {"grantee": _grantee_name(grantee_user, grantee_group)},
            )
    return deleted
