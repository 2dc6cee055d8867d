"""Demo appointments: the seed office's services, counters and release rule, and the slots
of the last two releases, so booking works right after ``make run``. Idempotent."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from casework.demo import grant_office_admins

from .constants import ServiceKind
from .models import Service
from .services import release_slots

#: The services' names for applicants: (English, Ukrainian, Russian); German is ``name``.
SERVICE_NAMES = {
    ServiceKind.BIOMETRICS: (
        "Biometrics (fingerprints, photo, signature)",
        "Біометрія (відбитки пальців, фото, підпис)",
        "Биометрия (отпечатки пальцев, фото, подпись)",
    ),
    ServiceKind.HAND_OVER: (
        "Collection of the electronic residence permit",
        "Видача електронного дозволу на проживання",
        "Выдача электронного вида на жительство",
    ),
}


def load(*, stdout, style) -> None:
    call_command("setup_appointments", stdout=stdout)
    grant_office_admins(Service, ("view", "change"))
    for kind, (name_en, name_uk, name_ru) in SERVICE_NAMES.items():
        Service.objects.filter(kind=kind).update(name_en=name_en, name_uk=name_uk, name_ru=name_ru)
    now = timezone.now()
    created = release_slots(now=now - dt.timedelta(days=7)) + release_slots(now=now)
    stdout.write(f"  appointments: {created} slot(s) released.")
