"""Drain the outbox into the search engines now; compare them with the database index."""

from django.core.management.base import BaseCommand, CommandError

from search import sync


class Command(BaseCommand):
    help = (
        "Write queued case changes to every search engine (what the background job does), "
        "then optionally compare database index and search index."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify", action="store_true", help="Compare every case with its document."
        )
        parser.add_argument(
            "--repair", action="store_true", help="Write the differences found by --verify."
        )

    def handle(self, verify=False, repair=False, **options):
        backends = sync.external_backends()
        if not backends:
            self.stdout.write("No search engine besides the database is configured.")
            return
        failed = False
        for name, backend in backends.items():
            result = sync.drain(name)
            line = f"{name}: {result.synced} cases written, {result.left} waiting"
            if result.failed:
                failed = True
                self.stdout.write(self.style.ERROR(f"{line}; unavailable: {result.error[:200]}"))
                continue
            self.stdout.write(line)
            if verify or repair:
                differences = backend.verify()
                self.stdout.write(f"{name}: {differences}")
                if repair and differences.count:
                    backend.repair(differences)
                    self.stdout.write(f"{name}: after repair: {backend.verify()}")
        if failed:
            raise CommandError("A search engine is unavailable; the changes stay queued.")
