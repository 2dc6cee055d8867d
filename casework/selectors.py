"""Reads of case data, always narrowed to what the user may see.

Visibility is one queryset filter (department membership, Service Point steps, unexpired
django-guardian grants), so lists stay one SQL query whatever is chained onto them.
"""

from django.contrib.auth.models import Group
from django.db.models import Exists, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .constants import CaseState, Role
from .models import (
    Case,
    CaseAccessLog,
    CaseGroupObjectPermission,
    CaseHistory,
    CaseUserObjectPermission,
    Department,
    Membership,
)

__all__ = [
    "SERVICE_POINT_STATES",
    "access_log",
    "access_log_entries",
    "available_transitions",
    "case_history",
    "editable_fields",
    "family_cases",
    "case_departments_of",
    "case_for_applicant",
    "cases_visible_to",
    "get_visible_case",
    "is_office_admin",
    "may_read_access_log",
    "may_use_back_office",
    "roles_of",
    "supervised_departments",
]

#: The steps the Service Point works on: biometrics and fees, then hand-over.
SERVICE_POINT_STATES = (CaseState.CHECKED, CaseState.BIOMETRICS, CaseState.PRODUCED)

OFFICE_ADMIN_GROUP = "Office admins"


def family_cases(case: Case) -> list[Case]:
    """The other cases filed together with ``case``: the main applicant's first, then the
    family members' in the order they were filed. Nobody's visibility is checked here."""
    main_id = case.filed_with_id or case.pk
    return list(
        Case.objects.filter(Q(pk=main_id) | Q(filed_with_id=main_id))
        .exclude(pk=case.pk)
        .select_related("person")
        .order_by(F("filed_with").asc(nulls_first=True), "pk")
    )


def is_office_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=OFFICE_ADMIN_GROUP).exists()


def may_use_back_office(user) -> bool:
    """The one check of who may work with case files, asked by the back-office views and by
    every API call alike (sessions and tokens): an active account with access to the admin
    (the "Casework staff" group or office management) and a department membership or the
    office admin role. Leaving the group or the department ends both at once.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    return is_office_admin(user) or Membership.objects.filter(user=user).exists()


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def case_departments_of(user) -> QuerySet[Department]:
    """Departments whose cases the user works on as caseworker or supervisor."""
    return Department.objects.filter(
        memberships__user=user, memberships__role__in=[Role.CASEWORKER, Role.SUPERVISOR]
    ).distinct()


def _grant_filter(user) -> Q:
    now = timezone.now()
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    user_grants = CaseUserObjectPermission.objects.filter(
        unexpired, user=user, permission__codename="view_case"
    ).values("content_object_id")
    group_grants = CaseGroupObjectPermission.objects.filter(
        unexpired, group__user=user, permission__codename="view_case"
    ).values("content_object_id")
    return Q(pk__in=user_grants) | Q(pk__in=group_grants)


def visibility_filter(user) -> Q | None:
    """The filter that narrows cases to the user's; ``None`` means all cases.

    Everything is in the filter itself (memberships, the office admin group, Service Point
    membership, grants as subqueries), so a list built on it costs one SQL query.
    """
    if user.is_superuser:
        return None
    memberships = Membership.objects.filter(user=user)
    department_ids = memberships.filter(role__in=[Role.CASEWORKER, Role.SUPERVISOR]).values(
        "department_id"
    )
    at_service_point = Exists(memberships.filter(role=Role.SERVICE_POINT))
    office_admin = Exists(Group.objects.filter(name=OFFICE_ADMIN_GROUP, user=user))
    return (
        Q(department_id__in=department_ids)
        | (Q(state__in=SERVICE_POINT_STATES) & Q(at_service_point))
        | Q(office_admin)
        | _grant_filter(user)
    )


def cases_visible_to(user) -> QuerySet[Case]:
    """All cases the user may read, as a lazy queryset (one SQL query when evaluated)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    condition = visibility_filter(user)
    if condition is None:
        return Case.objects.all()
    return Case.objects.filter(condition)


def get_visible_case(user, *, pk: int | None = None, file_number: str | None = None) -> Case:
    """The case if the user may see it; 404 otherwise (never reveals that it exists)."""
    lookup = {"pk": pk} if pk is not None else {"file_number": file_number}
    try:
        return (
            cases_visible_to(user).select_related("person", "case_type", "department").get(**lookup)
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_for_applicant(
    *, file_number: str, birth_date, fields: tuple[str, ...] | None = None
) -> Case | None:
    """The case an applicant proves to be theirs with file number and birth date.

    Answers ``None`` both for unknown file numbers and for a wrong birth date, so callers
    cannot tell the two apart. With ``fields`` only those columns are read (the others load
    when first used): a booking rush runs this for every request.
    """
    if not file_number or birth_date is None:
        return None
    # Only the case itself: callers read its own fields. The file number is unique: no order.
    cases = Case.objects.filter(
        file_number=file_number.strip().upper(), person__birth_date=birth_date
    ).order_by()
    if fields is not None:
        cases = cases.only(*fields)
    return next(iter(cases[:1]), None)


# -- the workflow as seen by one user ---------------------------------------------------------
# (imported lazily: casework.permissions imports this module)


def available_transitions(*, case: Case, user) -> list:
    """The transitions leaving the case's state that the user may fire: allowed ones, and
    unavailable ones with the reasons (``Option.reasons``; ``Option.explain()`` for a line)."""
    from .workflow import CASE_WORKFLOW

    return CASE_WORKFLOW.available(case, user)


def editable_fields(*, case: Case, user) -> set[str]:
    """Fields (and pseudo-fields "person", "documents", "card_orders", "assigned_to") the
    user may still change in the case's current state."""
    from .workflow import CASE_WORKFLOW

    return CASE_WORKFLOW.editable_fields(case, user)


def case_history(*, case: Case) -> QuerySet[CaseHistory]:
    return CaseHistory.objects.filter(case=case).select_related("by").order_by("at", "id")


def supervised_departments(user) -> QuerySet[Department]:
    """Departments whose cases the user oversees: where they are supervisor; every
    department that handles cases for office admins. Reassigning, sharing, continuation
    and the access log are theirs there."""
    if is_office_admin(user):
        return Department.objects.filter(handles_cases=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Department.objects.none()
    return Department.objects.filter(
        memberships__user=user, memberships__role=Role.SUPERVISOR
    ).distinct()


def may_read_access_log(user, case: Case | None = None) -> bool:
    """Office admins (every case) and supervisors (their departments' cases); without a case:
    whether the user may read any part of the access log."""
    from .permissions import is_supervisor_of

    if is_office_admin(user):
        return True
    if case is None:
        return supervised_departments(user).exists()
    return is_supervisor_of(user, case.department_id)


def access_log(*, case: Case, user) -> QuerySet[CaseAccessLog]:
    """Who opened the case file and when: for the department's supervisors and office admins."""
    from django.core.exceptions import PermissionDenied

    if not may_read_access_log(user, case):
        raise PermissionDenied
    return CaseAccessLog.objects.filter(case=case).select_related("user").order_by("-at", "-id")


def access_log_entries(*, user) -> QuerySet[CaseAccessLog]:
    """The office-wide access log as far as the user may read it (the rule of
    :func:`may_read_access_log`, as a queryset): every entry for office admins, the entries on
    their departments' cases for supervisors, nothing for anyone else. Newest first."""
    from django.core.exceptions import PermissionDenied

    if not may_read_access_log(user):
        raise PermissionDenied
    entries = CaseAccessLog.objects.filter(case__in=cases_visible_to(user))
    if not is_office_admin(user):
        entries = entries.filter(case__department__in=supervised_departments(user))
    return entries.select_related(
        "user", "case", "case__person", "case__department", "case__case_type"
    ).order_by("-at", "-id")
