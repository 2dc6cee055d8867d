"""Issue 11, item 7: the open redirect, date bugs, an oversized body under DEBUG, the
Content-Security-Policy on every page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appointments.schedule import OFFICE_TZ, slot_times
from casework import workflow
from casework.services import create_case
from casework.workflow import add_years
from tests.casework.backoffice import build_office
from tests.casework.factories import PersonFactory, WorkflowCaseFactory


@pytest.fixture
def office(db):
    return build_office()


# -- open redirect -------------------------------------------------------------------------------


def test_bulk_reassign_error_path_does_not_redirect_to_another_host(client, office):
    client.force_login(office.supervisor_a)
    response = client.post(
        reverse("casework:bulk_reassign"), {"cases": [], "next": "https://evil.example/x"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:worklist")
    response = client.post(
        reverse("casework:bulk_reassign"), {"cases": [], "next": "//evil.example/x"}
    )
    assert response["Location"] == reverse("casework:worklist")
    response = client.post(reverse("casework:bulk_reassign"), {"cases": [], "next": "/admin/"})
    assert response["Location"] == "/admin/"


# -- dates ---------------------------------------------------------------------------------------


def test_adding_years_to_29_february():
    assert add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)
    assert add_years(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)
    assert add_years(dt.date(2026, 3, 1), 2) == dt.date(2028, 3, 1)


def test_the_check_with_a_validity_date_works_on_29_february(office, monkeypatch):
    monkeypatch.setattr(workflow.timezone, "localdate", lambda *a: dt.date(2028, 2, 29))
    case = WorkflowCaseFactory(case_type=office.type_a)
    years = case.case_type.max_validity_years
    ok = workflow.granted_until_plausible(case, None, {"granted_until": dt.date(2029, 1, 1)})
    assert ok == []
    too_long = workflow.granted_until_plausible(
        case, None, {"granted_until": dt.date(2028 + years, 3, 1)}
    )
    assert too_long


def test_no_two_slots_share_an_instant_on_the_day_clocks_go_forward():
    # 29 March 2026 is the last Sunday of March: 02:00 becomes 03:00 in Berlin.
    week = dt.date(2026, 3, 23)
    slots = slot_times(week_start=week, windows={6: [(dt.time(1, 0), dt.time(5, 0))]}, minutes=30)
    instants = [start.astimezone(dt.UTC) for start, _end in slots]
    assert len(instants) == len(set(instants))
    local = [start.astimezone(OFFICE_TZ).strftime("%H:%M") for start, _end in slots]
    assert local == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"]
    for start, end in slots:  # half an hour of real time, also across the change
        assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(minutes=30)


def test_the_day_clocks_go_back_has_no_duplicates_either():
    week = dt.date(2026, 10, 19)  # 25 October 2026: 03:00 becomes 02:00
    slots = slot_times(week_start=week, windows={6: [(dt.time(1, 0), dt.time(4, 0))]}, minutes=30)
    instants = [start.astimezone(dt.UTC) for start, _end in slots]
    assert len(instants) == len(set(instants))


@pytest.mark.parametrize("expires", [dt.date(9999, 12, 31), dt.date(1900, 1, 1)])
def test_an_implausible_expiry_of_the_current_title_is_refused(office, expires):
    with pytest.raises(ValidationError) as caught:
        create_case(
            person=PersonFactory(),
            case_type=office.type_a,
            channel="post",
            is_extension=True,
            title_expires_on=expires,
            user=office.worker_a,
        )
    assert "title_expires_on" in caught.value.message_dict


def test_a_plausible_expiry_is_accepted(office):
    case = create_case(
        person=PersonFactory(),
        case_type=office.type_a,
        channel="post",
        is_extension=True,
        title_expires_on=dt.date.today() + dt.timedelta(days=30),
        user=office.worker_a,
    )
    assert case.filed_in_time


def test_the_public_form_refuses_9999_as_expiry(db):
    from applications.forms import ApplicationForm
    from casework.models import CaseType
    from tests.casework.factories import CaseTypeFactory

    case_type = CaseTypeFactory(code="18b")
    form = ApplicationForm(
        data={
            "case_type": case_type.pk,
            "is_extension": "1",
            "current_title": "Aufenthaltserlaubnis § 18b",
            "title_expires_on": "9999-12-31",
        },
        case_types=CaseType.objects.filter(pk=case_type.pk),
        allow_extension=True,
    )
    assert not form.is_valid()
    assert "title_expires_on" in form.errors


# -- an oversized body ---------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_a_10_mb_json_body_is_a_client_error_not_a_server_error(client, settings, db, debug):
    settings.DEBUG = debug
    body = '{"file_number": "' + "A" * (10 * 1024 * 1024) + '", "birth_date": "1990-01-01"}'
    response = client.post("/api/v1/appointments/bookings", body, content_type="application/json")
    assert 400 <= response.status_code < 500


# -- Content-Security-Policy ---------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_public_pages_get_a_strict_policy(client, db):
    response = client.get("/de/status/")
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


def test_the_admin_allows_inline_code_only_for_wagtail(client, office):
    client.force_login(office.worker_a)
    response = client.get("/admin/cases/")
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "http" not in response["Content-Security-Policy"]  # still nothing from other hosts
    login = client.get("/admin/login/")
    assert "Content-Security-Policy" in login


def test_api_answers_carry_the_policy_and_downloads_keep_their_own(client, db):
    response = client.get("/api/v1/openapi.json")
    assert "default-src 'self'" in response["Content-Security-Policy"]
