"""The Fiktionsbescheinigung in the register: issuing it writes the holder's record, a renewed
one replaces it, and it ends with its case (the new title replaces it; a refusal or a
withdrawal ends it that day; a forwarded case leaves it valid, with a note)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from casework import selectors, services
from casework.constants import RecordEvent, RecordKind, RecordSource, Role
from casework.models import Case, ResidenceRecord
from casework.services.register import FIKTION_LEGAL_BASIS

from .factories import (
    CaseTypeFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
    advance,
)
from .test_fiktion import extension, worker

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fiktion_records(case):
    return list(ResidenceRecord.objects.filter(case=case, kind=RecordKind.FIKTION).order_by("pk"))


def events(record):
    return [h.event for h in record.history.all()]


def issue(case, user=None, days=91):
    until = TODAY() + dt.timedelta(days=days)
    services.issue_fiktion_certificate(
        case=Case.objects.get(pk=case.pk), user=user or worker(case), valid_until=until
    )
    return until


def test_issuing_writes_the_record_with_the_old_titles_conditions():
    """The caseworker issues it four weeks before the old title runs out: the record is valid
    from that day to the certificate's end, under § 81 (4), carries the employment permission
    and conditions of the title it continues, and the old title stays in force beside it."""
    expires = TODAY() + dt.timedelta(days=20)
    person = PersonFactory()
    case_type = CaseTypeFactory()
    user = MembershipFactory(department=case_type.department, role=Role.CASEWORKER).user
    old = services.record_residence(
        person=person,
        user=user,
        department=case_type.department,
        kind=RecordKind.TITLE,
        legal_basis="§ 18b AufenthG",
        valid_from=TODAY() - dt.timedelta(days=700),
        valid_until=expires,
        employment_permitted=True,
        conditions="Beschäftigung nur als Fachkraft für Informatik.",
    )
    case = extension(expires_in=20, person=person, case_type=case_type)
    until = issue(case, user)

    (record,) = fiktion_records(case)
    assert record.person == person and record.case_type == case.case_type
    assert record.department == case.department
    assert record.legal_basis == FIKTION_LEGAL_BASIS == "§ 81 Abs. 4 AufenthG"
    assert record.title == f"{case.current_title} gilt als fortbestehend"
    assert (record.valid_from, record.valid_until) == (TODAY(), until)
    assert record.employment_permitted is True
    assert record.conditions == "Beschäftigung nur als Fachkraft für Informatik."
    assert record.source == RecordSource.DURING_CASE
    (created,) = record.history.all()
    assert created.event == RecordEvent.CREATED and created.by == user
    assert case.file_number in created.comment and until.strftime("%d.%m.%Y") in created.comment
    old.refresh_from_db()
    assert old.superseded_by is None and old.is_in_force()
    assert selectors.current_record(person) == record
    assert expires < until


def test_the_service_point_issues_it_too_and_the_record_says_who():
    case = extension(expires_in=-1, checked=True)
    counter = MembershipFactory(
        department=MembershipFactory(role=Role.SERVICE_POINT).department, role=Role.SERVICE_POINT
    ).user
    until = issue(case, counter)
    (record,) = fiktion_records(case)
    assert record.valid_until == until
    assert record.history.get().by == counter
    # Not known in the register (the title was taken over from the case's data): left empty.
    assert record.employment_permitted is None and record.conditions == ""


def test_the_record_covers_the_days_since_the_old_title_ran_out():
    """Filed in time, the certificate issued only after the old title ran out: the Fiktion
    held since then, so the record starts the day after the expiry (no gap in the chain)."""
    case = extension(expires_in=-5, filed_days_ago=30)
    issue(case)
    (record,) = fiktion_records(case)
    assert record.valid_from == case.title_expires_on + dt.timedelta(days=1)


def test_a_renewed_certificate_replaces_the_previous_record():
    case = extension(expires_in=-1)
    first_until = issue(case, days=30)
    with time_machine.travel(timezone.now() + dt.timedelta(days=25), tick=False):
        second_until = issue(case, days=60)
    first, second = fiktion_records(case)
    assert first.superseded_by == second and second.superseded_by is None
    assert events(first) == [RecordEvent.CREATED, RecordEvent.SUPERSEDED]
    assert events(second) == [RecordEvent.CREATED]
    assert first.valid_until == first_until and second.valid_until == second_until
    assert second.valid_from == TODAY() + dt.timedelta(days=25)
    in_force = [
        r
        for r in ResidenceRecord.objects.filter(person=case.person, kind=RecordKind.FIKTION)
        if r.superseded_by_id is None
    ]
    assert in_force == [second]


def test_a_double_issue_writes_one_record():
    case = extension(expires_in=-1)
    issue(case)
    with pytest.raises(Exception, match="valid until"):
        issue(case)
    assert len(fiktion_records(case)) == 1


def test_the_new_title_replaces_the_fiktion_record_at_the_hand_over():
    case = extension(expires_in=-1, produced=True)
    issue(case)
    case = advance(Case.objects.get(pk=case.pk), "hand_over")
    (fiktion,) = fiktion_records(case)
    title = ResidenceRecord.objects.get(case=case, kind=RecordKind.TITLE)
    assert fiktion.superseded_by == title
    assert events(fiktion) == [RecordEvent.CREATED, RecordEvent.SUPERSEDED]
    assert selectors.current_record(case.person) == title


def test_a_certificate_that_ran_out_before_the_decision_is_replaced_too():
    past = timezone.now() - dt.timedelta(days=120)
    with time_machine.travel(past, tick=False):
        case = extension(expires_in=-1, produced=True)
        issue(case, days=30)
    case = advance(Case.objects.get(pk=case.pk), "hand_over")
    (fiktion,) = fiktion_records(case)
    assert fiktion.superseded_by == ResidenceRecord.objects.get(case=case, kind=RecordKind.TITLE)


@pytest.mark.parametrize(
    ("steps", "why"),
    [
        (("answer_hearing", "draft_refusal", "approve_refusal", "refuse"), "refusal"),
        (("withdraw",), "withdrawal"),
    ],
)
def test_a_refusal_or_withdrawal_ends_the_record_that_day(steps, why):
    case = extension(expires_in=-1, hearing=True) if why == "refusal" else extension(expires_in=-1)
    until = issue(case)
    advance(Case.objects.get(pk=case.pk), *steps)
    (record,) = fiktion_records(case)
    assert record.valid_until == TODAY() and record.superseded_by is None
    assert events(record) == [RecordEvent.CREATED, RecordEvent.UPDATED]
    row = record.history.last()
    assert why in row.comment and case.file_number in row.comment
    assert row.changes == [
        {"field": "valid_until", "old": until.isoformat(), "new": TODAY().isoformat()}
    ]
    assert not record.is_in_force(TODAY() + dt.timedelta(days=1))


def test_a_forwarded_case_leaves_the_certificate_valid_with_a_note():
    """The holder moved: the application is decided by the other office, the certificate
    stays valid until its date; the register says so."""
    case = extension(expires_in=-1)
    until = issue(case)
    advance(Case.objects.get(pk=case.pk), "forward")
    (record,) = fiktion_records(case)
    assert record.valid_until == until
    row = record.history.last()
    assert row.event == RecordEvent.UPDATED and row.changes == []
    assert "forwarded to Landkreis Nachbarort" in row.comment


def test_a_case_ending_without_a_certificate_writes_nothing():
    case = extension(expires_in=-30, filed_days_ago=10)  # late: no Fiktion
    advance(case, "withdraw")
    assert not fiktion_records(case)


def test_a_duldung_extension_gets_no_fiktion_record():
    case = WorkflowCaseFactory(
        duldung=True,
        is_extension=True,
        current_title="Duldung (§ 60a AufenthG)",
        title_expires_on=TODAY() - dt.timedelta(days=1),
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    with pytest.raises(Exception, match="not the extension of a current title"):
        issue(case)
    advance(Case.objects.get(pk=case.pk), "withdraw")
    assert not ResidenceRecord.objects.filter(person=case.person, kind=RecordKind.FIKTION).exists()


def test_an_ordinance_does_not_take_the_certificate_for_the_title():
    """A continuation extends the title being extended, never the Fiktion record."""
    case = extension(expires_in=10)
    fiktion_until = issue(case)
    supervisor = MembershipFactory(department=case.department, role=Role.SUPERVISOR).user
    new = TODAY() + dt.timedelta(days=400)
    services.continue_titles(
        case_ids=[case.pk], valid_until=new, user=supervisor, note=lambda _pk, _prev: "VO"
    )
    (fiktion,) = fiktion_records(case)
    assert fiktion.valid_until == fiktion_until
    assert ResidenceRecord.objects.get(person=case.person, kind=RecordKind.TITLE, valid_until=new)


def test_the_case_files_register_panel_shows_the_certificate(client):
    case = extension(expires_in=-1)
    until = issue(case)
    client.force_login(worker(case))
    page = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    (record,) = fiktion_records(case)
    assert f'data-record="{record.pk}"' in page
    status = page.split('data-testid="current-status"')[1].split("</p>")[0]
    with translation.override("de"):  # the back office's language
        assert "Fiktionsbescheinigung" in status
        assert date_format(until, "SHORT_DATE_FORMAT") in status
        assert str(RecordSource.DURING_CASE.label) in page


def test_the_certificate_bridges_the_days_after_the_old_title_in_the_chain():
    """Target groups count an unbroken chain of documents (casework.target_groups): a title
    that ran out five days ago and the certificate issued today make one chain, from the
    title's first day."""
    from casework.target_groups import Criteria, select

    person = PersonFactory()
    case_type = CaseTypeFactory()
    user = MembershipFactory(department=case_type.department, role=Role.CASEWORKER).user
    first_day = TODAY() - dt.timedelta(days=7 * 365)
    services.record_residence(
        person=person,
        user=user,
        department=case_type.department,
        kind=RecordKind.TITLE,
        valid_from=first_day,
        valid_until=TODAY() - dt.timedelta(days=5),
    )
    issue(extension(expires_in=-5, filed_days_ago=30, person=person, case_type=case_type), user)
    criteria = Criteria(status=RecordKind.FIKTION, years=6, years_with_child=None)
    (candidate,) = select(ResidenceRecord.objects.all(), criteria, today=TODAY()).candidates()
    assert (candidate.person_id, candidate.since) == (person.pk, first_day)
