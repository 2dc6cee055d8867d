"""Delete uploads of application forms that were never sent (data protection).

A form keeps its uploads under PRIVATE_MEDIA_ROOT/incoming between the steps; a form that
is abandoned leaves them behind. The daily job (``run_daily_jobs``) does the same.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.uploads import incoming_storage
from casework.files import remove_old_files


class Command(BaseCommand):
    help = "Delete uploads of unfinished online applications older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24.0)

    def handle(self, *args, hours: float, **options):
        if hours <= 0:
            raise CommandError("--hours must be positive.")
        root = Path(incoming_storage().location)
        removed = remove_old_files(root, dt.timedelta(hours=hours))
        self.stdout.write(f"Removed {removed} abandoned upload(s) from {root}.")
