"""Faults of the real cluster: a node stops, then the whole cluster stops and comes back.

These tests stop and start nodes of the test cluster with its control script (``make es``
starts it; ``ABH_ES_CONTROL`` names the script), so they run on their own after the other
Elasticsearch tests, in one process (``make test-es``).
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from casework.auth import issue_token
from casework.models import Case
from casework.services import add_comment
from search import sync
from search.backends import get_search_backend
from search.models import IndexOutbox, IndexSyncState

from .test_elasticsearch import register, users  # noqa: F401 (fixtures)

CONTROL = os.environ.get("ABH_ES_CONTROL", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.elasticsearch_faults,
    pytest.mark.skipif(not settings.ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set"),
    pytest.mark.skipif(not CONTROL, reason="ABH_ES_CONTROL (the cluster script) is not set"),
]


def control(*args: str) -> None:
    """Stop or start nodes of the test cluster (keeping their data)."""
    env = {**os.environ, "ES_KEEP_DATA": "1"}
    subprocess.run(  # noqa: S603
        ["bash", str(ROOT / CONTROL), *args],  # noqa: S607
        check=True,
        timeout=900,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture
def cluster(register, settings):  # noqa: F811
    """The office searches in Elasticsearch (CASE_SEARCH_BACKEND=elasticsearch)."""
    settings.CASE_SEARCH_BACKENDS = {
        "default": settings.CASE_SEARCH_BACKENDS["elasticsearch"],
        "database": {"BACKEND": "search.backends.database"},
    }
    database = get_search_backend("database")
    elasticsearch = get_search_backend("default")
    elasticsearch.rebuild()
    health = elasticsearch.client.cluster.health(
        index=elasticsearch.alias, wait_for_status="green", timeout="120s"
    )
    assert health["status"] == "green"
    return database, elasticsearch


def numbers(results, n=50):
    return [h.file_number for h in results[:n]]


def test_one_node_down_search_keeps_answering(cluster, users):  # noqa: F811
    """Every shard has a copy on a second node: with one of three stopped, nothing changes."""
    _database, elasticsearch = cluster
    boss = users["boss"]
    before = numbers(elasticsearch.search("Schewtschenko Oleksandr", user=boss))
    text_count = elasticsearch.search("Mietvertrag", user=boss).count()
    assert before and text_count
    control("stop-node", "1")  # the first address the client knows
    try:
        assert numbers(elasticsearch.search("Schewtschenko Oleksandr", user=boss)) == before
        assert elasticsearch.search("Mietvertrag", user=boss).count() == text_count
        case = Case.objects.order_by("pk").first()
        assert elasticsearch.sync([case.pk]) == 1  # writes go on too
        assert elasticsearch.verify().count == 0
    finally:
        control("start-node", "1")


def test_whole_cluster_down_work_goes_on_and_the_queue_drains(
    cluster,
    users,  # noqa: F811
    office,
    client,
    django_capture_on_commit_callbacks,
):
    _database, elasticsearch = cluster
    worker = users["worker_a"]
    case = Case.objects.filter(department=office["dept_a"]).order_by("pk").first()
    control("stop")
    try:
        # The API answers 503 with a clear message ...
        _token, key = issue_token(user=worker)
        response = client.get(
            "/api/v1/search/", {"q": "Shevchenko"}, HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert response.status_code == 503
        assert response.json()["code"] == "search_unavailable"
        assert response["Retry-After"]
        # ... the back office says so on the search page ...
        from django.contrib.auth.models import Permission

        worker.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        client.force_login(worker)
        page = client.get(reverse("case_search:index"), {"q": "Shevchenko"})
        assert page.status_code == 503
        assert 'data-testid="search-unavailable"' in page.content.decode()
        # ... and case work goes on: the change is saved and waits in the outbox.
        with django_capture_on_commit_callbacks(execute=True):
            add_comment(case=case, user=worker, text="Dolmetscher für Tigrinya bestellt")
        assert case.comments.filter(text__startswith="Dolmetscher").exists()
        assert IndexOutbox.objects.filter(backend="default", case_id=case.pk).exists()
        state = IndexSyncState.objects.get(backend="default")
        assert state.failing_since is not None and state.last_error
    finally:
        control("start")
    # Back: the queue drains, the index verification shows no difference.
    result = sync.drain("default")
    assert not result.failed and result.synced >= 1 and result.left == 0
    assert elasticsearch.verify().count == 0
    assert numbers(elasticsearch.search("Dolmetscher Tigrinya", user=worker)) == [case.file_number]
    assert IndexSyncState.objects.get(backend="default").failing_since is None
