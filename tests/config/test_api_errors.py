"""The API's one error schema, bad input refused at the edge, and 503 while the database is gone.

Regression tests for what generated input found (issue 18) and for issue 10's API findings.
"""

import pytest
from django.db import OperationalError, connection

from casework.auth import issue_token
from casework.constants import CaseState, Role
from casework.models import CaseHistory
from tests.casework.backoffice import build_office, case_with_documents
from tests.casework.factories import (
    MembershipFactory,
    WorkflowCaseFactory,
    valid_until,
)

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"


@pytest.fixture
def office():
    return build_office()


def bearer(user) -> dict:
    _token, key = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail", "reasons", "errors"}
    assert body["code"] == code
    assert body["detail"]
    return body


# -- issue 10 ------------------------------------------------------------------------------


def test_a_wrong_trailing_slash_is_a_json_404_that_names_the_right_path(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    body = assert_problem(
        client.get(f"{CASES}/{case.file_number}/", **bearer(office.worker_a)), 404, "not_found"
    )
    assert f"{CASES}/{case.file_number}" in body["detail"]
    assert client.get("/api/v1/cases")["Location"] == f"{CASES}/"  # Django's APPEND_SLASH
    assert_problem(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_a_missing_input_is_422_naming_the_field_not_409(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b, checked=True)
    history_before = CaseHistory.objects.filter(case=case).count()
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "intend_refusal", "data": {}},
        content_type="application/json",
        **bearer(office.worker_b),
    )
    body = assert_problem(response, 422, "invalid")
    assert "grounds" in body["errors"] and "due_on" in body["errors"]
    assert CaseHistory.objects.filter(case=case).count() == history_before


def test_detail_and_reasons_speak_the_same_language(client, office):
    case = case_with_documents(case_type=office.type_a)
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "check", "data": {"granted_until": valid_until().isoformat()}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
        **bearer(office.worker_a),
    )
    body = assert_problem(response, 409, "not_allowed")
    assert "nicht möglich" in body["detail"]
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "check", "data": {"granted_until": valid_until().isoformat()}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(office.worker_a),
    )
    assert "not possible" in assert_problem(response, 409, "not_allowed")["detail"]


def test_no_token_is_a_401_problem(client):
    response = client.get(f"{CASES}/")
    assert_problem(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_frameworks_own_validation_is_a_422_problem(client, office):
    response = client.get(f"{CASES}/", {"state": "nonsense"}, **bearer(office.worker_a))
    assert "state" in assert_problem(response, 422, "invalid")["errors"]


# -- control characters --------------------------------------------------------------------


def test_nul_in_a_transition_note_is_400_and_changes_nothing(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b, checked=True)
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "forward", "note": "a\x00b", "data": {"forwarded_to": "x"}},
        content_type="application/json",
        **bearer(office.worker_b),
    )
    assert_problem(response, 400, "bad_request")
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED


def test_nul_in_the_grounds_of_a_hearing_is_400(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b, checked=True)
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "intend_refusal", "data": {"grounds": "nein\x00", "due_on": "2099-01-01"}},
        content_type="application/json",
        **bearer(office.worker_b),
    )
    assert_problem(response, 400, "bad_request")


def test_nul_in_a_path_parameter_is_400(client, office):
    response = client.get(f"{CASES}/ABH%00-1", **bearer(office.worker_a))
    assert_problem(response, 400, "bad_request")


def test_nul_in_a_filter_is_400(client, office):
    response = client.get("/api/v1/search/", {"q": "Ivan\x00"}, **bearer(office.worker_a))
    assert_problem(response, 400, "bad_request")
    response = client.get(f"{CASES}/", {"case_type": "24\x00"}, **bearer(office.worker_a))
    assert_problem(response, 400, "bad_request")


def test_nul_in_the_unauthenticated_booking_is_400(client):
    response = client.post(
        "/api/v1/appointments/bookings",
        {"file_number": "ABH-2026-000001\x00", "birth_date": "1990-01-01"},
        content_type="application/json",
    )
    assert_problem(response, 400, "bad_request")


def test_nul_in_a_public_form_is_a_translated_error_at_the_field(client):
    """Public forms (here the status lookup) show the error where the applicant typed, with the
    rest of what they typed kept; the tests in tests/applications walk the other forms."""
    response = client.post("/de/status/", {"file_number": "ABH\x00", "birth_date": "1990-01-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()["file_number"]] == ["control_characters"]
    page = response.content.decode()
    assert "Steuerzeichen" in page and 'id="error-summary"' in page
    assert 'aria-invalid="true"' in page and 'value="1990-01-01"' in page
    response = client.post("/uk/status/", {"file_number": "ABH\x01", "birth_date": "1990-01-01"})
    assert "керівні символи" in response.content.decode()


def test_nul_in_the_booking_form_is_an_error_at_the_field(client):
    response = client.post(
        "/de/termin/", {"file_number": "ABH-2026\x00", "birth_date": "1990-01-01"}
    )
    assert response.status_code == 400  # the booking page's answer to any invalid form
    assert response.context["form"].errors["file_number"]
    assert "Steuerzeichen" in response.content.decode()


def test_control_characters_elsewhere_are_still_a_clear_400_page(client):
    """The back office's forms, and a query string even on a public form's address."""
    response = client.post("/admin/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert "Steuerzeichen" in response.content.decode()
    response = client.post(
        "/de/status/?next=%00", {"file_number": "ABH", "birth_date": "1990-01-01"}
    )
    assert response.status_code == 400


# -- types and bounds ----------------------------------------------------------------------


def test_a_list_where_a_choice_is_expected_is_422(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a, produced=True)
    response = client.post(
        f"{CASES}/{case.file_number}/transitions",
        {"transition": "hand_over", "data": {"belehrung_language": ["de"]}},
        content_type="application/json",
        **bearer(office.worker_a),
    )
    assert "belehrung_language" in assert_problem(response, 422, "invalid")["errors"]


def test_a_page_number_beyond_64_bits_is_422(client, office):
    response = client.get(f"{CASES}/", {"page": str(2**70)}, **bearer(office.worker_a))
    assert "page" in assert_problem(response, 422, "invalid")["errors"]
    response = client.get("/api/v1/search/", {"page": str(2**70)}, **bearer(office.worker_a))
    assert_problem(response, 422, "invalid")


def test_dates_at_the_end_of_time_are_answered(client, office):
    boss = MembershipFactory(department=office.dept_a, role=Role.SUPERVISOR).user
    headers = bearer(boss)
    response = client.get("/api/v1/statistics/", {"end": "9999-12-31"}, **headers)
    assert response.status_code == 200, response.content
    assert response.json()["period"]["end"] == "2199-12-31"
    response = client.get(
        "/api/v1/statistics/council-report",
        {"until": "9999-12-31", "ukraine_since": "0001-01-01"},
        **headers,
    )
    assert response.status_code == 200, response.content


def test_a_date_given_as_a_number_is_422(client, office):
    boss = MembershipFactory(department=office.dept_a, role=Role.SUPERVISOR).user
    response = client.get("/api/v1/statistics/", {"end": "1700000000"}, **bearer(boss))
    assert_problem(response, 422, "invalid")
    response = client.post(
        "/api/v1/appointments/bookings",
        {"file_number": "ABH-2026-000001", "birth_date": 631152000},
        content_type="application/json",
    )
    assert_problem(response, 422, "invalid")


# -- the schema ----------------------------------------------------------------------------


def test_the_schema_has_one_problem_and_documents_every_error(client):
    schema = client.get("/api/v1/openapi.json").json()
    problems = [name for name in schema["components"]["schemas"] if "Problem" in name]
    assert problems == ["Problem"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "422", "503"} <= documented, (method, path)
            if operation.get("security"):
                assert "401" in documented, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/Problem"), (method, path, status)
    params = schema["paths"][f"{CASES}/"]["get"]["parameters"]
    state = next(p for p in params if p["name"] == "state")
    assert "received" in str(state["schema"])  # an enum, not any string
    received = next(p for p in params if p["name"] == "received_from")
    assert "date" in str(received["schema"])


# -- the database gone ---------------------------------------------------------------------


def _refuse(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def database_gone():
    with connection.execute_wrapper(_refuse):
        yield


def test_the_api_answers_503_with_retry_after_when_the_database_is_gone(client, office):
    headers = bearer(office.worker_a)
    with connection.execute_wrapper(_refuse):
        response = client.get(f"{CASES}/", **headers)  # fails already in the token lookup
    body = assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
    assert "nothing was changed" in body["detail"] or "nichts" in body["detail"]


def test_people_get_a_translated_503_page_when_the_database_is_gone(client, database_gone):
    response = client.get("/en/status/")
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Traceback" not in html
    assert "Nothing you sent was saved" in html


def test_a_write_cut_off_by_the_outage_leaves_nothing_half_done(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b, checked=True)
    history_before = CaseHistory.objects.filter(case=case).count()
    headers = bearer(office.worker_b)

    def fail_on_history(execute, sql, params, many, context):
        if "casework_casehistory" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_history):
        response = client.post(
            f"{CASES}/{case.file_number}/transitions",
            {"transition": "forward", "data": {"forwarded_to": "Köln"}},
            content_type="application/json",
            **headers,
        )
    assert_problem(response, 503, "unavailable")
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED  # the state change was rolled back with it
    assert CaseHistory.objects.filter(case=case).count() == history_before
