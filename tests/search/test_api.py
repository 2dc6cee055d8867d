"""The search endpoint answers only with cases the caller may see."""

import pytest

from casework.auth import issue_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def bearer(user) -> dict:
    _token, key = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_without_token_401(client, shevchenko_cases):
    assert client.get(URL, {"q": "Shevchenko"}).status_code == 401


def test_results_counts_and_facets_only_from_own_department(client, office, shevchenko_cases):
    response = client.get(URL, {"q": "Schewtschenko"}, **bearer(office["worker_a"]))
    assert response.status_code == 200
    data = response.json()
    numbers = [r["file_number"] for r in data["results"]]
    assert numbers[0] == shevchenko_cases["shevchenko"].file_number
    assert shevchenko_cases["hidden"].file_number not in numbers
    assert [f["value"] for f in data["facets"]["department"]] == ["aufenthalt"]
    assert data["count"] == len(numbers)
    assert "<mark>" in data["results"][0]["highlight_name"]


def test_session_login_works_too(client, office, shevchenko_cases):
    client.force_login(office["boss"])
    data = client.get(URL, {"q": "Shevchenko Taras"}).json()
    assert data["results"][0]["file_number"] == shevchenko_cases["hidden"].file_number


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": '"*:(OR-'},
        {"q": ""},
        {"q": "Shevchenko", "sort": "expiry", "page": 2, "page_size": 1},
    ],
)
def test_bad_input_gets_an_answer_not_an_error(client, office, shevchenko_cases, params):
    response = client.get(URL, params, **bearer(office["worker_a"]))
    assert response.status_code == 200


def test_a_nul_byte_in_the_query_is_a_clear_400(client, office, shevchenko_cases):
    """Control characters are refused at the edge (issue 18), not silently dropped."""
    response = client.get(URL, {"q": "Шевчeнко\x00"}, **bearer(office["worker_a"]))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_bad_filter_is_422_with_a_message(client, office, shevchenko_cases):
    response = client.get(URL, {"birth_date": "morgen"}, **bearer(office["worker_a"]))
    assert response.status_code == 422
    assert "birth_date" in response.json()["errors"]
    response = client.get(URL, {"sort": "random"}, **bearer(office["worker_a"]))
    assert response.status_code == 422


def test_case_type_and_department_are_codes_never_ids(client, office, shevchenko_cases):
    """case_type=24 is § 24; a number that is only some case type's id finds nothing (422)."""
    headers = bearer(office["boss"])
    data = client.get(URL, {"case_type": "24"}, **headers).json()
    assert [r["file_number"] for r in data["results"]] == [shevchenko_cases["hidden"].file_number]
    for params in (
        {"case_type": str(office["type_b"].pk + 1000)},
        {"case_type": str(office["type_b"].pk)}
        if office["type_b"].pk != 24
        else {"case_type": "9"},
        {"department": str(office["dept_b"].pk)},
    ):
        response = client.get(URL, params, **headers)
        assert response.status_code == 422, params
        assert set(params) <= set(response.json()["errors"])


def test_a_partial_file_number_finds_the_case(client, office, shevchenko_cases):
    from search.backends import get_search_backend
    from tests.casework.factories import WorkflowCaseFactory

    case = WorkflowCaseFactory(case_type=office["type_a"], serial=262)
    get_search_backend().index_cases([case.pk])
    for params in ({"q": "262"}, {"q": "2026-000262"}, {"file_number": "000262"}):
        data = client.get(URL, params, **bearer(office["worker_a"])).json()
        assert [r["file_number"] for r in data["results"]] == ["ABH-2026-000262"], params
