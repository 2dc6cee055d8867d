"""What a user may see, as plain values a search engine can filter on.

casework's :func:`~casework.selectors.visibility_filter` is the definition of visibility: a
queryset condition with subqueries. A search engine needs the same thing as values: the
departments whose cases the user works on, the states the Service Point sees, the cases
shared with the user individually (django-guardian grants, unexpired), or "everything".

The database backend uses both: the values make the condition one that indexes answer
(``department_id IN (…) OR case_id IN (…)``), and casework's condition is added on top, so a
rule this module does not know yet can only hide cases, never show more. Elasticsearch gets
the values as a filter inside its query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from casework.constants import Role
from casework.models import CaseGroupObjectPermission, CaseUserObjectPermission, Membership
from casework.selectors import OFFICE_ADMIN_GROUP, SERVICE_POINT_STATES

__all__ = ["Scope", "resolve_scope"]


@dataclass(frozen=True)
class Scope:
    """The cases of these departments, in these states (any department), or with these ids."""

    everything: bool = False
    department_ids: tuple[int, ...] = ()
    states: tuple[str, ...] = ()
    case_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.department_ids or self.states or self.case_ids)

    def q(self, pk: str = "pk") -> Q | None:
        """The condition on the index table (``None``: no condition); empty scope: no rows."""
        if self.everything:
            return None
        condition = Q(pk__in=[])
        if self.department_ids:
            condition |= Q(department_id__in=self.department_ids)
        if self.states:
            condition |= Q(state__in=self.states)
        if self.case_ids:
            condition |= Q(**{f"{pk}__in": self.case_ids})
        return condition


_EMPTY = Scope()


def _sql() -> str:
    """One statement for memberships, the office admin group and unexpired grants."""
    quote = connection.ops.quote_name
    membership = quote(Membership._meta.db_table)
    group = quote(Group._meta.db_table)
    user_groups = quote(get_user_model().groups.through._meta.db_table)
    permission = quote(Permission._meta.db_table)
    by_user = quote(CaseUserObjectPermission._meta.db_table)
    by_group = quote(CaseGroupObjectPermission._meta.db_table)
    return (
        f"SELECT 0, m.department_id, m.role FROM {membership} m WHERE m.user_id = %s "  # noqa: S608 (model metadata)
        f"UNION ALL SELECT 1, g.id, '' FROM {group} g "
        f"JOIN {user_groups} ug ON ug.group_id = g.id WHERE g.name = %s AND ug.user_id = %s "
        f"UNION ALL SELECT 2, p.content_object_id, '' FROM {by_user} p "
        f"JOIN {permission} pm ON pm.id = p.permission_id WHERE p.user_id = %s "
        "AND pm.codename = 'view_case' AND (p.expires_at IS NULL OR p.expires_at > %s) "
        f"UNION ALL SELECT 2, p.content_object_id, '' FROM {by_group} p "
        f"JOIN {permission} pm ON pm.id = p.permission_id "
        f"JOIN {user_groups} ug ON ug.group_id = p.group_id WHERE ug.user_id = %s "
        "AND pm.codename = 'view_case' AND (p.expires_at IS NULL OR p.expires_at > %s)"
    )


def resolve_scope(user) -> Scope:
    """The user's scope, read in one database round trip."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    if user.is_superuser:
        return Scope(everything=True)
    now = timezone.now()
    params = [user.pk, OFFICE_ADMIN_GROUP, user.pk, user.pk, now, user.pk, now]
    departments, states, case_ids = set(), set(), set()
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    for kind, value, role in rows:
        if kind == 0:
            if role in (Role.CASEWORKER, Role.SUPERVISOR):
                departments.add(value)
            elif role == Role.SERVICE_POINT:
                states.update(SERVICE_POINT_STATES)
        elif kind == 1:
            return Scope(everything=True)
        else:
            case_ids.add(value)
    return Scope(
        department_ids=tuple(sorted(departments)),
        states=tuple(sorted(str(s) for s in states)),
        case_ids=tuple(sorted(case_ids)),
    )
