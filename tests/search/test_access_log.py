"""Every case shown in search results, and in an export that lists cases, is logged as read."""

import pytest
from django.urls import reverse

from casework.auth import issue_token
from casework.models import CaseAccessLog

pytestmark = pytest.mark.django_db


def test_the_search_page_logs_each_case_it_shows(client, office, shevchenko_cases):
    client.force_login(office["worker_a"])
    response = client.get(reverse("case_search:index"), {"q": "Shevchenko"})
    assert response.status_code == 200
    shown = {hit.case_id for hit in response.context["page_obj"].object_list}
    assert shown
    logged = set(
        CaseAccessLog.objects.filter(user=office["worker_a"], route="search").values_list(
            "case_id", flat=True
        )
    )
    assert logged == shown
    assert shevchenko_cases["hidden"].pk not in logged  # another department's case


def test_the_search_api_logs_each_case_it_returns(client, office, shevchenko_cases):
    _token, key = issue_token(user=office["worker_a"])
    data = client.get(
        "/api/v1/search/", {"q": "Shevchenko"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    numbers = {r["file_number"] for r in data["results"]}
    logged = set(
        CaseAccessLog.objects.filter(user=office["worker_a"], route="search").values_list(
            "case__file_number", flat=True
        )
    )
    assert numbers and logged == numbers
