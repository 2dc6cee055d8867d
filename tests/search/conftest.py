import datetime as dt
import os

import pytest
from django.conf import settings

from casework.constants import Role
from search.backends import get_search_backend
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WorkflowCaseFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _elasticsearch_index_per_worker():
    """Each test process writes its own Elasticsearch alias, dropped at the end."""
    conf = next(
        (c for c in settings.CASE_SEARCH_BACKENDS.values() if "elasticsearch" in c["BACKEND"]),
        None,
    )
    if conf is None:
        yield
        return
    conf["INDEX"] = f"abh-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    yield
    from search.backends import get_search_backends

    for backend in get_search_backends().values():
        if backend.external:
            backend.drop()


def backend_names() -> list:
    """Every configured backend; Elasticsearch only when ELASTICSEARCH_URL is set."""
    names = []
    for name, conf in settings.CASE_SEARCH_BACKENDS.items():
        marks = []
        if "elasticsearch" in conf["BACKEND"]:
            marks.append(pytest.mark.elasticsearch)
            if not settings.ELASTICSEARCH_URL:
                marks.append(pytest.mark.skip(reason="ELASTICSEARCH_URL is not set"))
        names.append(pytest.param(name, marks=marks, id=name))
    if not any("elasticsearch" in c["BACKEND"] for c in settings.CASE_SEARCH_BACKENDS.values()):
        names.append(
            pytest.param(
                "elasticsearch",
                marks=[pytest.mark.skip(reason="ELASTICSEARCH_URL is not set")],
                id="elasticsearch",
            )
        )
    return names


@pytest.fixture
def office(db):
    """Two departments with one case type each, a caseworker in each, and an admin-like user."""
    dept_a = DepartmentFactory(code="aufenthalt", name="Aufenthalt/Anerkennung")
    dept_b = DepartmentFactory(code="asyl-eu", name="Asyl/EU")
    type_a = CaseTypeFactory(code="18b", department=dept_a, legal_basis="§ 18b AufenthG")
    type_b = CaseTypeFactory(code="24", department=dept_b, legal_basis="§ 24 AufenthG")
    worker_a = MembershipFactory(department=dept_a, role=Role.CASEWORKER).user
    worker_b = MembershipFactory(department=dept_b, role=Role.CASEWORKER).user
    boss = UserFactory(username="boss")
    for dept in (dept_a, dept_b):
        MembershipFactory(user=boss, department=dept, role=Role.SUPERVISOR)
    return {
        "dept_a": dept_a,
        "dept_b": dept_b,
        "type_a": type_a,
        "type_b": type_b,
        "worker_a": worker_a,
        "worker_b": worker_b,
        "boss": boss,
    }


def make_case(case_type, **person):
    person.setdefault("birth_date", dt.date(1980, 1, 1))
    return WorkflowCaseFactory(case_type=case_type, person=PersonFactory(**person))


@pytest.fixture
def shevchenko_cases(office):
    """A small register: the Shevchenko family in department A, near neighbours in B."""
    cases = {
        "shevchenko": make_case(
            office["type_a"],
            family_name="SHEVCHENKO",
            given_names="OLEKSANDR",
            family_name_native="Шевченко",
            given_names_native="Олександр",
            birth_date=dt.date(1969, 7, 21),
            passport_number="FX123456",
        ),
        "shevchuk": make_case(office["type_a"], family_name="Shevchuk", given_names="Ivan"),
        "savchenko": make_case(office["type_a"], family_name="Savchenko", given_names="Olena"),
        "oztuerk": make_case(
            office["type_a"], family_name="Öztürk", given_names="Çağlar", nationality="TUR"
        ),
        "alahmad": make_case(
            office["type_a"], family_name="Al-Ahmad", given_names="Mohammed", nationality="SYR"
        ),
        "hidden": make_case(
            office["type_b"],
            family_name="Shevchenko",
            given_names="Taras",
            family_name_native="Шевченко",
            nationality="UKR",
        ),
    }
    get_search_backend().rebuild()
    return cases
