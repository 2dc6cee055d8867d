import pytest
from django.core.cache import cache

from casework.constants import CardOrderStatus, CaseState
from casework.models import CardOrder
from tests.casework.factories import CaseFactory

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
    return CaseFactory(state=CaseState.CHECKED)


def delivered_case(**kwargs):
    """A case whose ordered card has arrived at the office."""
    case = CaseFactory(state=CaseState.PRODUCED, **kwargs)
    CardOrder.objects.create(
        case=case, order_number=f"BDR-{case.pk}", status=CardOrderStatus.DELIVERED
    )
    return case
