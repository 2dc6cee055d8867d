"""Who read which case file (data protection): the access log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import AccessRoute
from ..models import Case, CaseAccessLog
from ._common import _deny

#: Where a case file can be opened from (the access log's ``route``).
ACCESS_ROUTES = tuple(AccessRoute.values)


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
