"""For cron: ``manage.py run_daily_jobs`` queues the daily job (``--now`` runs it here)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from operations.tasks import daily_jobs, run_daily


class Command(BaseCommand):
    help = (
        "Create expiry reminders (titles and passports) due today, and the other apps' daily "
        "jobs (e.g. proposing deletions due under the retention rules); catches up missed days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--now", action="store_true", help="Run in this process instead of queueing it."
        )

    def handle(self, *args, **options):
        today = options["today"]
        if today:
            try:
                dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today: not a date: {today}") from exc
        if options["now"]:
            day = dt.date.fromisoformat(today) if today else None
            result = run_daily(day)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Reminders created: {result.pop('created')}, "
                    f"e-mails sent: {result.pop('mailed')}"
                )
            )
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
            return
        result = daily_jobs.enqueue(today)
        self.stdout.write(self.style.SUCCESS(f"Daily jobs queued ({result.id})."))
