"""Background jobs (django-tasks). Arguments are JSON: dates travel as ISO strings."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def daily_jobs(today: str | None = None) -> dict:
    """Everything the office runs once a day; safe to run again or to catch up a missed day."""
    day = dt.date.fromisoformat(today) if today else None
    return services.create_expiry_reminders(today=day)


@task()
def run_continuation_task(ordinance_id: int) -> dict:
    return services.run_continuation(ordinance_id)
