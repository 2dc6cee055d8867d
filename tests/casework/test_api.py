"""The JSON API: token authentication, lists and details narrowed to the caller, transitions."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework import services
from casework.auth import issue_token
from casework.constants import CaseState, Channel
from casework.models import ApiToken, CaseAccessLog, CaseHistory

from .backoffice import build_office, case_with_documents
from .factories import PersonFactory, WorkflowCaseFactory, valid_until

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


@pytest.fixture
def office():
    return build_office()


def bearer(user, **kwargs) -> dict:
    _token, key = issue_token(user=user, **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_requests_without_a_valid_token_get_401(client, office):
    WorkflowCaseFactory(case_type=office.type_a)
    assert client.get(f"{BASE}/").status_code == 401
    assert client.get(f"{BASE}/", HTTP_AUTHORIZATION="Bearer abh_nonsense").status_code == 401
    assert client.get(f"{BASE}/", HTTP_AUTHORIZATION="Token whatever").status_code == 401


def test_an_expired_token_gets_401_and_a_live_one_is_marked_used(client, office):
    expired = bearer(office.worker_a, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{BASE}/", **expired).status_code == 401
    live = bearer(office.worker_a, expires_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(f"{BASE}/", **live).status_code == 200
    assert ApiToken.objects.filter(last_used_at__isnull=False).count() == 1


def test_a_token_of_a_deactivated_user_gets_401(client, office):
    headers = bearer(office.worker_a)
    office.worker_a.is_active = False
    office.worker_a.save()
    assert client.get(f"{BASE}/", **headers).status_code == 401


def test_only_the_digest_of_the_key_is_stored(office):
    token, key = issue_token(user=office.worker_a)
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(token.prefix)


def test_management_command_prints_a_working_key(client, office, capsys):
    call_command("create_api_token", "worker_a", "--days", "1")
    key = capsys.readouterr().out.strip()
    assert client.get(f"{BASE}/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_list_shows_only_visible_cases_oldest_first_and_paged(client, office):
    now = timezone.now()
    newer = WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=1))
    older = WorkflowCaseFactory(case_type=office.type_a, received_at=now - dt.timedelta(days=5))
    WorkflowCaseFactory(case_type=office.type_b)
    response = client.get(f"{BASE}/", **bearer(office.worker_a))
    body = response.json()
    assert body["count"] == 2
    assert [item["file_number"] for item in body["items"]] == [
        older.file_number,
        newer.file_number,
    ]
    page = client.get(f"{BASE}/?page_size=1&page=2", **bearer(office.worker_a)).json()
    assert [item["file_number"] for item in page["items"]] == [newer.file_number]


def test_list_filters(client, office):
    mine = WorkflowCaseFactory(case_type=office.type_a, assigned_to=office.worker_a)
    checked = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    WorkflowCaseFactory(case_type=office.type_a, refused=True)
    headers = bearer(office.worker_a)

    def numbers(query):
        response = client.get(f"{BASE}/?{query}", **headers)
        assert response.status_code == 200, response.content
        return {item["file_number"] for item in response.json()["items"]}

    assert numbers("") == {mine.file_number, checked.file_number}
    assert numbers("state=checked") == {checked.file_number}
    assert numbers("assigned_to_me=true") == {mine.file_number}
    assert len(numbers("state=all")) == 3
    assert numbers("department=asyl-eu") == set()
    assert client.get(f"{BASE}/?state=nonsense", **headers).status_code == 422


def test_detail_answers_and_logs_the_access_with_route_api(client, office):
    case = case_with_documents(case_type=office.type_a)
    response = client.get(f"{BASE}/{case.file_number}", **bearer(office.worker_a))
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["family_name"] == case.person.family_name
    check = next(t for t in body["transitions"] if t["name"] == "check")
    assert check["allowed"] is False and check["reasons"]
    assert CaseAccessLog.objects.filter(case=case, route="api").count() == 1


def test_detail_of_a_case_filed_online_names_the_channel_as_actor(client, office):
    case = services.create_case(
        person=PersonFactory(), case_type=office.type_a, channel=Channel.ONLINE, user=None
    )
    services.fire_transition(
        case=case, user=office.worker_a, transition="forward", data={"forwarded_to": "Köln"}
    )
    response = client.get(
        f"{BASE}/{case.file_number}", HTTP_ACCEPT_LANGUAGE="en", **bearer(office.worker_a)
    )
    assert response.status_code == 200
    receipt, forward = response.json()["history"]
    assert (receipt["by"], receipt["via"], receipt["actor"]) == (
        None,
        "online",
        "Online application",
    )
    assert (forward["by"], forward["actor"]) == ("worker_a", "worker_a")


def test_detail_of_another_departments_case_is_404_and_not_logged(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b)
    response = client.get(f"{BASE}/{case.file_number}", **bearer(office.worker_a))
    assert response.status_code == 404
    assert not CaseAccessLog.objects.exists()


def test_firing_a_transition_returns_the_new_state(client, office):
    case = case_with_documents(case_type=office.type_a, received=True)
    response = client.post(
        f"{BASE}/{case.file_number}/transitions",
        {
            "transition": "check",
            "note": "ok",
            "expected_state": "received",
            "data": {"granted_until": valid_until().isoformat()},
        },
        content_type="application/json",
        **bearer(office.worker_a),
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.CHECKED
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED


def test_a_transition_that_is_not_possible_is_409_with_reasons(client, office):
    case = case_with_documents(case_type=office.type_a)
    response = client.post(
        f"{BASE}/{case.file_number}/transitions",
        {"transition": "check", "data": {"granted_until": valid_until().isoformat()}},
        content_type="application/json",
        **bearer(office.worker_a),
    )
    assert response.status_code == 409
    assert any("Passport" in reason for reason in response.json()["reasons"])
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_a_stale_expected_state_is_409_and_changes_nothing(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a, checked=True)
    response = client.post(
        f"{BASE}/{case.file_number}/transitions",
        {"transition": "withdraw", "expected_state": "received"},
        content_type="application/json",
        **bearer(office.worker_a),
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED


def test_visible_but_not_permitted_is_403(client, office):
    case = WorkflowCaseFactory(case_type=office.type_b, checked=True)
    history_before = CaseHistory.objects.filter(case=case).count()
    response = client.post(
        f"{BASE}/{case.file_number}/transitions",
        {"transition": "intend_refusal", "data": {"grounds": "nein", "due_on": "2099-01-01"}},
        content_type="application/json",
        **bearer(office.counter),
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED
    assert CaseHistory.objects.filter(case=case).count() == history_before


def test_malformed_inputs_are_422(client, office):
    case = WorkflowCaseFactory(case_type=office.type_a)
    response = client.post(
        f"{BASE}/{case.file_number}/transitions",
        {"transition": "request_documents", "data": {"due_on": "not a date"}},
        content_type="application/json",
        **bearer(office.worker_a),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["due_on"]


def test_openapi_schema_lists_the_case_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert f"{BASE}/" in paths
    assert f"{BASE}/{{file_number}}" in paths
    assert "post" in paths[f"{BASE}/{{file_number}}/transitions"]
    assert any(
        scheme.get("scheme") == "bearer"
        for scheme in schema["components"]["securitySchemes"].values()
    )


def test_back_office_page_creates_a_working_token_and_revokes_it(client, office):
    from django.urls import reverse

    client.force_login(office.worker_a)
    response = client.post(reverse("casework:api_tokens"), {"name": "Skript", "days": "30"})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    assert client.get(f"{BASE}/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token = ApiToken.objects.get(user=office.worker_a)
    # another user cannot revoke it
    client.force_login(office.worker_b)
    other = client.post(reverse("casework:revoke_api_token", args=[token.pk]))
    assert other.status_code == 404
    client.force_login(office.worker_a)
    client.post(reverse("casework:revoke_api_token", args=[token.pk]))
    assert client.get(f"{BASE}/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    # the key itself is never shown again
    assert key not in client.get(reverse("casework:api_tokens")).content.decode()
