"""One answer to "may this user …" for case files (Wagtail's permission-policy pattern).

:data:`case_policy` answers, for one user, both "may they do this with this case"
(:meth:`~CasePermissionPolicy.user_has_permission_for_instance`) and "with which cases may they
do it" (:meth:`~CasePermissionPolicy.instances_user_has_permission_for`), as a queryset and as
plain values a search engine filters on (:class:`CaseScope`). Everything else that asks who
may work with case files (the back office and its menus, the API's tokens and sessions,
search, statistics and exports, appointments, bulk continuation, privacy's office management,
retention and deletion, jobs) asks :func:`policy_for` ``(user)``, never the tables itself.

What a user may do follows from three things, read in one query per user and request and then
answered from memory (:class:`UserCasePolicy`):

- department memberships (:class:`~casework.models.Membership`): caseworkers and supervisors
  work on their departments' cases; Service Point staff on every department's cases while the
  case is at the Service Point's steps (:data:`~casework.constants.SERVICE_POINT_STATES`);
- office management: members of the group :data:`~casework.constants.OFFICE_ADMIN_GROUP` (and
  superusers) see and oversee every case;
- shares: unexpired django-guardian grants of ``view_case`` on single cases, to the user or to
  one of their groups, let someone outside the department read that case.

The result is cached on the user object (one object per request; a job holds its own), and
dropped when a membership, a group, a share or the account itself changes in this process.
The workflow declaration (:mod:`casework.workflow`) says what each :class:`Role` may fire and
edit in each state; this module says who holds which role.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from wagtail.permission_policies.base import BasePermissionPolicy

from .constants import OFFICE_ADMIN_GROUP, SERVICE_POINT_STATES, Role
from .models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Department,
    Membership,
    ResidenceRecord,
)

__all__ = [
    "Action",
    "CasePermissionPolicy",
    "CaseScope",
    "Role",
    "UserCasePolicy",
    "case_policy",
    "case_roles",
    "notice_roles",
    "participation_roles",
    "policy_for",
]


class Action:
    """What a user does with a case (the ``action`` of the policy's questions).

    A transition's name is an action too: "may fire it now" (state and role, not guards).
    """

    #: Open the case file; find it in lists, search results and exports.
    VIEW = "view"
    #: Work on it: comment, edit what its state lets the role edit, fire transitions.
    CHANGE = "change"
    #: Oversee it: reassign, share, read who opened it.
    SUPERVISE = "supervise"

    ALL = (VIEW, CHANGE, SUPERVISE)


#: Roles that work on a case (everyone but a viewer of a share).
WORKING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.SERVICE_POINT, Role.OFFICE_ADMIN})
#: Memberships that give a department's cases (the Service Point's come by state).
DEPARTMENT_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
#: Who records a person's household on a case (:meth:`UserCasePolicy.may_record_household`).
HOUSEHOLD_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.OFFICE_ADMIN})


@dataclass(frozen=True)
class CaseScope:
    """Which cases, as plain values: everything, or the cases of these departments, or in
    these states (any department), or with these ids. What a search engine filters on, and
    what :meth:`q` turns into a condition for any table with those columns."""

    everything: bool = False
    department_ids: tuple[int, ...] = ()
    states: tuple[str, ...] = ()
    case_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.department_ids or self.states or self.case_ids)

    def q(self, *, pk: str = "pk", department: str = "department_id", state: str = "state"):
        """The condition (``None``: no condition); an empty scope matches no row."""
        if self.everything:
            return None
        condition = Q(**{f"{pk}__in": []})
        if self.department_ids:
            condition |= Q(**{f"{department}__in": self.department_ids})
        if self.states:
            condition |= Q(**{f"{state}__in": self.states})
        if self.case_ids:
            condition |= Q(**{f"{pk}__in": self.case_ids})
        return condition


NOTHING = CaseScope()
EVERYTHING = CaseScope(everything=True)

# -- what is read per user ------------------------------------------------------------------

_MEMBERSHIP, _OFFICE_ADMIN, _GRANT, _PERMISSION = 0, 1, 2, 3
#: Kinds 5 to 7: whether the user's groups hold Wagtail's page, collection or site permissions
#: (the admin's menu asks on every page; see :func:`_wagtail_permission_caches`).
_WAGTAIL = 5


def _wagtail_permission_caches() -> list[tuple[str, Any]]:
    """Wagtail's per-user permission caches (attribute on the user, model of its rows), in
    the order of the kinds from :data:`_WAGTAIL` on."""
    from wagtail.models import GroupCollectionPermission, GroupPagePermission, GroupSitePermission

    return [
        ("_page_permission_cache", GroupPagePermission),
        ("_collection_permission_cache", GroupCollectionPermission),
        ("_site_permission_cache", GroupSitePermission),
    ]


def _rows(user) -> list[tuple[int, int | None, str, dt.datetime | None]]:
    """Memberships, the office admin group, ``view_case`` grants (to the user or a group of
    theirs, with their expiry) and the user's model permissions, in one query."""
    integer, text, moment = IntegerField(), CharField(), DateTimeField()

    def shape(qs, kind: int, number, label, when):
        number, label, when = (F(x) if isinstance(x, str) else x for x in (number, label, when))
        return (
            qs.order_by()
            .annotate(k=Value(kind, integer), n=number, t=label, w=when)
            .values_list("k", "n", "t", "w")
        )

    now = timezone.now()
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    no_text, no_time = Value("", text), Value(None, moment)
    grant = {"permission__codename": "view_case"}
    parts = [
        # The grants first: their expiry gives the last column its type (PostgreSQL resolves
        # the column types of a UNION from left to right).
        shape(
            CaseUserObjectPermission.objects.filter(unexpired, user=user, **grant),
            _GRANT,
            "content_object_id",
            no_text,
            "expires_at",
        ),
        shape(
            CaseGroupObjectPermission.objects.filter(unexpired, group__user=user, **grant),
            _GRANT,
            "content_object_id",
            no_text,
            "expires_at",
        ),
        shape(Membership.objects.filter(user=user), _MEMBERSHIP, "department_id", "role", no_time),
        shape(
            Group.objects.filter(name=OFFICE_ADMIN_GROUP, user=user),
            _OFFICE_ADMIN,
            "id",
            no_text,
            no_time,
        ),
    ]
    if not user.is_superuser and not hasattr(user, "_perm_cache"):
        # Django's own permission lookup (``user.has_perm``), asked by the admin on every
        # request: read here in the same round trip and handed to Django's cache below.
        name = Concat("content_type__app_label", Value("."), "codename", output_field=text)
        parts.append(
            shape(
                Permission.objects.filter(user=user), _PERMISSION, Value(0, integer), name, no_time
            )
        )
        parts.append(
            shape(
                Permission.objects.filter(group__user=user),
                _PERMISSION + 1,
                Value(0, integer),
                name,
                no_time,
            )
        )
    if not user.is_superuser:
        # Whether Wagtail needs to read the user's page, collection and site permissions at all
        # (most staff hold none: the admin's menu then asks nothing more).
        for offset, (_cache, model) in enumerate(_wagtail_permission_caches()):
            parts.append(
                shape(
                    model.objects.filter(group__user=user),
                    _WAGTAIL + offset,
                    Value(0, integer),
                    no_text,
                    no_time,
                )
            )
    first, *rest = parts
    return list(first.union(*rest, all=True))


# Bumped whenever something a policy was read from changes in this process, so a user object
# that outlives the change (a test, a job) reads again instead of answering from old data.
_generation = 0


def _changed(**kwargs: Any) -> None:
    global _generation
    _generation += 1


for _model in (Membership, CaseUserObjectPermission, CaseGroupObjectPermission, Group):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"policy-{_model.__name__}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"policy-{_model.__name__}-delete")
post_save.connect(_changed, sender=get_user_model(), dispatch_uid="policy-user-save")
m2m_changed.connect(
    _changed, sender=get_user_model().groups.through, dispatch_uid="policy-user-groups"
)
m2m_changed.connect(
    _changed, sender=get_user_model().user_permissions.through, dispatch_uid="policy-user-perms"
)
m2m_changed.connect(_changed, sender=Group.permissions.through, dispatch_uid="policy-group-perms")


class UserCasePolicy:
    """What one user may do with case files, answered from memory after one query."""

    def __init__(self, user) -> None:
        self.user = user
        self.generation = _generation
        self.is_office_admin = False
        #: department id -> the membership roles the user holds there
        self.memberships: dict[int, frozenset[str]] = {}
        self._grants: dict[int, dt.datetime | None] = {}
        if not self.active:
            return
        self.is_office_admin = bool(user.is_superuser)
        memberships: dict[int, set[str]] = {}
        user_perms: set[str] = set()
        group_perms: set[str] = set()
        prime = not user.is_superuser and not hasattr(user, "_perm_cache")
        wagtail_kinds = set()
        for kind, number, label, when in _rows(user):
            if kind == _MEMBERSHIP:
                memberships.setdefault(number, set()).add(label)
            elif kind == _OFFICE_ADMIN:
                self.is_office_admin = True
            elif kind == _GRANT:
                latest = self._grants.get(number, dt.datetime.min.replace(tzinfo=dt.UTC))
                self._grants[number] = None if when is None or latest is None else max(when, latest)
            elif kind == _PERMISSION:
                user_perms.add(label)
            elif kind == _PERMISSION + 1:
                group_perms.add(label)
            else:
                wagtail_kinds.add(kind)
        self.memberships = {dept: frozenset(roles) for dept, roles in memberships.items()}
        if prime:
            # The values ModelBackend would read itself (see django.contrib.auth.backends).
            user._user_perm_cache = user_perms
            user._group_perm_cache = group_perms
            user._perm_cache = user_perms | group_perms
        if not user.is_superuser:
            # Wagtail's policies cache a queryset of these rows on the user; where there are
            # none, an empty one answers without a query (as Wagtail's own for superusers).
            for offset, (cache, model) in enumerate(_wagtail_permission_caches()):
                if _WAGTAIL + offset not in wagtail_kinds and not hasattr(user, cache):
                    setattr(user, cache, model.objects.none())

    @property
    def active(self) -> bool:
        user = self.user
        return bool(getattr(user, "is_authenticated", False) and user.is_active)

    # -- who the user is ------------------------------------------------------------------------

    def _departments(self, roles: Iterable[str]) -> frozenset[int]:
        wanted = set(roles)
        return frozenset(d for d, held in self.memberships.items() if held & wanted)

    @cached_property
    def department_ids(self) -> frozenset[int]:
        """Departments whose cases the user works on as caseworker or supervisor."""
        return self._departments(DEPARTMENT_ROLES)

    @cached_property
    def at_service_point(self) -> bool:
        return any(Role.SERVICE_POINT in held for held in self.memberships.values())

    def has_membership(self) -> bool:
        return bool(self.memberships)

    def is_member(self, department: Department | int, role: str) -> bool:
        department_id = getattr(department, "pk", department)
        return role in self.memberships.get(department_id, ())

    def is_caseworker_of(self, department: Department | int) -> bool:
        return self.is_member(department, Role.CASEWORKER)

    def is_supervisor_of(self, department: Department | int) -> bool:
        """A supervisor's membership of the department (reassigning and sharing its cases);
        :meth:`supervises` also answers for office management."""
        return self.is_member(department, Role.SUPERVISOR)

    def supervises(self, department: Department | int) -> bool:
        """Supervisors of the department and office management: reassign, share, access log."""
        return self.is_office_admin or self.is_member(department, Role.SUPERVISOR)

    def supervises_anything(self) -> bool:
        """Statistics, exports of figures, bulk continuation, bulk reassignment, access log."""
        return self.is_office_admin or bool(self._departments({Role.SUPERVISOR}))

    def is_staff(self) -> bool:
        """Works with case files in some role: a department membership or office management
        (the case search, the day's appointments and the counter ask this)."""
        return self.active and (self.is_office_admin or self.has_membership())

    def may_use_back_office(self) -> bool:
        """Who may work with case files at all, in the back office and through the API
        (sessions and tokens alike): an active account with access to the admin (the
        "Casework staff" group or office management) and a department membership or the
        office admin role. Leaving the group or the department ends both at once."""
        if not self.active:
            return False
        if self.user.is_superuser:
            return True
        return self.is_staff() and self.user.has_perm("wagtailadmin.access_admin")

    def may_manage_office(self) -> bool:
        """Office management: retention rules, deletions, access reports, every API token,
        user accounts, the ordinances' print files."""
        return self.active and self.is_office_admin

    def owns_or_manages(self, owner_id: int | None) -> bool:
        """The object's owner (an API token, a continuation run) or office management."""
        return self.active and (owner_id == self.user.pk or self.is_office_admin)

    def may_create_case_in(self, department: Department | int) -> bool:
        department_id = getattr(department, "pk", department)
        return self.active and (self.is_office_admin or department_id in self.department_ids)

    def may_read_access_log(self, case: Case | None = None) -> bool:
        """Office management (every case) and supervisors (their departments' cases);
        without a case: whether the user may read any part of the access log."""
        if not self.active:
            return False
        if case is None:
            return self.supervises_anything()
        return self.supervises(case.department_id)

    def _handling(self):
        return Department.objects.filter(handles_cases=True)

    def supervised_departments(self) -> QuerySet[Department]:
        """Every department that handles cases for office management, else where the user
        is supervisor."""
        if not self.active:
            return Department.objects.none()
        if self.is_office_admin:
            return self._handling()
        return Department.objects.filter(pk__in=self._departments({Role.SUPERVISOR}))

    def case_departments(self) -> QuerySet[Department]:
        """Departments whose cases the user works on as caseworker or supervisor."""
        return Department.objects.filter(pk__in=self.department_ids)

    def worklist_departments(self) -> QuerySet[Department]:
        """Departments to filter worklists by: the user's own; all for office management and
        the Service Point (which serves every department at its steps)."""
        if self.is_office_admin or self.at_service_point:
            return self._handling()
        return self._handling().filter(pk__in=self.memberships)

    # -- one case -------------------------------------------------------------------------------

    def granted_case_ids(self, now: dt.datetime | None = None) -> frozenset[int]:
        now = now or timezone.now()
        return frozenset(pk for pk, end in self._grants.items() if end is None or end > now)

    def roles(self, case: Case) -> frozenset[str]:
        """The roles the user holds on ``case``; empty means the case is not theirs to see."""
        if not self.active:
            return frozenset()
        roles = set()
        if self.is_office_admin:
            roles.add(Role.OFFICE_ADMIN)
        roles |= self.memberships.get(case.department_id, frozenset()) & DEPARTMENT_ROLES
        if self.at_service_point and case.state in SERVICE_POINT_STATES:
            roles.add(Role.SERVICE_POINT)
        if not roles and case.pk in self.granted_case_ids():
            roles.add(Role.VIEWER)
        return frozenset(str(role) for role in roles)

    def may_view(self, case: Case) -> bool:
        return bool(self.roles(case))

    def may_change(self, case: Case) -> bool:
        """Works on the case (comments; fields and transitions as the state allows)."""
        return bool(self.roles(case) & WORKING_ROLES)

    def may_supervise(self, case: Case) -> bool:
        return self.active and self.supervises(case.department_id)

    def sees_full_file(self, case: Case) -> bool:
        """Service Point staff see only what biometrics, fees and hand-over need; everyone
        else who may see the case sees the whole file."""
        return self.roles(case) != {Role.SERVICE_POINT}

    def editable_fields(self, case: Case) -> set[str]:
        """Fields (and pseudo-fields, see :mod:`casework.workflow`) the user may still change
        in the case's current state."""
        return case.workflow.editable_fields(case, self.user, roles=set(self.roles(case)))

    def may_approve_notice(self, notice) -> bool:
        """Holds the role to approve notices of the case (the drafter still may not: the
        notice workflow's guard says so)."""
        from .workflow import NOTICE_WORKFLOW

        return NOTICE_WORKFLOW.is_permitted("approve", self.user, notice, self.roles(notice.case))

    def may_fire(self, case: Case, transition: str) -> bool:
        """Whether the transition leaves the case's current state and the user holds its
        permission (guards, such as unpaid fees, are not considered: see
        :func:`casework.selectors.available_transitions` for the reasons)."""
        workflow = case.workflow
        t = workflow.transitions.get(transition)
        if t is None or case.state not in t.sources:
            return False
        return workflow.is_permitted(t, self.user, case, set(self.roles(case)))

    def has_permission(self, action: str, case: Case) -> bool:
        if action == Action.VIEW:
            return self.may_view(case)
        if action == Action.CHANGE:
            return self.may_change(case)
        if action == Action.SUPERVISE:
            return self.may_supervise(case)
        return self.may_fire(case, action)

    # -- many cases -----------------------------------------------------------------------------

    def scope(self, action: str = Action.VIEW) -> CaseScope:
        """The cases the user may do ``action`` with, as plain values."""
        if not self.active:
            return NOTHING
        if self.is_office_admin:
            return EVERYTHING
        if action == Action.SUPERVISE:
            return CaseScope(department_ids=tuple(sorted(self._departments({Role.SUPERVISOR}))))
        if action not in (Action.VIEW, Action.CHANGE):
            raise ValueError(f"no scope for action {action!r}")
        return CaseScope(
            department_ids=tuple(sorted(self.department_ids)),
            states=tuple(str(s) for s in SERVICE_POINT_STATES) if self.at_service_point else (),
            case_ids=tuple(sorted(self.granted_case_ids())) if action == Action.VIEW else (),
        )

    def cases(self, action: str = Action.VIEW) -> QuerySet[Case]:
        """The cases the user may do ``action`` with, as a lazy queryset."""
        scope = self.scope(action)
        if scope.is_empty:
            return Case.objects.none()
        condition = scope.q()
        return Case.objects.all() if condition is None else Case.objects.filter(condition)

    # -- the register (a person's residence records) --------------------------------------------

    def _register_q(self, person: str = "person", department: int | None = None) -> Q | None:
        """Whose records the user may read (``None``: everyone's), for a table with a person.

        A person's register belongs with their files: caseworkers and supervisors read the
        records of the persons with a case of their departments, and the records their
        departments entered or issued (a record without a case, e.g. a Duldung issued before
        any case here, names the responsible department); office management reads every one.
        The Service Point reads none (its part of a file is biometrics, fees and hand-over).
        ``department``: only what the rule gives through that department (statistics of one
        department)."""
        if self.is_office_admin and department is None:
            return None
        departments = self._register_departments(department)
        persons = Case.objects.filter(department_id__in=departments).values("person_id")
        entered = ResidenceRecord.objects.filter(department_id__in=departments).values("person_id")
        return Q(**{f"{person}__in": persons}) | Q(**{f"{person}__in": entered})

    def _register_departments(self, department: int | None) -> tuple[int, ...]:
        """The departments whose persons :meth:`_register_q` gives (not office management)."""
        departments = tuple(sorted(self.department_ids))
        if department is not None:
            departments = (department,) if self.is_office_admin or department in departments else ()
        return departments

    def residence_records(
        self, *, department: Department | int | None = None
    ) -> QuerySet[ResidenceRecord]:
        """The residence records the user may read, as a lazy queryset (``department``: of
        the persons that department's rule gives, for figures of one department)."""
        if not self.active:
            return ResidenceRecord.objects.none()
        condition = self._register_q("person_id", getattr(department, "pk", department))
        if condition is None:
            return ResidenceRecord.objects.all()
        return ResidenceRecord.objects.filter(condition)

    def residence_record_parts(
        self, *, department: Department | int | None = None
    ) -> list[QuerySet[ResidenceRecord]]:
        """:meth:`residence_records` as disjoint querysets whose union it is: the records of
        persons with a case of the departments, and those of persons the departments entered
        without such a case. Figures over a big register read each part (a semi-join each)
        and add them up: PostgreSQL plans the single queryset's OR of two large IN
        subqueries as a loop over every record (minutes at 1,000,000 persons).

        The second part's persons are found among the departments' own rows (the persons
        the departments entered, less those with a case of them: two index-only scans of
        ``(department, person)``), before any record is read, so a department whose
        entries all have a case costs almost nothing there."""
        if not self.active:
            return []
        department = getattr(department, "pk", department)
        if self.is_office_admin and department is None:
            return [ResidenceRecord.objects.all()]
        departments = self._register_departments(department)
        persons = Case.objects.filter(department_id__in=departments).values("person_id")
        with_case = Exists(
            Case.objects.filter(person_id=OuterRef("person_id"), department_id__in=departments)
        )
        entered_only = (
            ResidenceRecord.objects.filter(department_id__in=departments)
            .filter(~with_case)
            .values("person_id")
        )
        return [
            ResidenceRecord.objects.filter(person_id__in=persons),
            ResidenceRecord.objects.filter(person_id__in=entered_only),
        ]

    def may_record_household(self, case: Case) -> bool:
        """Whether the user may record or remove the children in the household of the case's
        person (§ 25b's shorter duration): caseworkers and supervisors of the case's
        department and office management; not the Service Point, a viewer of a share or
        another department."""
        return bool(self.roles(case) & HOUSEHOLD_ROLES)

    def may_view_register_of(self, person, *, case: Case | None = None) -> bool:
        """Whether the user may read the person's residence records.

        With ``case`` (a case of the person the user opened): whoever sees that case's full
        file, a viewer of a share included, reads the register in it, without a query.
        Otherwise :meth:`residence_records`' rule, one query."""
        if not self.active:
            return False
        if case is not None and case.person_id == person.pk and self.may_view(case):
            return self.sees_full_file(case)
        condition = self._register_q("pk")
        if condition is None:
            return True
        return type(person).objects.filter(condition, pk=person.pk).exists()


class CasePermissionPolicy(BasePermissionPolicy):
    """Wagtail's permission-policy interface over :class:`UserCasePolicy`."""

    permission_cache_name = "_casework_policy"

    def __init__(self) -> None:
        super().__init__(Case)

    def get_all_permissions_for_user(self, user) -> UserCasePolicy:
        return UserCasePolicy(user)

    def get_cached_permissions_for_user(self, user) -> UserCasePolicy:
        cached = getattr(user, self.permission_cache_name, None)
        if cached is None or cached.generation != _generation or cached.user is not user:
            cached = self.get_all_permissions_for_user(user)
            with contextlib.suppress(AttributeError):  # objects without a __dict__
                setattr(user, self.permission_cache_name, cached)
        return cached

    def for_user(self, user) -> UserCasePolicy:
        return self.get_cached_permissions_for_user(user)

    # "on some or all cases"
    def user_has_permission(self, user, action):
        policy = self.for_user(user)
        if action == Action.SUPERVISE:
            return policy.supervises_anything()
        return policy.may_use_back_office()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.for_user(user).has_permission(action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        policy = self.for_user(user)
        condition = None
        for action in actions:
            scope = policy.scope(action)
            if scope.everything:
                return Case.objects.all()
            q = scope.q()
            condition = q if condition is None else condition | q
        return Case.objects.none() if condition is None else Case.objects.filter(condition)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        admins = Q(is_superuser=True) | Q(groups__name=OFFICE_ADMIN_GROUP)
        if set(actions) <= {Action.SUPERVISE}:
            return users.filter(admins | Q(memberships__role=Role.SUPERVISOR)).distinct()
        return users.filter(admins | Q(memberships__isnull=False)).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        users = get_user_model().objects.filter(is_active=True)
        admins = Q(is_superuser=True) | Q(groups__name=OFFICE_ADMIN_GROUP)
        condition = admins
        actions = set(actions)
        if actions - {Action.SUPERVISE}:
            condition |= Q(
                memberships__department_id=instance.department_id,
                memberships__role__in=DEPARTMENT_ROLES,
            )
            if instance.state in SERVICE_POINT_STATES:
                condition |= Q(memberships__role=Role.SERVICE_POINT)
        else:
            condition |= Q(
                memberships__department_id=instance.department_id,
                memberships__role=Role.SUPERVISOR,
            )
        if Action.VIEW in actions:
            now = timezone.now()
            unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            grants = {"content_object": instance, "permission__codename": "view_case"}
            condition |= Q(
                pk__in=CaseUserObjectPermission.objects.filter(unexpired, **grants).values("user")
            ) | Q(
                groups__in=CaseGroupObjectPermission.objects.filter(unexpired, **grants).values(
                    "group"
                )
            )
        return users.filter(condition).distinct()


#: The one policy for cases.
case_policy = CasePermissionPolicy()


def policy_for(user) -> UserCasePolicy:
    """The user's policy, read once per user object (that is, per request)."""
    return case_policy.for_user(user)


def case_roles(user, case: Case) -> set[str]:
    """The workflow's ``roles=`` (see :mod:`casework.workflow`)."""
    return set(policy_for(user).roles(case))


def notice_roles(user, notice) -> set[str]:
    """The notice workflow's ``roles=``: the roles the user holds on the notice's case."""
    return set(policy_for(user).roles(notice.case))


def participation_roles(user, participation) -> set[str]:
    """The participation workflow's ``roles=``: the roles the user holds on its case."""
    return set(policy_for(user).roles(participation.case))
