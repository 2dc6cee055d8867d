"""Management commands: office defaults and the weekly release, both idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from appointments.models import Counter, ReleaseRule, Service, Slot

pytestmark = pytest.mark.django_db


def test_setup_then_release_twice_creates_slots_once():
    call_command("setup_appointments", stdout=StringIO())
    call_command("setup_appointments", stdout=StringIO())
    assert (Service.objects.count(), Counter.objects.count(), ReleaseRule.objects.count()) == (
        2,
        3,
        3,
    )
    out = StringIO()
    call_command("release_slots", "--upcoming", stdout=out)
    created = Slot.objects.count()
    assert created > 0
    assert f"{created} slot(s) created." in out.getvalue()
    call_command("release_slots", "--upcoming", stdout=StringIO())
    assert Slot.objects.count() == created
