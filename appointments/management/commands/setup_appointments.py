"""Create the default appointment configuration of the seed office (idempotent)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from appointments.constants import ServiceKind, Weekday
from appointments.models import Counter, ReleaseRule, Service

SERVICES = [
    (ServiceKind.BIOMETRICS, "Biometrie (Fingerabdrücke, Foto, Unterschrift)", 20),
    (ServiceKind.HAND_OVER, "Ausgabe des elektronischen Aufenthaltstitels", 10),
]
COUNTERS = [
    ("service-point-1", "Service Point, Schalter 1", "Erdgeschoss, Raum E.04"),
    ("service-point-2", "Service Point, Schalter 2", "Erdgeschoss, Raum E.05"),
    ("service-point-3", "Service Point, Schalter 3 (Ausgabe)", "Erdgeschoss, Raum E.06"),
]


class Command(BaseCommand):
    help = (
        "Create biometrics and hand-over services, three Service Point counters and release "
        "rules (each Monday 07:30 Europe/Berlin, two weeks ahead). Existing rows are kept."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        services = {}
        for kind, name, minutes in SERVICES:
            services[kind], _created = Service.objects.get_or_create(
                kind=kind, defaults={"name": name, "duration_minutes": minutes}
            )
        plan = {
            "service-point-1": ServiceKind.BIOMETRICS,
            "service-point-2": ServiceKind.BIOMETRICS,
            "service-point-3": ServiceKind.HAND_OVER,
        }
        for code, name, location in COUNTERS:
            counter, _created = Counter.objects.get_or_create(
                code=code, defaults={"name": name, "location": location}
            )
            service = services[plan[code]]
            counter.services.add(service)
            ReleaseRule.objects.get_or_create(
                counter=counter,
                service=service,
                defaults={
                    "release_weekday": Weekday.MONDAY,
                    "release_time": dt.time(7, 30),
                    "weeks_ahead": 2,
                    "open_weekdays": "0,1,2,3,4",
                    "day_start": dt.time(8, 0),
                    "day_end": dt.time(12, 0),
                },
            )
        self.stdout.write(
            f"{Service.objects.count()} services, {Counter.objects.count()} counters, "
            f"{ReleaseRule.objects.count()} release rules."
        )
