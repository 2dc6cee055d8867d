"""Rebuild the case search index (database, then every external index), with a progress bar."""

import time

from django.core.management.base import BaseCommand

from search import indexing
from search.backends import get_search_backends


class Command(BaseCommand):
    help = "Index every case again: the database index, then every configured search engine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--external-only",
            action="store_true",
            help="Only fill the search engines' indices again from the database index.",
        )

    def handle(self, external_only=False, **options):
        if not external_only:
            started = time.monotonic()
            self.stdout.write("database:")
            count = indexing.rebuild(progress=self._progress)
            self._done("database", count, started)
        for name, backend in get_search_backends().items():
            if not backend.external:
                continue
            started = time.monotonic()
            self.stdout.write(f"{name}:")
            count = backend.reindex(progress=self._progress)
            self._done(name, count, started)

    def _done(self, name: str, count: int, started: float) -> None:
        self.stdout.write("")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{name}: {count} cases indexed in {seconds:.1f}s "
                f"({count / seconds if seconds else 0:.0f} per second)"
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}", ending=""
        )
        self.stdout.flush()
