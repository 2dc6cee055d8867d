"""Compare every search index with the database and, with --repair, write what differs."""

from django.core.management.base import BaseCommand, CommandError

from search.verify import verify_case_index


class Command(BaseCommand):
    help = (
        "Compare the database index and every search engine's index with the cases "
        "(after writing what is queued); --repair writes the differences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Write the differences.")
        parser.add_argument(
            "--fail", action="store_true", help="Exit with an error when differences remain."
        )

    def handle(self, repair=False, fail=False, **options):
        report = verify_case_index(repair=repair)
        remaining = 0
        for name, differences in report.items():
            self.stdout.write(f"{name}: {differences}")
            remaining += differences.count
        if fail and remaining:
            raise CommandError(f"{remaining} differences between the cases and the index.")
