"""Drain the outbox into the search engines now; compare them with the database index."""

from django.core.management.base import BaseCommand, CommandError

from search import sync
from search.verify import verify_case_index


class Command(BaseCommand):
    help = (
        "Write queued case changes to every index (what the background job does), then "
        "optionally compare the indices with the database (the check of verify_case_index)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify", action="store_true", help="Compare every case with its document."
        )
        parser.add_argument(
            "--repair", action="store_true", help="Write the differences found by --verify."
        )

    def handle(self, verify=False, repair=False, **options):
        database = sync.drain(sync.DATABASE_INDEX)
        self.stdout.write(
            f"database index: {database.synced} cases written, {database.left} waiting"
        )
        backends = sync.external_backends()
        if not backends:
            self.stdout.write("No search engine besides the database is configured.")
        failed = False
        for name in backends:
            result = sync.drain(name)
            line = f"{name}: {result.synced} cases written, {result.left} waiting"
            if result.failed:
                failed = True
                self.stdout.write(self.style.ERROR(f"{line}; unavailable: {result.error[:200]}"))
                continue
            self.stdout.write(line)
        if failed:
            raise CommandError("A search engine is unavailable; the changes stay queued.")
        if verify or repair:
            report = verify_case_index(repair=repair, drain=False)
            for name, differences in report.items():
                self.stdout.write(f"{name}: {'after repair: ' if repair else ''}{differences}")
