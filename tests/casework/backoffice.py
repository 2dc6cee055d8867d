"""Shared set-up for the back-office, API and route-security tests: two departments, staff."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission

from casework.constants import Role

from .factories import CaseTypeFactory, DepartmentFactory, MembershipFactory, WorkflowCaseFactory


def casework_staff_group() -> Group:
    group, _created = Group.objects.get_or_create(name="Casework staff")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


def member(department, role=Role.CASEWORKER, **user_fields):
    membership = MembershipFactory(department=department, role=role, **user_fields)
    membership.user.groups.add(casework_staff_group())
    return membership.user


def case_with_documents(*, case_type, documents=("passport", "contract"), received=False, **kw):
    """A case of ``case_type`` whose checklist holds ``documents`` (added to the type)."""
    items = [(code, code.title(), received) for code in documents]
    return WorkflowCaseFactory(case_type=case_type, documents=items, **kw)


@dataclass
class Office:
    dept_a: object
    dept_b: object
    service_point_dept: object
    type_a: object
    type_b: object
    worker_a: object
    worker_b: object
    supervisor_a: object
    counter: object


def build_office() -> Office:
    dept_a = DepartmentFactory(code="aufenthalt", name="Aufenthalt/Anerkennung")
    dept_b = DepartmentFactory(code="asyl-eu", name="Asyl/EU")
    sp = DepartmentFactory(code="service-point", name="Service Point", handles_cases=False)
    return Office(
        dept_a=dept_a,
        dept_b=dept_b,
        service_point_dept=sp,
        type_a=CaseTypeFactory(code="18b", department=dept_a),
        type_b=CaseTypeFactory(
            code="24", department=dept_b, legal_basis="§ 24 AufenthG", name="Ukraine"
        ),
        worker_a=member(dept_a, user__username="worker_a"),
        worker_b=member(dept_b, user__username="worker_b"),
        supervisor_a=member(dept_a, Role.SUPERVISOR, user__username="supervisor_a"),
        counter=member(sp, Role.SERVICE_POINT, user__username="counter"),
    )
