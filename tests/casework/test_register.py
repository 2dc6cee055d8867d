"""The register of residence records: hand-over, continuation, entry, the current status."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import selectors, services
from casework.constants import CaseCategory, CaseState, RecordEvent, RecordKind, RecordSource, Role
from casework.models import ResidenceRecord, ResidenceRecordHistory
from tests.casework.factories import (
    CaseFactory,
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db

NEW = dt.date(2030, 3, 4)


@pytest.fixture
def department():
    return DepartmentFactory(code="aufenthalt")


@pytest.fixture
def caseworker(department):
    return MembershipFactory(department=department, role=Role.CASEWORKER).user


@pytest.fixture
def supervisor(department):
    return MembershipFactory(department=department, role=Role.SUPERVISOR).user


def test_hand_over_writes_the_new_title_with_history_and_replaces_the_old_one(
    department, caseworker
):
    case_type = CaseTypeFactory(department=department, legal_basis="§ 18b AufenthG")
    person = PersonFactory()
    old = services.record_residence(
        person=person,
        user=caseworker,
        department=department,
        kind=RecordKind.DULDUNG,
        legal_basis="§ 60a AufenthG",
        valid_from=timezone.localdate() - dt.timedelta(days=30),
        valid_until=timezone.localdate() + dt.timedelta(days=60),
    )
    assert selectors.current_record(person) == old

    case = WorkflowCaseFactory(handed_over=True, case_type=case_type, person=person)

    record = ResidenceRecord.objects.get(case=case)
    assert record.kind == RecordKind.TITLE
    assert record.source == RecordSource.HAND_OVER
    assert record.legal_basis == "§ 18b AufenthG"
    assert record.valid_from == timezone.localdate()
    assert record.valid_until == case.granted_until
    assert record.card_number == case.card_orders.get().order_number
    assert [h.event for h in record.history.all()] == [RecordEvent.CREATED]
    old.refresh_from_db()
    assert old.superseded_by == record
    assert [h.event for h in old.history.all()] == [RecordEvent.CREATED, RecordEvent.SUPERSEDED]
    assert selectors.current_record(person) == record


def test_an_eu_card_is_recorded_as_such(department):
    case_type = CaseTypeFactory(department=department, category=CaseCategory.EU)
    case = WorkflowCaseFactory(handed_over=True, case_type=case_type)
    assert ResidenceRecord.objects.get(case=case).kind == RecordKind.EU_CARD


def test_a_naturalisation_ends_the_records_in_force_and_writes_none(department, caseworker):
    """A naturalised person is German from the hand-over of the certificate: no residence
    document of theirs stays in force, the old ones remain as history, reminders find none."""
    person = PersonFactory()
    today = timezone.localdate()
    old = services.record_residence(
        person=person,
        user=caseworker,
        department=department,
        kind=RecordKind.TITLE,
        legal_basis="§ 9 AufenthG",
        valid_from=today - dt.timedelta(days=3000),
        valid_until=None,
    )
    earlier = services.record_residence(
        person=person,
        user=caseworker,
        department=department,
        kind=RecordKind.DULDUNG,
        legal_basis="§ 60a AufenthG",
        valid_from=today - dt.timedelta(days=4000),
        valid_until=today - dt.timedelta(days=3001),
    )

    case = WorkflowCaseFactory(handed_over=True, naturalisation=True, person=person)

    assert not ResidenceRecord.objects.filter(case=case).exists()
    old.refresh_from_db()
    assert old.valid_until == today - dt.timedelta(days=1)
    assert [h.event for h in old.history.all()] == [RecordEvent.CREATED, RecordEvent.UPDATED]
    assert case.file_number in old.history.last().comment
    earlier.refresh_from_db()
    assert earlier.valid_until == today - dt.timedelta(days=3001)  # long over: untouched
    assert [h.event for h in earlier.history.all()] == [RecordEvent.CREATED]
    assert selectors.current_record(person) is None


def test_each_workflow_declares_what_its_hand_over_writes_to_the_register():
    from casework.constants import HandOverRecord
    from casework.workflow import CASE_WORKFLOWS, hand_over_record

    declared = {key: hand_over_record(workflow) for key, workflow in CASE_WORKFLOWS.items()}
    assert declared == {
        "eat": HandOverRecord.TITLE,
        "duldung": HandOverRecord.DULDUNG,
        "naturalisation": HandOverRecord.ENDS_RECORDS,
    }


def test_the_hand_over_writes_what_the_workflow_declares_not_what_its_key_is(
    department, monkeypatch
):
    """A new procedure names an effect in its declaration and needs no new case in the
    register: here the eAT's declaration is changed to write a Duldung."""
    from casework import workflow as declarations
    from casework.constants import HandOverRecord

    monkeypatch.setitem(
        declarations._HAND_OVER_RECORDS, declarations.CASE_WORKFLOW.name, HandOverRecord.DULDUNG
    )
    case = WorkflowCaseFactory(handed_over=True, case_type=CaseTypeFactory(department=department))
    assert case.workflow_key == "eat"
    assert ResidenceRecord.objects.get(case=case).kind == RecordKind.DULDUNG


def test_no_record_before_the_hand_over(department):
    case = WorkflowCaseFactory(produced=True, case_type=CaseTypeFactory(department=department))
    assert not ResidenceRecord.objects.filter(person=case.person).exists()


def _continue(case, user, previous_note="Verordnung"):
    return services.continue_titles(
        case_ids=[case.pk],
        valid_until=NEW,
        user=user,
        note=lambda _pk, previous: f"{previous_note} {previous:%d.%m.%Y}",
    )


def test_continuation_extends_the_record_of_the_case_with_history(department, supervisor):
    case = WorkflowCaseFactory(handed_over=True, case_type=CaseTypeFactory(department=department))
    record = ResidenceRecord.objects.get(case=case)
    previous = record.valid_until

    assert len(_continue(case, supervisor)) == 1

    record.refresh_from_db()
    assert record.valid_until == NEW
    row = record.history.get(event=RecordEvent.CONTINUED)
    assert row.validity_change == (previous, NEW)
    assert row.by == supervisor
    assert row.comment == f"Verordnung {previous:%d.%m.%Y}"
    assert ResidenceRecord.objects.filter(person=case.person).count() == 1


def test_continuation_of_a_title_being_extended_moves_the_holders_record(department, supervisor):
    """A pending extension: the old title (``title_expires_on``) is the record extended."""
    expires = timezone.localdate() + dt.timedelta(days=20)
    person = PersonFactory()
    old = services.record_residence(
        person=person,
        user=MembershipFactory(department=department, role=Role.CASEWORKER).user,
        department=department,
        kind=RecordKind.TITLE,
        valid_until=expires,
    )
    case = WorkflowCaseFactory(
        checked=True,
        person=person,
        case_type=CaseTypeFactory(department=department, limited_validity=False),
        is_extension=True,
        title_expires_on=expires,
    )
    _continue(case, supervisor)
    old.refresh_from_db()
    assert old.valid_until == NEW
    assert old.history.filter(event=RecordEvent.CONTINUED).count() == 1


def test_continuation_of_a_case_from_before_the_register_takes_the_record_over(
    department, supervisor
):
    # low-level: a case handed over before the register existed (no record, no hand-over row)
    case = CaseFactory(
        case_type=CaseTypeFactory(department=department, legal_basis="§ 24 AufenthG"),
        state=CaseState.HANDED_OVER,
        granted_until=dt.date(2026, 3, 4),
    )
    # The factory's case is taken over like the data migration's; here the register lacks it.
    ResidenceRecordHistory.objects.filter(record__person=case.person)._raw_delete("default")
    ResidenceRecord.objects.filter(person=case.person).delete()
    _continue(case, supervisor)
    record = ResidenceRecord.objects.get(person=case.person)
    assert record.source == RecordSource.CASE_DATA
    assert record.case == case
    assert record.legal_basis == "§ 24 AufenthG"
    assert record.valid_until == NEW
    assert [h.event for h in record.history.all()] == [RecordEvent.CREATED, RecordEvent.CONTINUED]
    assert record.history.last().validity_change == (dt.date(2026, 3, 4), NEW)


def test_a_crash_in_the_register_leaves_the_case_untouched(department, supervisor, monkeypatch):
    case = WorkflowCaseFactory(handed_over=True, case_type=CaseTypeFactory(department=department))
    before = case.granted_until

    def boom(*args, **kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr(ResidenceRecordHistory.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        _continue(case, supervisor)
    case.refresh_from_db()
    assert case.granted_until == before
    assert ResidenceRecord.objects.get(case=case).valid_until == before


def test_staff_enter_records_of_their_department_only(department, caseworker):
    other = DepartmentFactory(code="other")
    person = PersonFactory()
    with pytest.raises(PermissionDenied):
        services.record_residence(
            person=person,
            user=caseworker,
            department=other,
            kind=RecordKind.DULDUNG,
            valid_until=NEW,
        )
    assert not ResidenceRecord.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "visa"}, "kind"),
        ({"valid_from": NEW, "valid_until": NEW - dt.timedelta(days=1)}, "valid_until"),
        ({"kind": RecordKind.DULDUNG, "valid_until": None}, "valid_until"),
    ],
)
def test_bad_records_are_refused_and_write_nothing(department, caseworker, fields, error_field):
    data = {"kind": RecordKind.TITLE, "valid_until": NEW, **fields}
    with pytest.raises(ValidationError) as error:
        services.record_residence(
            person=PersonFactory(), user=caseworker, department=department, **data
        )
    assert error_field in error.value.message_dict
    assert not ResidenceRecord.objects.exists()
    assert not ResidenceRecordHistory.objects.exists()


def test_current_status_is_the_latest_record_in_force(department, caseworker):
    person = PersonFactory()
    today = timezone.localdate()

    def add(kind, start, end):
        return services.record_residence(
            person=person,
            user=caseworker,
            department=department,
            kind=kind,
            valid_from=start,
            valid_until=end,
        )

    add(RecordKind.DULDUNG, today - dt.timedelta(days=400), today - dt.timedelta(days=200))
    assert selectors.current_record(person) is None
    title = add(RecordKind.TITLE, today - dt.timedelta(days=100), today + dt.timedelta(days=100))
    assert selectors.current_record(person) == title
    assert selectors.current_record(person, on=today + dt.timedelta(days=101)) is None


def test_the_data_migration_takes_old_and_new_titles_from_the_cases(department):
    person = PersonFactory()
    case_type = CaseTypeFactory(department=department, legal_basis="§ 24 AufenthG")
    case = WorkflowCaseFactory(
        handed_over=True,
        person=person,
        case_type=case_type,
        is_extension=True,
        current_title="Aufenthaltserlaubnis § 24",
        title_expires_on=timezone.localdate() + dt.timedelta(days=10),
    )
    ResidenceRecordHistory.objects.all()._raw_delete("default")
    ResidenceRecord.objects.all().delete()

    migration = importlib.import_module("casework.migrations.0015_residence_records_from_cases")
    migration.forwards(apps, None)

    old, new = (
        ResidenceRecord.objects.filter(person=person).order_by("valid_until").select_related()
    )
    assert old.title == "Aufenthaltserlaubnis § 24"
    assert old.valid_until == case.title_expires_on
    assert old.superseded_by == new
    assert new.case == case
    assert new.valid_until == case.granted_until
    assert new.card_number == case.card_orders.get().order_number
    assert {r.source for r in (old, new)} == {RecordSource.CASE_DATA}
    assert ResidenceRecordHistory.objects.filter(record=new, event=RecordEvent.CREATED).exists()
    assert ResidenceRecordHistory.objects.filter(record=old, event=RecordEvent.SUPERSEDED).exists()


def test_the_case_file_shows_the_register(client, department, caseworker):
    case = WorkflowCaseFactory(handed_over=True, case_type=CaseTypeFactory(department=department))
    client.force_login(caseworker)
    response = client.get(reverse("casework:case", args=[case.file_number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="current-status"' in html
    assert ResidenceRecord.objects.get(case=case).card_number in html


def test_an_extension_filed_records_the_title_it_extends_and_a_correction_moves_it(
    department, caseworker
):
    expires = timezone.localdate() + dt.timedelta(days=40)
    case = services.create_case(
        person=PersonFactory(),
        case_type=CaseTypeFactory(department=department),
        channel="post",
        user=caseworker,
        is_extension=True,
        current_title="Aufenthaltserlaubnis § 16b",
        title_expires_on=expires,
    )
    record = ResidenceRecord.objects.get(person=case.person)
    assert (record.title, record.valid_until, record.source) == (
        "Aufenthaltserlaubnis § 16b",
        expires,
        RecordSource.CASE_DATA,
    )
    corrected = expires + dt.timedelta(days=3)
    services.update_case(case=case, user=caseworker, changes={"title_expires_on": corrected})
    record.refresh_from_db()
    assert record.valid_until == corrected
    assert record.history.get(event=RecordEvent.UPDATED).validity_change == (expires, corrected)
    assert ResidenceRecord.objects.filter(person=case.person).count() == 1


def test_a_document_entered_after_the_fact_replaces_no_newer_one(department, caseworker):
    case = WorkflowCaseFactory(handed_over=True, case_type=CaseTypeFactory(department=department))
    title = ResidenceRecord.objects.get(case=case)
    today = timezone.localdate()
    services.record_residence(
        person=case.person,
        user=caseworker,
        department=department,
        kind=RecordKind.DULDUNG,
        valid_from=today - dt.timedelta(days=300),
        valid_until=today + dt.timedelta(days=300),
    )
    title.refresh_from_db()
    assert title.superseded_by is None
    assert selectors.current_record(case.person) == title


def test_who_may_read_a_persons_register(department, caseworker):
    """The policy's rule for the register: the departments of the person's cases and the
    department that entered a record without a case; office management every person; the
    Service Point and other departments none. The queryset and the per-person answer agree."""
    from django.contrib.auth.models import Group

    from casework.constants import OFFICE_ADMIN_GROUP
    from casework.policy import policy_for

    other = DepartmentFactory(code="asyl")
    other_worker = MembershipFactory(department=other, role=Role.CASEWORKER).user
    counter = MembershipFactory(department=DepartmentFactory(code="sp"), role=Role.SERVICE_POINT)
    manager = MembershipFactory(department=other, role=Role.CASEWORKER).user
    manager.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    with_case = WorkflowCaseFactory(
        handed_over=True, case_type=CaseTypeFactory(department=department)
    ).person
    # A Duldung the other department entered, of a person without any case here.
    tolerated = PersonFactory()
    entered = services.record_residence(
        person=tolerated,
        user=other_worker,
        department=other,
        kind=RecordKind.DULDUNG,
        valid_until=NEW,
    )
    expected = {
        caseworker: {with_case},
        other_worker: {tolerated},
        counter.user: set(),
        manager: {with_case, tolerated},
    }
    for user, persons in expected.items():
        policy = policy_for(user)
        for person in (with_case, tolerated):
            assert policy.may_view_register_of(person) is (person in persons), (user, person)
        readable = {r.person_id for r in policy.residence_records()}
        assert readable == {p.pk for p in persons}, user
    with pytest.raises(PermissionDenied):
        selectors.residence_records(tolerated, user=caseworker)
    assert [r.pk for r in selectors.residence_records(tolerated, user=other_worker)] == [entered.pk]


def test_the_extension_of_a_duldung_registers_the_duldung_it_extends(client):
    """A Duldung's extension names the Duldung held now: the register records a Duldung (not
    a title named "Duldung"), and the case file speaks of the current document without the
    Fiktionswirkung, which only a title's extension has (§ 81 (4) AufenthG)."""
    expires = timezone.localdate() + dt.timedelta(days=20)
    case = WorkflowCaseFactory(
        duldung=True,
        is_extension=True,
        current_title="Duldung (§ 60a AufenthG)",
        title_expires_on=expires,
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    assert case.workflow_key == "duldung" and case.filed_in_time
    record = ResidenceRecord.objects.get(person=case.person, valid_until=expires)
    assert (record.kind, record.title, record.source) == (
        RecordKind.DULDUNG,
        "",
        RecordSource.CASE_DATA,
    )
    client.force_login(case.department.memberships.filter(role=Role.CASEWORKER).first().user)
    page = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    assert "Bisheriges Dokument" in page and "Bisheriger Titel" not in page
    assert "Fiktionswirkung" not in page


def test_the_extension_of_a_title_keeps_its_fiktionswirkung_on_the_case_file(client):
    case = WorkflowCaseFactory(
        is_extension=True,
        current_title="§ 18b AufenthG",
        title_expires_on=timezone.localdate() + dt.timedelta(days=20),
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    record = ResidenceRecord.objects.get(person=case.person, valid_until=case.title_expires_on)
    assert (record.kind, record.title) == (RecordKind.TITLE, "§ 18b AufenthG")
    client.force_login(case.department.memberships.filter(role=Role.CASEWORKER).first().user)
    page = client.get(reverse("casework:case", args=[case.file_number])).content.decode()
    assert "Bisheriger Titel" in page and "rechtzeitig gestellt, Fiktionswirkung" in page
