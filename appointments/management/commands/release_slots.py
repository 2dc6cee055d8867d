from django.core.management.base import BaseCommand

from appointments.services import release_slots


class Command(BaseCommand):
    help = (
        "Create the slots of each release rule's latest release (idempotent). Run it from cron "
        "shortly before the release time with --upcoming: slots stay hidden until their instant."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help="Also create the next release's slots, hidden until the release instant.",
        )

    def handle(self, *args, **options):
        created = release_slots(include_upcoming=options["upcoming"])
        self.stdout.write(f"{created} slot(s) created.")
