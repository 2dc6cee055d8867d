"""Load the demo office: pages in four languages, departments, users per role, cases.

Idempotent: running it twice changes nothing the second time. Refuses to run in production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo office (local demo only)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("Refusing to load demo data with production settings.")
        from demo import loader

        loader.load_all(stdout=self.stdout, style=self.style)
