"""The bulk continuation pages: enter, preview, run, progress, downloads."""

import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from casework.constants import Role
from operations.models import ContinuationItem, ContinuationOrdinance
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    WorkflowCaseFactory,
)


def login(client, user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)


#: The titles were granted on this day.
GRANTED_ON = dt.date(2024, 6, 1)


@pytest.fixture
def office(db):
    dept_a, dept_b = DepartmentFactory(code="a"), DepartmentFactory(code="b")
    temporary = CaseTypeFactory(code="24", legal_basis="§ 24 AufenthG", department=dept_a)
    temporary_b = CaseTypeFactory(code="24-b", legal_basis="§ 24 AufenthG", department=dept_b)
    for _ in range(3):
        WorkflowCaseFactory(
            case_type=temporary, handed_over=True, granted_until=dt.date(2025, 5, 1), at=GRANTED_ON
        )
    hidden = WorkflowCaseFactory(
        case_type=temporary_b, handed_over=True, granted_until=dt.date(2025, 5, 1), at=GRANTED_ON
    )
    return {
        "type": temporary,
        "hidden": hidden,
        "supervisor": MembershipFactory(department=dept_a, role=Role.SUPERVISOR).user,
        "supervisor_b": MembershipFactory(department=dept_b, role=Role.SUPERVISOR).user,
        "caseworker": MembershipFactory(department=dept_a, role=Role.CASEWORKER).user,
    }


def enter(client, office, **overrides):
    data = {
        "case_type": office["type"].pk,
        "cut_off_on": "2025-02-01",
        "valid_until": "2027-03-04",
        "reference": "Fortgeltungsverordnung",
        **overrides,
    }
    return client.post(reverse("operations:ordinances"), data)


def test_enter_preview_run_and_download(client, office, django_capture_on_commit_callbacks):
    login(client, office["supervisor"])
    response = enter(client, office)
    ordinance = ContinuationOrdinance.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("operations:ordinance", args=[ordinance.pk]))
    html = detail.content.decode()
    assert detail.context["candidate_count"] == 3  # department B's holder is not shown
    assert office["hidden"].file_number not in html
    assert ContinuationItem.objects.count() == 0  # the preview changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("operations:ordinance_run", args=[ordinance.pk]))
    detail = client.get(reverse("operations:ordinance", args=[ordinance.pk]))
    assert detail.context["progress"] == {"done": 3, "total": 3, "printed": 3, "batches": 1}
    assert detail.context["candidate_count"] == 0
    archive = client.get(reverse("operations:print_file", args=[ordinance.pk]))
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as files:
        assert files.namelist() == [f"certificates-{ordinance.pk}/batch-0001.pdf"]
        assert files.read(files.namelist()[0]).startswith(b"%PDF")
    batch = client.get(reverse("operations:batch_file", args=[ordinance.pk, 1]))
    assert b"".join(batch.streaming_content).startswith(b"%PDF")
    item = ContinuationItem.objects.first()
    single = client.get(reverse("operations:certificate", args=[ordinance.pk, item.pk]))
    assert single.content.startswith(b"%PDF")

    # another department's supervisor gets neither the print file nor a certificate
    login(client, office["supervisor_b"])
    assert client.get(reverse("operations:print_file", args=[ordinance.pk])).status_code == 404
    assert client.get(reverse("operations:batch_file", args=[ordinance.pk, 1])).status_code == 404
    url = reverse("operations:certificate", args=[ordinance.pk, item.pk])
    assert client.get(url).status_code == 404


def _task_held_by(worker_alive: bool):
    """A running task row, and a worker holding it with a fresh (or a stale) heartbeat."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from background.models import WorkerProcess

    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="operations.tasks.run_continuation_task",
        backend_name="default",
        status="RUNNING",
        worker_ids=["w1"],
    )
    seen = timezone.now() - dt.timedelta(seconds=0 if worker_alive else 3600)
    WorkerProcess.objects.create(worker_id="w1", seen_at=seen, task_id=task.id)
    return task


def test_page_refreshes_while_running(client, office):
    login(client, office["supervisor"])
    enter(client, office)
    ordinance = ContinuationOrdinance.objects.get()
    task = _task_held_by(worker_alive=True)
    ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(
        status="running", total=3, task_id=task.id
    )
    html = client.get(reverse("operations:ordinance", args=[ordinance.pk])).content.decode()
    assert 'http-equiv="refresh"' in html
    assert "0 of 3" in html or "0 von 3" in html
    assert 'data-testid="stalled"' not in html


def test_a_run_whose_worker_died_shows_as_stalled_and_can_be_resumed(
    client, office, django_capture_on_commit_callbacks
):
    """The worker's heartbeat is an hour old: the page says so and offers "resume", which
    releases the dead task and finishes the run."""
    from django_tasks_db.models import DBTaskResult

    login(client, office["supervisor"])
    enter(client, office)
    ordinance = ContinuationOrdinance.objects.get()
    task = _task_held_by(worker_alive=False)
    ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(
        status="running", total=3, task_id=task.id, run_by=office["supervisor"]
    )
    html = client.get(reverse("operations:ordinance", args=[ordinance.pk])).content.decode()
    assert 'data-testid="stalled"' in html
    assert 'http-equiv="refresh"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("operations:ordinance_run", args=[ordinance.pk]))
    task.refresh_from_db()
    assert task.status == "FAILED"  # released: no worker can pick the old task up again
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    ordinance.refresh_from_db()
    assert ordinance.status == "done"
    assert ContinuationItem.objects.count() == 3


def test_a_run_a_live_worker_holds_cannot_be_started_twice(client, office):
    login(client, office["supervisor"])
    enter(client, office)
    ordinance = ContinuationOrdinance.objects.get()
    task = _task_held_by(worker_alive=True)
    ContinuationOrdinance.objects.filter(pk=ordinance.pk).update(status="running", task_id=task.id)
    response = client.post(reverse("operations:ordinance_run", args=[ordinance.pk]), follow=True)
    assert "already being applied" in response.content.decode() or "bereits" in (
        response.content.decode()
    )
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert ContinuationItem.objects.count() == 0


def test_bad_dates_are_refused_and_nothing_is_saved(client, office):
    login(client, office["supervisor"])
    response = enter(client, office, valid_until="2025-01-01")
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]
    assert ContinuationOrdinance.objects.count() == 0


def test_caseworkers_cannot_enter_or_run(client, office):
    login(client, office["caseworker"])
    assert enter(client, office).status_code == 403
    assert ContinuationOrdinance.objects.count() == 0
