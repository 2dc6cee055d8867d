"""Scheduled publishing happens by itself: the background worker runs Wagtail's
``publish_scheduled`` again and again, one run at a time, catching up after downtime."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cms import scheduling, signals
from cms.models import PublishingSchedule, TopicPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """The database backend, as in production (the tests otherwise run tasks at once); the
    worker runs inside the test's transaction, so it must not close the connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CMS_PUBLISH_SCHEDULED_INTERVAL = 60


def _scheduled_page(home, *, title: str, go_live_at: dt.datetime) -> TopicPage:
    """A page an editor published for later: a revision approved to go live at ``go_live_at``."""
    page = TopicPage(title=title, slug=title.lower().replace(" ", "-"), live=False)
    home.add_child(instance=page)
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.approved_go_live_at = go_live_at
    revision.save(update_fields=["approved_go_live_at"])
    return page


def _waiting() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=scheduling.publish_scheduled_pages.module_path,
            status=TaskResultStatus.READY,
        )
    )


def _run_worker() -> None:
    """The library's database worker, once through everything that is due."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def test_a_page_scheduled_for_the_past_goes_live_through_the_worker(home, database_tasks):
    page = _scheduled_page(
        home, title="Neue Gebühren", go_live_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert scheduling.ensure_scheduled()
    _run_worker()
    page.refresh_from_db()
    assert page.live
    (following,) = _waiting()
    assert following.run_after - timezone.now() > dt.timedelta(seconds=50), "the next run"
    schedule = PublishingSchedule.objects.get()
    assert schedule.last_published == 1 and schedule.lease_until is None


def test_after_downtime_one_run_publishes_everything_that_fell_due(home, database_tasks):
    now = timezone.now()
    pages = [
        _scheduled_page(home, title=f"Seite {hours}", go_live_at=now - dt.timedelta(hours=hours))
        for hours in (30, 5, 1)
    ]
    later = _scheduled_page(home, title="Morgen", go_live_at=now + dt.timedelta(days=1))
    # The worker was down for two days: the run queued back then is long overdue.
    scheduling.publish_scheduled_pages.using(run_after=now - dt.timedelta(days=2)).enqueue()
    _run_worker()
    assert all(Page.objects.get(pk=p.pk).live for p in pages)
    assert not Page.objects.get(pk=later.pk).live
    assert len(_waiting()) == 1


def test_only_one_run_is_ever_waiting(database_tasks):
    assert scheduling.ensure_scheduled()
    assert not scheduling.ensure_scheduled()
    assert len(_waiting()) == 1


def test_a_second_run_does_nothing_while_one_is_busy(home):
    page = _scheduled_page(home, title="Neu", go_live_at=timezone.now() - dt.timedelta(minutes=5))
    PublishingSchedule.objects.create(pk=1, lease_until=timezone.now() + dt.timedelta(minutes=5))
    assert scheduling.run_once() == {"skipped": "another run is busy"}
    page.refresh_from_db()
    assert not page.live
    # A lease of a run that died runs out.
    later = timezone.now() + scheduling.LEASE + dt.timedelta(minutes=1)
    assert scheduling.run_once(now=later)["published"] == 1


def test_a_failing_run_still_queues_the_next(home, database_tasks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(scheduling, "call_command", broken)
    scheduling.ensure_scheduled()
    _run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "hiccup" in failed.traceback
    assert len(_waiting()) == 1
    schedule = PublishingSchedule.objects.get()
    assert "hiccup" in schedule.last_error and schedule.lease_until is None


def test_migrate_and_scheduling_a_page_queue_a_run(
    home, database_tasks, django_capture_on_commit_callbacks
):
    signals._schedule_publishing(plan=[])
    assert len(_waiting()) == 1
    DBTaskResult.objects.all().delete()
    signals._schedule_publishing(plan=None)  # a flush, not a migrate
    assert _waiting() == []
    with django_capture_on_commit_callbacks(execute=True):
        _scheduled_page(home, title="Bald", go_live_at=timezone.now() + dt.timedelta(hours=2))
    assert len(_waiting()) == 1


def test_the_tests_immediate_backend_gets_no_endless_chain(home):
    assert not scheduling.ensure_scheduled()


def test_a_page_going_live_on_schedule_replaces_cached_pages_and_menus(client, home, topic):
    """The cached home page (and its menu) show the scheduled page once it went live."""
    assert client.get("/de/").status_code == 200
    assert client.get("/de/")["X-Page-Cache"] == "hit"
    page = TopicPage(title="Gebühren ab Januar", slug="gebuehren-ab-januar", live=False)
    page.show_in_menus = True
    home.add_child(instance=page)
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - dt.timedelta(seconds=1)
    revision.save(update_fields=["approved_go_live_at"])
    assert "Gebühren ab Januar" not in client.get("/de/").text
    assert scheduling.run_once()["published"] == 1
    response = client.get("/de/")
    assert response["X-Page-Cache"] == "miss"
    assert "Gebühren ab Januar" in response.text
    assert client.get("/de/gebuehren-ab-januar/").status_code == 200


def test_an_expired_page_leaves_the_cached_menu(client, home, topic):
    TopicPage.objects.filter(pk=topic.pk).update(show_in_menus=True)
    topic.refresh_from_db()
    topic.save_revision().publish()
    assert "Aufenthaltserlaubnis" in client.get("/de/").text
    Page.objects.filter(pk=topic.pk).update(expire_at=timezone.now() - dt.timedelta(seconds=1))
    assert scheduling.run_once()["unpublished"] == 1
    assert client.get("/de/aufenthaltserlaubnis/").status_code == 404
    assert 'href="/de/aufenthaltserlaubnis/"' not in client.get("/de/").text


def test_the_daily_jobs_mend_a_broken_chain(database_tasks):
    from operations.tasks import run_daily

    assert run_daily()["publishing_requeued"] == 1
    assert len(_waiting()) == 1
    assert run_daily()["publishing_requeued"] == 0


def test_results_of_old_runs_are_removed(home, database_tasks):
    scheduling.ensure_scheduled()
    _run_worker()
    DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).update(
        finished_at=timezone.now() - dt.timedelta(days=2)
    )
    scheduling.run_once()
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists()
