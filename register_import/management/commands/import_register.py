"""``manage.py import_register FILE --department CODE --user NAME``: import a legacy register
(CSV or XLSX) with a progress bar; ``--resume RUN`` goes on with a run that stopped."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.models import Department
from register_import import services
from register_import.models import ImportRun

BAR = 30


class Command(BaseCommand):
    help = "Import persons and residence records of an earlier register (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="CSV or XLSX file (see docs/register-import.md)"
        )
        parser.add_argument("--department", help="code of the responsible department")
        parser.add_argument("--user", help="user name of the office manager importing")
        parser.add_argument("--resume", type=int, metavar="RUN", help="continue a stopped run")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["resume"]:
            run = ImportRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"No import run {options['resume']}.")
            if not services.may_import_register(run.started_by):
                raise CommandError("The run's user may no longer import the register.")
        else:
            run = self._create(options)
        self.started = time.monotonic()
        self.tty = self.stdout.isatty() and not options["no_progress"]
        self.quiet = options["no_progress"]
        try:
            run = services.run_import(run.pk, on_progress=self._progress)
        except Exception as exc:
            raise CommandError(
                f"Run {run.pk} stopped: {exc}. Resume it with --resume {run.pk}."
            ) from exc
        if self.tty:
            self.stdout.write("")
        self.stdout.write(
            f"Run {run.pk}: {run.persons_created} persons created, {run.persons_updated} "
            f"updated, {run.persons_unchanged} unchanged, {run.persons_rejected} not imported "
            f"({run.error_count} errors), {run.duplicates} held back as likely duplicates; "
            f"{run.records_written} records written."
        )

    def _create(self, options) -> ImportRun:
        if not options["file"] or not options["department"] or not options["user"]:
            raise CommandError("FILE, --department and --user are required.")
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"No department with the code {options['department']!r}.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        try:
            return services.create_run(
                path=options["file"], filename=options["file"], department=department, user=user
            )
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not import the register (office management).") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _progress(self, run: ImportRun) -> None:
        if self.quiet:
            return
        total = max(run.total_rows, 1)
        share = min(run.rows_done / total, 1.0)
        filled = round(share * BAR)
        line = (
            f"[{'#' * filled}{'.' * (BAR - filled)}] {share:6.1%}  "
            f"{run.rows_done:,}/{run.total_rows:,} rows  {time.monotonic() - self.started:6.1f} s"
        )
        self.stdout.write(line, ending="\r" if self.tty else "\n")
        self.stdout.flush()
