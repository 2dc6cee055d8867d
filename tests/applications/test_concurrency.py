"""Racing submissions of the same form on PostgreSQL: the unique token lets one case exist."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from applications.models import Submission
from applications.services import submit_application
from casework.models import Case, Person

from .conftest import personal_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def test_same_form_sent_by_racing_requests_creates_one_case(case_types):
    personal = personal_data(birth_date=dt.date(1990, 5, 17), passport_number="FA7777777")
    personal["passport_valid_until"] = timezone.localdate() + dt.timedelta(days=400)
    kwargs = {
        "token": "race" * 10,
        "kind": "employment",
        "personal": personal,
        "application": {"case_type": case_types["18b"], "is_extension": False},
        "uploads": {},
        "photo": {"photo_source": "on_site"},
    }
    barrier = threading.Barrier(THREADS)
    results, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait()
            result = submit_application(**kwargs)
            outcome = (result.created, result.submission.case_id)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == THREADS
    assert [created for created, _ in results].count(True) == 1, results
    assert len({case_id for _, case_id in results}) == 1, results
    assert Case.objects.count() == Submission.objects.count() == Person.objects.count() == 1
