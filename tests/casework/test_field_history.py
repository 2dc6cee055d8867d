"""Field-level history: old and new values in the case file and the API, rows immutable."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.auth import issue_token
from casework.models import CaseHistory

from .backoffice import build_office
from .factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def changed(office):
    today = timezone.localdate()
    person = PersonFactory(passport_number="FA1111111", street="Alte Gasse 2")
    case = services.create_case(
        person=person,
        case_type=office.type_a,
        channel="post",
        user=office.worker_a,
        is_extension=True,
        title_expires_on=dt.date(today.year + 1, 3, 4),
    )
    services.update_case(
        case=case,
        user=office.worker_a,
        changes={"title_expires_on": dt.date(today.year + 1, 5, 6)},
    )
    services.update_person(
        person=person,
        user=office.worker_a,
        changes={"passport_number": "FA2222222", "street": "Neue Straße 7"},
    )
    return case


def test_changes_are_rows_with_old_and_new_values(changed):
    year = timezone.localdate().year + 1
    rows = list(CaseHistory.objects.filter(case=changed, transition="update"))
    assert [row.changes for row in rows] == [
        [{"field": "title_expires_on", "old": f"{year}-03-04", "new": f"{year}-05-06"}],
        [
            {"field": "person.passport_number", "old": "FA1111111", "new": "FA2222222"},
            {"field": "person.street", "old": "Alte Gasse 2", "new": "Neue Straße 7"},
        ],
    ]
    with pytest.raises(ValueError, match="immutable"):
        rows[0].save()
    with pytest.raises(ValueError, match="immutable"):
        rows[0].delete()


def test_nothing_changed_writes_no_row(changed, office):
    services.update_person(
        person=changed.person, user=office.worker_a, changes={"passport_number": "FA2222222"}
    )
    assert CaseHistory.objects.filter(case=changed, transition="update").count() == 2


def test_the_case_file_and_the_api_show_the_changes(client, changed, office):
    year = timezone.localdate().year + 1
    client.force_login(office.worker_a)
    page = client.get(
        reverse("casework:case", args=[changed.file_number]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert f"04.03.{year} → 06.05.{year}" in page
    assert "FA1111111 → FA2222222" in page
    _token, key = issue_token(user=office.worker_a)
    body = client.get(
        f"/api/v1/cases/{changed.file_number}",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    updates = [row for row in body["history"] if row["transition"] == "update"]
    assert updates[1]["changes"][0] == {
        "field": "person.passport_number",
        "label": "Person: passport number",
        "old": "FA1111111",
        "new": "FA2222222",
    }


def test_a_transition_records_the_fields_it_set(office):
    case = services.create_case(
        person=PersonFactory(), case_type=office.type_a, channel="post", user=office.worker_a
    )
    until = timezone.localdate() + dt.timedelta(days=365)
    services.fire_transition(
        case=case, user=office.worker_a, transition="check", data={"granted_until": until}
    )
    row = CaseHistory.objects.get(case=case, transition="check")
    assert {"field": "granted_until", "old": "", "new": until.isoformat()} in row.changes
    assert not {c["field"] for c in row.changes} & {"state", "last_transition_at", "updated_at"}
