"""The casework demo: idempotent, every state and department, one login per role."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management.color import no_style

from casework import demo
from casework.constants import CaseState, Channel, Role
from casework.models import Case, CaseHistory, CaseType, Department, Membership, Person
from casework.policy import policy_for
from casework.selectors import cases_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch):
    # The plan always holds one case per state, spread over the departments; two on top.
    monkeypatch.setattr(demo, "PERSONS", 12)

    def run():
        out = io.StringIO()
        demo.load(stdout=out, style=no_style())
        return out.getvalue()

    return run


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Case, CaseHistory, CaseType, Department, Membership, Person)
    } | {"users": get_user_model().objects.count()}


def test_loading_twice_changes_nothing_the_second_time(small_demo):
    small_demo()
    first = counts()
    output = small_demo()
    assert counts() == first
    assert "skipped" in output


def test_demo_covers_every_state_and_every_case_department(small_demo):
    small_demo()
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    handling = set(Department.objects.filter(handles_cases=True).values_list("code", flat=True))
    assert set(Case.objects.values_list("department__code", flat=True)) == handling
    assert Department.objects.get(code="service-point").handles_cases is False


def test_every_demo_case_has_a_consistent_history(small_demo):
    small_demo()
    for case in Case.objects.prefetch_related("history"):
        rows = list(case.history.order_by("at", "id"))
        assert rows[0].transition == "create"
        assert rows[-1].to_state == case.state
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.from_state == before.to_state


def test_demo_online_applications_arrive_without_a_staff_member(small_demo, monkeypatch):
    """As in real life (and so the back office is walked with such cases): the receipt of an
    online application names the channel, not a caseworker."""
    monkeypatch.setattr(demo, "PERSONS", 40)
    small_demo()
    receipts = CaseHistory.objects.filter(transition="create")
    online = receipts.filter(case__channel=Channel.ONLINE)
    assert online.exists()
    assert not online.filter(by__isnull=False).exists()
    assert set(online.values_list("via", flat=True)) == {Channel.ONLINE}
    assert not receipts.exclude(case__channel=Channel.ONLINE).filter(by__isnull=True).exists()


def test_one_login_per_role_with_the_documented_password(small_demo):
    small_demo()
    users = get_user_model().objects
    for username in (
        "sachbearbeitung",
        "sachbearbeitung2",
        "servicepoint",
        "sachgebietsleitung",
        "amtsleitung",
        "admin",
    ):
        assert users.get(username=username).check_password("demo"), username
    worker = users.get(username="sachbearbeitung")
    assert Membership.objects.filter(
        user=worker, role=Role.CASEWORKER, department__code="aufenthalt"
    ).exists()
    assert worker.has_perm("wagtailadmin.access_admin")
    supervisor = users.get(username="sachgebietsleitung")
    assert set(
        Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).values_list(
            "department__code", flat=True
        )
    ) == {"aufenthalt", "asyl-eu"}
    office_admin = users.get(username="amtsleitung")
    assert policy_for(office_admin).is_office_admin and not office_admin.is_superuser
    assert users.get(username="admin").is_superuser
    assert not cases_visible_to(worker).exclude(department__code="aufenthalt").exists()


def test_names_come_in_their_native_scripts(small_demo):
    small_demo()
    natives = "".join(Person.objects.values_list("family_name_native", flat=True))
    assert any("\u0400" <= ch <= "\u04ff" for ch in natives)  # Cyrillic
    assert any("\u0600" <= ch <= "\u06ff" for ch in natives)  # Arabic script


def test_catalogue_has_the_legal_bases_with_documents_and_fees(small_demo):
    small_demo()
    bases = set(CaseType.objects.values_list("code", flat=True))
    assert {
        "16a",
        "16b",
        "16f",
        "18a",
        "18b",
        "18g",
        "19c",
        "21",
        "24",
        "25-1",
        "25-2",
        "25a",
        "25b",
        "28",
        "30",
        "32",
        "104c",
        "9",
        "9a",
        "eu-family",
    } <= bases
    chancen = CaseType.objects.get(code="104c")
    assert chancen.requires_belehrung
    assert chancen.required_documents.exists()
    assert CaseType.objects.get(code="18g").fee_card_cents == 6700


def test_office_management_may_edit_the_catalogues_and_caseworkers_may_not(small_demo, client):
    """amtsleitung keeps case types, letter templates and services; a caseworker cannot."""
    import io as _io

    from appointments import demo as appointments_demo
    from appointments.models import Service
    from operations import demo as operations_demo
    from operations.models import LetterTemplate

    small_demo()
    operations_demo.load(stdout=_io.StringIO(), style=no_style())
    appointments_demo.load(stdout=_io.StringIO(), style=no_style())
    case_type = CaseType.objects.get(code="24")
    template = LetterTemplate.objects.first()
    service = Service.objects.first()
    urls = [
        f"/admin/snippets/casework/casetype/edit/{case_type.pk}/",
        f"/admin/snippets/operations/lettertemplate/edit/{template.pk}/",
        f"/admin/snippets/appointments/service/edit/{service.pk}/",
    ]
    users = get_user_model().objects
    client.force_login(users.get(username="amtsleitung"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    response = client.post(
        urls[0],
        {
            **{
                field: getattr(case_type, field)
                for field in ("code", "name", "legal_basis", "category", "max_validity_years")
            },
            "name_uk": "Тимчасовий захист (Україна)",
            "workflow": case_type.workflow,
            "department": case_type.department_id,
            "fee_title_cents": case_type.fee_title_cents,
            "fee_card_cents": case_type.fee_card_cents,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    case_type.refresh_from_db()
    assert case_type.name_uk == "Тимчасовий захист (Україна)"

    client.force_login(users.get(username="sachbearbeitung"))
    assert all(client.get(url).status_code in (302, 403) for url in urls)


def test_an_old_refused_file_went_through_the_hearing_and_four_eyes_back_then(small_demo):
    """The privacy demo's files closed years ago: refused after a hearing, in the past."""
    small_demo()
    received = dt.datetime(2012, 9, 3, 10, tzinfo=dt.UTC)
    closed = dt.datetime(2013, 1, 15, 10, tzinfo=dt.UTC)
    case = demo.closed_demo_case(
        person=Person(
            family_name="OKAFOR",
            given_names="CHINEDU",
            birth_date=dt.date(1981, 3, 14),
            nationality="NGA",
        ),
        case_type_code="16b",
        outcome=CaseState.REFUSED,
        received_at=received,
        closed_at=closed,
    )
    assert case.state == CaseState.REFUSED
    assert all(received <= at <= closed for at in case.history.values_list("at", flat=True))
    hearing = case.hearings.get()
    assert received <= hearing.requested_at <= closed
    assert hearing.due_on < closed.date() + dt.timedelta(days=30)
    refusal = case.notices.get(kind="refusal")
    assert refusal.approved_by != refusal.drafted_by
    assert received <= refusal.issued_at <= closed


def test_some_persons_bring_a_register_history(small_demo):
    """Demo persons with earlier documents: Duldungen, then a title, then its extension
    (which replaced it), each with its history row; the case file shows them."""
    from casework.constants import RecordKind, RecordSource
    from casework.models import ResidenceRecordHistory

    small_demo()
    # Entered by staff (the histories), not the Duldungen the demo's § 60a cases handed over.
    # (The § 25b demo persons hold Duldungen only: tests/operations/test_target_groups.py.)
    tolerated = (
        Person.objects.filter(
            residence_records__kind=RecordKind.DULDUNG,
            residence_records__source=RecordSource.ENTERED,
        )
        .filter(residence_records__kind=RecordKind.TITLE)
        .distinct()
    )
    assert tolerated.exists()
    for person in tolerated:
        records = list(person.residence_records.order_by("valid_from", "id"))
        assert [r.kind for r in records[:4]] == [
            RecordKind.DULDUNG,
            RecordKind.DULDUNG,
            RecordKind.TITLE,
            RecordKind.TITLE,
        ]
        assert records[2].superseded_by == records[3]  # the extension replaced the title
        assert all(ResidenceRecordHistory.objects.filter(record=r).exists() for r in records)


def test_three_skilled_workers_extensions_show_the_fiktionsbescheinigung(small_demo, client):
    """Filed in time with the certificate issued (its record in the register panel, the old
    title's conditions carried over), filed in time with it offered, filed too late (the
    case file says why there is none)."""
    from django.urls import reverse

    from casework.constants import RecordKind, RecordSource
    from casework.fiktion import fiktion_status
    from casework.models import ResidenceRecord

    small_demo()
    cases = {}
    for offset, (label, *_rest) in enumerate(demo.FIKTION_CASES):
        email = f"person{demo.PERSONS + demo.FIKTION_PERSONS + offset}@example.org"
        cases[label] = Case.objects.get(person__email=email)
    assert {c.case_type.code for c in cases.values()} == {"18b"}

    issued = cases["issued"]
    record = ResidenceRecord.objects.get(case=issued, kind=RecordKind.FIKTION)
    assert record.source == RecordSource.DURING_CASE and record.employment_permitted is True
    assert record.valid_from == issued.title_expires_on + dt.timedelta(days=1)
    assert fiktion_status(issued).certificate is not None
    assert fiktion_status(cases["offered"]).offered
    assert not ResidenceRecord.objects.filter(case=cases["offered"]).exists()
    late = fiktion_status(cases["late"])
    assert not late.applies and "Fiktionswirkung" in late.reason

    client.force_login(get_user_model().objects.get(username="sachbearbeitung"))
    page = client.get(reverse("casework:case", args=[issued.file_number])).content.decode()
    assert f'data-record="{record.pk}"' in page
    status = page.split('data-testid="current-status"')[1].split("</p>")[0]
    assert "Fiktionsbescheinigung" in status
    page = client.get(reverse("casework:case", args=[cases["late"].file_number])).content.decode()
    assert 'data-testid="fiktion-reason"' in page and "Fiktionswirkung" in page
