"""Rebuild the case search index of every configured backend, with a progress bar."""

import time

from django.core.management.base import BaseCommand

from search.backends import get_search_backends


class Command(BaseCommand):
    help = "Index every case again (all configured case search backends)."

    def handle(self, **options):
        for name, backend in get_search_backends().items():
            started = time.monotonic()
            self.stdout.write(f"{name}:")
            count = backend.rebuild(progress=self._progress)
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name}: {count} cases indexed in {time.monotonic() - started:.1f}s"
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
