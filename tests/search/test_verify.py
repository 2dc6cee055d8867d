"""The index after every case service, bulk continuation included: ``verify_case_index``
finds nothing to repair; and what it finds when a write went around the services."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework import services
from casework.models import Case, CaseHistory, RequiredDocument
from operations import services as operations
from operations.models import ContinuationItem
from search.models import CaseIndexEntry
from search.verify import DATABASE, verify_case_index

pytestmark = pytest.mark.django_db

CUT_OFF = dt.date(2025, 2, 1)


def _clean() -> None:
    report = verify_case_index()
    assert {name: str(d) for name, d in report.items() if d.count} == {}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as a request would: its transaction commits, the worker drains."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = call(*args, **kwargs)
        _clean()
        return result

    return run


def _title_case(commit, office, expires_on):
    person = commit(
        services.register_person,
        family_name="Melnyk",
        given_names="Oksana",
        birth_date=dt.date(1985, 4, 1),
        nationality="UKR",
    )
    return commit(
        services.create_case,
        person=person,
        case_type=office["type_b"],
        channel="post",
        user=office["boss"],
        is_extension=True,
        title_expires_on=expires_on,
    )


def test_after_a_bulk_continuation_the_index_shows_the_new_expiry_date(office, commit):
    """The stale-index bug: the continuation changed titles without a signal search heard."""
    today = timezone.localdate()
    case = _title_case(commit, office, today + dt.timedelta(days=20))
    new = today + dt.timedelta(days=400)
    ordinance = commit(
        operations.create_ordinance,
        user=office["boss"],
        case_type=office["type_b"],
        cut_off_on=CUT_OFF,
        valid_until=new,
        reference="Ukraine-Aufenthaltserlaubnis-Fortgeltungsverordnung",
    )
    commit(operations.start_continuation, ordinance=ordinance, user=office["boss"])
    assert ContinuationItem.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.title_expires_on == new
    assert CaseIndexEntry.objects.get(case=case).title_expires_on == new
    row = CaseHistory.objects.filter(case=case, transition="continuation").get()
    assert row.changes == [
        {
            "field": "title_expires_on",
            "old": (today + dt.timedelta(days=20)).isoformat(),
            "new": new.isoformat(),
        }
    ]


def test_the_index_is_right_after_every_service(office, commit):
    RequiredDocument.objects.create(case_type=office["type_a"], code="income", name="Income")
    worker, boss = office["worker_a"], office["boss"]
    today = timezone.localdate()
    person = commit(
        services.register_person,
        family_name="Bondarenko",
        given_names="Iryna",
        birth_date=dt.date(1990, 2, 3),
        nationality="UKR",
        passport_number="FA1111111",
        passport_valid_until=today + dt.timedelta(days=3 * 365),
    )
    case = commit(
        services.create_case,
        person=person,
        case_type=office["type_a"],
        channel="post",
        user=worker,
        is_extension=True,
        title_expires_on=today + dt.timedelta(days=30),
    )
    commit(
        services.update_case,
        case=case,
        user=worker,
        changes={"title_expires_on": today + dt.timedelta(days=45), "notes": "Arbeitsvertrag"},
    )
    commit(
        services.update_person,
        person=person,
        user=worker,
        changes={"passport_number": "FA2222222", "street": "Hauptstraße 1"},
    )
    commit(services.add_comment, case=case, user=worker, text="Rückruf vereinbart")
    commit(services.reassign, case=case, user=boss, assignee=worker)
    commit(
        services.share_case,
        case=case,
        user=boss,
        grantee_user=office["worker_b"],
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    commit(services.receive_applicant_documents, case=case, files={"income": "cases/x/i.pdf"})
    commit(services.mark_document_received, case=case, user=worker, code="income")
    commit(
        services.fire_transition,
        case=case,
        user=worker,
        transition="check",
        data={"granted_until": today + dt.timedelta(days=365)},
    )
    commit(services.revoke_share, case=case, user=boss, grantee_user=office["worker_b"])
    entry = CaseIndexEntry.objects.get(case=case)
    assert (entry.state, entry.passport_number) == ("checked", "FA2222222")
    assert "Rückruf" in entry.body

    rows = list(CaseHistory.objects.filter(case=case))
    changes = [change for row in rows if row.transition == "update" for change in row.changes]
    assert {"field": "person.passport_number", "old": "FA1111111", "new": "FA2222222"} in changes
    assert {"field": "notes", "old": "", "new": "Arbeitsvertrag"} in changes
    steps = {row.transition for row in rows}
    assert {"share", "share_ended", "reassign", "documents_received", "check"} <= steps


def test_verify_finds_and_repairs_writes_around_the_services(office, commit):
    today = timezone.localdate()
    case = _title_case(commit, office, today + dt.timedelta(days=20))
    # low-level: a write around the services is what verify must find
    Case.objects.filter(pk=case.pk).update(title_expires_on=today + dt.timedelta(days=99))
    CaseIndexEntry.objects.create(
        case_id=case.pk + 1000, person_id=1, file_number="X", department_id=1, case_type_id=1,
        state="received", received_at=timezone.now(),
    )  # fmt: skip
    report = verify_case_index()
    assert (report[DATABASE].stale, report[DATABASE].extra) == ([case.pk], [case.pk + 1000])
    out = io.StringIO()
    call_command("verify_case_index", "--repair", stdout=out)
    assert "database index: 0 differences" in out.getvalue()
    assert CaseIndexEntry.objects.get(case=case).title_expires_on == today + dt.timedelta(days=99)
    _clean()
