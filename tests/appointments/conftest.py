import pytest
from django.core.cache import cache

from tests.casework.factories import WorkflowCaseFactory

from .factories import ServiceFactory


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """Each test starts with empty rate-limit counters and a generous limit."""
    cache.clear()
    settings.APPOINTMENTS_RATE_LIMIT = "1000/m"
    yield
    cache.clear()


@pytest.fixture
def biometrics(db):
    return ServiceFactory(kind="biometrics")


@pytest.fixture
def hand_over(db):
    return ServiceFactory(kind="hand_over")


@pytest.fixture
def checked_case(db):
    return WorkflowCaseFactory(checked=True)


def delivered_case(**kwargs):
    """A case whose ordered card has arrived at the office."""
    return WorkflowCaseFactory(produced=True, card_delivered=True, **kwargs)
