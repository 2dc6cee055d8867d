"""Demo appointments: the seed office's services, counters and release rule, and the slots
of the last two releases, so booking works right after ``make run``. Idempotent."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from .services import release_slots


def load(*, stdout, style) -> None:
    call_command("setup_appointments", stdout=stdout)
    now = timezone.now()
    created = release_slots(now=now - dt.timedelta(days=7)) + release_slots(now=now)
    stdout.write(f"  appointments: {created} slot(s) released.")
