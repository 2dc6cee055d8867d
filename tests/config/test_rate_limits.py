"""Birth-date guessing is limited per file number as well as per address, on every endpoint
that takes both, and the counters live in a cache all workers share (Redis in production)."""

import datetime as dt
import os
import uuid

import pytest
from django.core.cache import caches
from django.core.checks import run_checks

from appointments.models import Booking
from appointments.views import THROTTLE_GROUP  # noqa: F401 - the per-address group exists
from tests.appointments.factories import ServiceFactory, SlotFactory
from tests.casework.factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db

WRONG = dt.date(1950, 1, 1)


@pytest.fixture(autouse=True)
def _generous_per_address_limits(settings):
    """The per-address limits stay out of the way: these tests are about file numbers."""
    settings.APPOINTMENTS_RATE_LIMIT = "10000/m"
    settings.APPLICATION_STATUS_RATE = "10000/h"
    settings.APPLICATION_STATUS_PER_CASE_RATE = "10000/h"
    settings.APPLICANT_PROOF_RATE = "10/h"
    settings.APPLICANT_PROOF_DAILY_RATE = "30/d"
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def case():
    case = WorkflowCaseFactory(checked=True)
    ServiceFactory(kind="biometrics")
    SlotFactory(service__kind="biometrics")
    return case


def book_page(client, case, birth_date, n):
    return client.post(
        "/de/termin/",
        {"file_number": case.file_number, "birth_date": birth_date.isoformat()},
        REMOTE_ADDR=f"198.51.100.{n % 250 + 1}",
    )


def waiting_list(client, case, birth_date, n):
    return client.post(
        "/de/termin/warteliste/",
        {
            "file_number": case.file_number,
            "birth_date": birth_date.isoformat(),
            "email": "x@example.org",
        },
        REMOTE_ADDR=f"203.0.113.{n % 250 + 1}",
    )


def booking_api(client, case, birth_date, n):
    return client.post(
        "/api/v1/appointments/bookings",
        {"file_number": case.file_number, "birth_date": birth_date.isoformat()},
        content_type="application/json",
        REMOTE_ADDR=f"192.0.2.{n % 250 + 1}",
    )


def status_page(client, case, birth_date, n):
    return client.post(
        "/de/status/",
        {"file_number": case.file_number, "birth_date": birth_date.isoformat()},
        REMOTE_ADDR=f"198.18.0.{n % 250 + 1}",
    )


ENDPOINTS = [book_page, waiting_list, booking_api, status_page]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.__name__)
def test_guesses_from_many_addresses_stop_at_the_file_numbers_limit(client, case, endpoint):
    statuses = [
        endpoint(client, case, WRONG - dt.timedelta(days=n), n).status_code for n in range(20)
    ]
    assert 429 in statuses
    assert statuses.index(429) <= 11  # ten failures, then the budget is spent
    # Even the right birth date now waits: a lucky guess would get nowhere.
    assert endpoint(client, case, case.person.birth_date, 99).status_code == 429
    assert not Booking.objects.exists()


def test_the_file_numbers_budget_is_shared_by_all_endpoints(client, case):
    for n in range(12):
        ENDPOINTS[n % 4](client, case, WRONG - dt.timedelta(days=n), n)
    for endpoint in ENDPOINTS:
        assert endpoint(client, case, case.person.birth_date, 77).status_code == 429


def test_the_holder_proving_the_case_again_and_again_is_not_limited(client, case):
    for n in range(25):
        assert status_page(client, case, case.person.birth_date, n).status_code == 200


def test_another_file_number_is_not_affected(client, case):
    for n in range(15):
        book_page(client, case, WRONG, n)
    other = WorkflowCaseFactory(checked=True)
    assert status_page(client, other, other.person.birth_date, 1).status_code == 200


# -- the shared cache ---------------------------------------------------------------------------


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis here
        if os.environ.get("CI"):
            raise
        return None
    return url


@pytest.fixture
def three_workers(settings):
    """Three cache connections, as three gunicorn workers would have, on one Redis (with a
    key prefix of this test's own, so parallel runs never share counters)."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1 (CI starts one: .ci/services)")
    prefix = f"abh-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        **{
            name: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
            }
            for name in ("worker1", "worker2", "worker3")
        },
    }
    yield ["worker1", "worker2", "worker3"]
    import redis

    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)


def test_workers_sharing_redis_count_guesses_together(client, case, settings, three_workers):
    statuses = []
    for n in range(20):
        settings.RATELIMIT_USE_CACHE = three_workers[n % 3]  # each request on another worker
        statuses.append(status_page(client, case, WRONG - dt.timedelta(days=n), n).status_code)
    assert statuses.index(429) <= 11
    for worker in three_workers:
        settings.RATELIMIT_USE_CACHE = worker
        assert status_page(client, case, case.person.birth_date, 99).status_code == 429


def test_workers_with_their_own_memory_would_each_admit_the_full_limit(client, case, settings):
    """Why production needs the shared cache: three per-process caches, three budgets."""
    settings.CACHES = {
        **settings.CACHES,
        **{
            name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
            for name in ("w1", "w2", "w3")
        },
    }
    statuses = []
    for n in range(30):
        settings.RATELIMIT_USE_CACHE = ("w1", "w2", "w3")[n % 3]
        statuses.append(status_page(client, case, WRONG - dt.timedelta(days=n), n).status_code)
    assert 429 not in statuses[:30]


def test_deploy_check_requires_a_shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "abh.E001" in errors
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "abh.E001" not in errors
