import io

import pytest
from django.core.management.color import no_style
from django.utils import timezone

from appointments import demo
from appointments.models import Slot

pytestmark = pytest.mark.django_db


def test_demo_releases_bookable_slots_once():
    """After `make run` the booking pages have slots; a second run adds none."""
    demo.load(stdout=io.StringIO(), style=no_style())
    count = Slot.objects.count()
    assert Slot.objects.filter(start__gt=timezone.now()).exists()
    demo.load(stdout=io.StringIO(), style=no_style())
    assert Slot.objects.count() == count
