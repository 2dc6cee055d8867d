"""Delete uploads of application forms that were never sent (data protection).

A form keeps its uploads under PRIVATE_MEDIA_ROOT/incoming between the steps; a form that
is abandoned leaves them behind. Run this daily, e.g. from cron.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.uploads import incoming_storage


class Command(BaseCommand):
    help = "Delete uploads of unfinished online applications older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24.0)

    def handle(self, *args, hours: float, **options):
        if hours <= 0:
            raise CommandError("--hours must be positive.")
        root = Path(incoming_storage().location)
        cutoff = time.time() - hours * 3600
        removed = 0
        if root.exists():
            for path in root.rglob("*"):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
        self.stdout.write(f"Removed {removed} abandoned upload(s) from {root}.")
