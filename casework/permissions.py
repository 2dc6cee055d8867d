"""Who may do what with a case: roles derived from department memberships.

One function, :func:`case_roles`, turns a user and a case into roles; the workflow declaration
(:mod:`casework.workflow`) says what each role may fire and edit, and the helpers here answer
the usual questions. The rules match :func:`casework.selectors.cases_visible_to`: a role on a
case implies that the case is visible to the user.
"""

from django.contrib.auth.models import Group
from django.db.models import BigIntegerField, Q, Value
from django.utils import timezone

from .constants import Role
from .models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Department,
    Membership,
)
from .selectors import OFFICE_ADMIN_GROUP, SERVICE_POINT_STATES

__all__ = [
    "CASEWORKER",
    "OFFICE_ADMIN",
    "SERVICE_POINT",
    "SUPERVISOR",
    "VIEWER",
    "can_change",
    "can_fire",
    "can_view",
    "case_roles",
    "has_active_grant",
    "is_caseworker_of",
    "is_supervisor_of",
]

CASEWORKER = str(Role.CASEWORKER)
SUPERVISOR = str(Role.SUPERVISOR)
SERVICE_POINT = str(Role.SERVICE_POINT)
#: Technical and office management: sees every case; in the workflow a "Manager".
OFFICE_ADMIN = "office_admin"
#: Someone outside the department with an unexpired share of this one case (read only).
VIEWER = "viewer"


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def has_active_grant(user, case: Case, codename: str = "view_case") -> bool:
    now = timezone.now()
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    direct = CaseUserObjectPermission.objects.filter(
        unexpired, user=user, content_object=case, permission__codename=codename
    )
    via_group = CaseGroupObjectPermission.objects.filter(
        unexpired, group__user=user, content_object=case, permission__codename=codename
    )
    return direct.exists() or via_group.exists()


def case_roles(user, case: Case) -> set[str]:
    """The roles ``user`` holds on ``case``; empty means the case is not theirs to see."""
    if not _active(user):
        return set()
    roles: set[str] = set()
    if user.is_superuser:
        roles.add(OFFICE_ADMIN)
    # Memberships and the office admin group in one query.
    office_admin = (
        Group.objects.filter(name=OFFICE_ADMIN_GROUP, user=user)
        .annotate(role=Value(OFFICE_ADMIN), department_id=Value(None, BigIntegerField()))
        .values_list("role", "department_id")
    )
    memberships = (
        Membership.objects.filter(user=user)
        .filter(Q(department_id=case.department_id) | Q(role=Role.SERVICE_POINT))
        .values_list("role", "department_id")
    )
    for role, department_id in memberships.union(office_admin, all=True):
        if role == OFFICE_ADMIN:
            roles.add(OFFICE_ADMIN)
        elif role == Role.SERVICE_POINT:
            # The Service Point serves every department, but only at its own steps.
            if case.state in SERVICE_POINT_STATES:
                roles.add(SERVICE_POINT)
        elif department_id == case.department_id:
            roles.add(role)
    if not roles and has_active_grant(user, case):
        roles.add(VIEWER)
    return roles


def can_view(user, case: Case) -> bool:
    return bool(case_roles(user, case))


def can_change(user, case: Case) -> bool:
    """Whether the user may still edit some field of the case in its current state."""
    from .workflow import CASE_WORKFLOW

    return bool(CASE_WORKFLOW.editable_fields(case, user))


def can_fire(user, case: Case, transition: str) -> bool:
    """Whether the transition leaves the case's current state and the user holds its
    permission (guards, such as unpaid fees, are not considered: see
    :func:`casework.selectors.available_transitions` for the reasons)."""
    from .workflow import CASE_WORKFLOW

    t = CASE_WORKFLOW.transitions.get(transition)
    if t is None or case.state not in t.sources:
        return False
    return CASE_WORKFLOW.is_permitted(t, user, case)


def _has_role(user, department: Department | int, role: str) -> bool:
    if not _active(user):
        return False
    department_id = getattr(department, "pk", department)
    return Membership.objects.filter(user=user, department_id=department_id, role=role).exists()


def is_supervisor_of(user, department: Department | int) -> bool:
    return _has_role(user, department, Role.SUPERVISOR)


def is_caseworker_of(user, department: Department | int) -> bool:
    return _has_role(user, department, Role.CASEWORKER)
