"""Bulk continuation: preview, run, idempotence and resume after a crash half-way."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from casework.constants import CaseState, Role
from casework.models import Case, CaseHistory
from operations import services
from operations.constants import RunStatus
from operations.models import ContinuationItem
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

CUT_OFF = dt.date(2025, 2, 1)
#: The titles were granted (received, checked … handed over) on this day.
GRANTED_ON = dt.date(2024, 6, 1)
NEW = dt.date(2027, 3, 4)


@pytest.fixture
def setup(db):
    dept_a = DepartmentFactory(code="a")
    dept_b = DepartmentFactory(code="b")
    temporary = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", department=dept_a)
    temporary_b = CaseTypeFactory(code="24b", legal_basis="§ 24 AufenthG", department=dept_b)
    other = CaseTypeFactory(code="18b", department=dept_a)
    supervisor = MembershipFactory(department=dept_a, role=Role.SUPERVISOR).user
    caseworker = MembershipFactory(department=dept_a, role=Role.CASEWORKER).user

    def case(state=CaseState.HANDED_OVER, case_type=temporary, language="uk", **kwargs):
        person = PersonFactory(preferred_language=language)
        return WorkflowCaseFactory(
            person=person, case_type=case_type, state=state, at=GRANTED_ON, **kwargs
        )

    cases = {
        "granted": case(granted_until=dt.date(2025, 3, 4)),
        "on_cut_off": case(granted_until=CUT_OFF, language="ru"),
        "pending_extension": case(state=CaseState.RECEIVED, title_expires_on=dt.date(2025, 6, 1)),
        "expired_before": case(granted_until=CUT_OFF - dt.timedelta(days=1)),
        "other_type": case(case_type=other, granted_until=dt.date(2025, 3, 4)),
        "refused": case(state=CaseState.REFUSED, title_expires_on=dt.date(2025, 6, 1)),
        "already_longer": case(granted_until=NEW),
        "other_department": case(case_type=temporary_b, granted_until=dt.date(2025, 3, 4)),
    }
    ordinance = services.create_ordinance(
        user=supervisor,
        case_type=temporary,
        cut_off_on=CUT_OFF,
        valid_until=NEW,
        reference="Zweite Verordnung zur Änderung der "
        "Ukraine-Aufenthaltserlaubnis-Fortgeltungsverordnung",
    )
    return {
        "supervisor": supervisor,
        "caseworker": caseworker,
        "cases": cases,
        "ordinance": ordinance,
    }


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run as the view does; the queued task runs when the transaction commits."""

    def run(ordinance, user):
        with django_capture_on_commit_callbacks(execute=True):
            services.start_continuation(ordinance=ordinance, user=user)

    return run


def snapshot():
    return {
        c.pk: (c.granted_until, c.title_expires_on, c.state) for c in Case.objects.order_by("pk")
    }


def test_preview_lists_exactly_the_titles_valid_on_the_cut_off_day(setup):
    cases = setup["cases"]
    preview = services.continuation_candidates(setup["ordinance"], setup["supervisor"])
    assert set(preview) == {cases["granted"], cases["on_cut_off"], cases["pending_extension"]}


def test_preview_changes_nothing(setup):
    before = snapshot()
    list(services.continuation_candidates(setup["ordinance"], setup["supervisor"]))
    assert snapshot() == before


def test_run_continues_titles_writes_history_and_a_print_file(start, setup):
    cases = setup["cases"]
    before = snapshot()
    start(setup["ordinance"], setup["supervisor"])
    ordinance = setup["ordinance"]
    ordinance.refresh_from_db()
    assert ordinance.status == RunStatus.DONE
    assert services.continuation_progress(ordinance) == {
        "done": 3,
        "total": 3,
        "printed": 3,
        "batches": 1,
    }
    for key in ("granted", "on_cut_off"):
        cases[key].refresh_from_db()
        assert cases[key].granted_until == NEW
    cases["pending_extension"].refresh_from_db()
    assert cases["pending_extension"].title_expires_on == NEW
    assert cases["pending_extension"].state == CaseState.RECEIVED
    after = snapshot()
    for key in ("expired_before", "other_type", "refused", "already_longer", "other_department"):
        assert after[cases[key].pk] == before[cases[key].pk]
    rows = CaseHistory.objects.filter(transition=services.CONTINUATION_TRANSITION)
    assert rows.count() == 3
    for row in rows:
        assert row.from_state == row.to_state == row.case.state
        assert row.by == setup["supervisor"]
    batch = ordinance.batches.get()
    assert batch.letters == 3
    reader = PdfReader(io.BytesIO(batch.file.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 4  # the cover sheet and three letters
    assert "1 of 1" in text or "1 von 1" in text  # the cover sheet
    assert text.count("Bescheinigung über die Fortgeltung") == 3
    assert "Довідка про продовження" in text  # Ukrainian holders
    assert "Справка о продлении" in text  # the Russian-speaking holder
    assert "04.03.2027" in text


def test_second_run_changes_nothing(start, setup):
    start(setup["ordinance"], setup["supervisor"])
    before = snapshot()
    history = CaseHistory.objects.count()
    start(setup["ordinance"], setup["supervisor"])
    assert snapshot() == before
    assert CaseHistory.objects.count() == history
    assert ContinuationItem.objects.count() == 3


def test_a_case_whose_item_exists_is_left_alone_and_the_run_goes_on(setup):
    """The unique item key is the last word: that case is untouched, the next one is done."""
    ordinance, cases = setup["ordinance"], setup["cases"]
    ordinance.run_by = setup["supervisor"]
    ordinance.save()
    now = dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    ContinuationItem.objects.create(
        ordinance=ordinance,
        case=cases["granted"],
        previous_valid_until=dt.date(2025, 3, 4),
        language="uk",
    )
    before = snapshot()
    assert services._continue_one(ordinance, cases["granted"].pk, now) is False
    assert snapshot() == before
    assert not CaseHistory.objects.filter(transition=services.CONTINUATION_TRANSITION).exists()
    assert services._continue_one(ordinance, cases["on_cut_off"].pk, now) is True
    cases["on_cut_off"].refresh_from_db()
    assert cases["on_cut_off"].granted_until == NEW
    assert ContinuationItem.objects.count() == 2
    assert CaseHistory.objects.filter(transition=services.CONTINUATION_TRANSITION).count() == 1


def test_crash_half_way_leaves_every_case_done_or_untouched_and_rerun_finishes(
    start, setup, monkeypatch, settings
):
    """Chunks of three cases per transaction: the crash in the second chunk leaves the first
    three done and every other case untouched."""
    settings.OPERATIONS_CONTINUATION_CHUNK = 3
    supervisor, ordinance = setup["supervisor"], setup["ordinance"]
    for _ in range(5):
        WorkflowCaseFactory(
            person=PersonFactory(),
            case_type=ordinance.case_type,
            handed_over=True,
            granted_until=dt.date(2025, 9, 1),
            at=GRANTED_ON,
        )
    qualifying = set(
        services.continuation_candidates(ordinance, supervisor).values_list("pk", flat=True)
    )
    assert len(qualifying) == 8
    before = snapshot()
    original = services._continuation_note
    calls = {"n": 0}

    def crash_on_fourth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("power cut")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_continuation_note", crash_on_fourth)
    start(ordinance, supervisor)  # the task fails; the backend records it
    ordinance.refresh_from_db()
    assert ordinance.status == RunStatus.FAILED
    assert "power cut" in ordinance.error

    done = set(ContinuationItem.objects.values_list("case_id", flat=True))
    assert len(done) == 3
    after = snapshot()
    history = set(
        CaseHistory.objects.filter(transition="continuation").values_list("case_id", flat=True)
    )
    for pk in qualifying:
        if pk in done:  # fully done: title, history row and item together
            assert after[pk][0] == NEW or after[pk][1] == NEW
            assert pk in history
        else:  # untouched
            assert after[pk] == before[pk]
            assert pk not in history

    monkeypatch.setattr(services, "_continuation_note", original)
    start(ordinance, supervisor)
    ordinance.refresh_from_db()
    assert ordinance.status == RunStatus.DONE
    assert set(ContinuationItem.objects.values_list("case_id", flat=True)) == qualifying
    for pk in qualifying:
        assert CaseHistory.objects.filter(case_id=pk, transition="continuation").count() == 1
    assert services.continuation_progress(ordinance) == {
        "done": 8,
        "total": 8,
        "printed": 8,
        "batches": 1,
    }


def test_only_supervisors_enter_and_run_ordinances(start, setup):
    with pytest.raises(PermissionDenied):
        start(setup["ordinance"], setup["caseworker"])
    with pytest.raises(PermissionDenied):
        services.create_ordinance(
            user=setup["caseworker"],
            case_type=setup["ordinance"].case_type,
            cut_off_on=CUT_OFF,
            valid_until=NEW,
            reference="x",
        )
    assert ContinuationItem.objects.count() == 0


def test_bad_dates_are_refused(setup):
    with pytest.raises(ValidationError):
        services.create_ordinance(
            user=setup["supervisor"],
            case_type=setup["ordinance"].case_type,
            cut_off_on=NEW,
            valid_until=CUT_OFF,
            reference="x",
        )


def test_single_certificate_is_a_pdf_in_german_and_the_holders_language(start, setup):
    start(setup["ordinance"], setup["supervisor"])
    item = ContinuationItem.objects.get(case=setup["cases"]["on_cut_off"])
    pdf = services.certificate_pdf(item)
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Bescheinigung über die Fortgeltung" in text
    assert "Справка о продлении" in text
    assert "01.02.2025" in text  # valid until before


def test_on_postgresql_the_per_chunk_commits_do_not_wait_for_the_disk(
    start, setup, monkeypatch, settings
):
    """Asynchronous commit during the cases only; the session setting is restored after."""
    settings.OPERATIONS_CONTINUATION_CHUNK = 1
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    seen = []
    original = services._continue_chunk

    def spy(*args, **kwargs):
        seen.append(setting())
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_continue_chunk", spy)
    before = setting()
    start(setup["ordinance"], setup["supervisor"])
    assert seen == ["off"] * 3
    assert setting() == before == "on"
    assert ContinuationItem.objects.count() == 3
