"""Access follows membership everywhere: one check for back-office sessions and API tokens;
tokens expire, and their owners and office management list and revoke them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.constants import EventKind
from accounts.models import SecurityEvent
from casework.auth import issue_token
from casework.constants import OFFICE_ADMIN_GROUP
from casework.models import ApiToken, Membership
from casework.policy import policy_for
from tests.accounts.login import password_only_login

from .backoffice import build_office, casework_staff_group
from .factories import UserFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
SEARCH = "/api/v1/search/"
ROUTES = [CASES, SEARCH + "?q=x", "/api/v1/statistics/"]


@pytest.fixture
def office():
    office = build_office()
    WorkflowCaseFactory(case_type=office.type_a)
    return office


def bearer(user):
    _token, key = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_leaving_casework_staff_ends_the_token_and_the_back_office_alike(client, office):
    worker = office.worker_a
    headers = bearer(worker)
    assert client.get(CASES, **headers).status_code == 200
    client.force_login(worker)
    assert client.get("/admin/cases/").status_code == 200

    worker.groups.remove(casework_staff_group())
    worker = type(worker).objects.get(pk=worker.pk)  # permissions are cached per object
    assert not policy_for(worker).may_use_back_office()
    assert client.get(CASES, **headers).status_code == 401
    assert client.get(SEARCH, {"q": "x"}, **headers).status_code == 401
    assert client.get("/admin/cases/").status_code in (302, 403)
    assert SecurityEvent.objects.filter(kind=EventKind.TOKEN_REFUSED, user=worker).exists()


def test_leaving_the_department_ends_the_token(client, office):
    headers = bearer(office.worker_a)
    Membership.objects.filter(user=office.worker_a).delete()
    assert client.get(CASES, **headers).status_code == 401


def test_a_user_without_admin_access_gets_no_token_answers_even_with_a_membership(client, office):
    outsider = UserFactory(username="outsider")
    Membership.objects.create(user=outsider, department=office.dept_a, role="caseworker")
    headers = bearer(outsider)
    for route in ROUTES:
        assert client.get(route, **headers).status_code == 401, route


def test_a_password_only_session_does_not_open_the_search_api(client, office):
    password_only_login(client, office.worker_a)
    assert client.get(SEARCH, {"q": "x"}).status_code == 401
    client.force_login(office.worker_a)
    assert client.get(SEARCH, {"q": "x"}).status_code == 200


def test_every_token_expires_at_most_after_the_maximum(office, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    token, _key = issue_token(user=office.worker_a)
    assert token.expires_at is not None
    assert token.expires_at <= timezone.now() + dt.timedelta(days=30)
    token, _key = issue_token(
        user=office.worker_a, expires_at=timezone.now() + dt.timedelta(days=3650)
    )
    assert token.expires_at <= timezone.now() + dt.timedelta(days=30)


def test_a_token_without_expiry_in_the_database_is_refused(client, office):
    headers = bearer(office.worker_a)
    ApiToken.objects.update(expires_at=None)
    assert client.get(CASES, **headers).status_code == 401


def test_the_form_refuses_more_days_than_allowed(client, office, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    client.force_login(office.worker_a)
    response = client.post(reverse("casework:api_tokens"), {"name": "x", "days": "365"})
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


def test_revoking_keeps_the_row_with_who_and_when_and_logs_it(client, office):
    client.force_login(office.worker_a)
    client.post(reverse("casework:api_tokens"), {"name": "Skript", "days": "7"})
    token = ApiToken.objects.get()
    client.post(reverse("casework:revoke_api_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == office.worker_a
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {EventKind.TOKEN_ISSUED, EventKind.TOKEN_REVOKED} <= kinds
    page = client.get(reverse("casework:api_tokens")).content.decode()
    assert token.prefix in page


def test_office_management_lists_and_revokes_any_token(client, office):
    manager = UserFactory(username="amt")
    manager.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    manager.groups.add(casework_staff_group())
    headers = bearer(office.worker_b)
    token = ApiToken.objects.get()
    client.force_login(manager)
    page = client.get(reverse("casework:all_api_tokens"))
    assert page.status_code == 200
    assert token.prefix in page.content.decode()
    assert office.worker_b.username in page.content.decode()
    client.post(reverse("casework:revoke_api_token", args=[token.pk]))
    assert client.get(CASES, **headers).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == manager


def test_a_caseworker_sees_neither_the_office_list_nor_others_tokens(client, office):
    issue_token(user=office.worker_b)
    token = ApiToken.objects.get()
    client.force_login(office.worker_a)
    assert client.get(reverse("casework:all_api_tokens")).status_code == 403
    assert client.post(reverse("casework:revoke_api_token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
