"""Permissions inside the query: results, counts and facets only from visible cases."""

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from search.backends import get_search_backend

from .conftest import backend_names

pytestmark = pytest.mark.django_db


@pytest.fixture(params=backend_names())
def backend(request, shevchenko_cases):
    backend = get_search_backend(request.param)
    backend.rebuild()
    return backend


def test_caseworker_of_a_gets_nothing_from_b(backend, office, shevchenko_cases):
    """Same name in both departments: worker A sees result, count and facets of A only."""
    results = backend.search("Shevchenko", user=office["worker_a"])
    numbers = [h.file_number for h in results[:50]]
    assert shevchenko_cases["hidden"].file_number not in numbers
    assert shevchenko_cases["shevchenko"].file_number in numbers
    facets = results.facets()
    assert [f["value"] for f in facets["department"]] == ["aufenthalt"]
    assert sum(f["count"] for f in facets["state"]) == results.count()
    assert sum(f["count"] for f in facets["nationality"]) == results.count()


def test_filter_on_foreign_department_yields_zero(backend, office, shevchenko_cases):
    results = backend.search("", user=office["worker_a"], filters={"department": "asyl-eu"})
    assert results.count() == 0
    assert results.facets()["department"] == []
    by_number = backend.search(shevchenko_cases["hidden"].file_number, user=office["worker_a"])
    assert by_number.count() == 0


def test_direct_grant_makes_one_foreign_case_visible(backend, office, shevchenko_cases):
    hidden = shevchenko_cases["hidden"]
    from casework.models import CaseUserObjectPermission

    assign_perm("casework.view_case", office["worker_a"], hidden)
    assert CaseUserObjectPermission.objects.filter(content_object=hidden).exists()
    results = backend.search("Shevchenko Taras", user=office["worker_a"])
    assert results[0].file_number == hidden.file_number
    CaseUserObjectPermission.objects.filter(content_object=hidden).update(
        expires_at=timezone.now() - timezone.timedelta(days=1)
    )
    # A new request: the policy reads the user's grants once per user object.
    worker = type(office["worker_a"]).objects.get(pk=office["worker_a"].pk)
    results = backend.search("Shevchenko Taras", user=worker)
    assert hidden.file_number not in [h.file_number for h in results[:50]]


def test_user_without_department_sees_nothing(backend, shevchenko_cases):
    from tests.casework.factories import UserFactory

    results = backend.search("Shevchenko", user=UserFactory(username="editor"))
    assert results.count() == 0
    assert all(values == [] for values in results.facets().values())
