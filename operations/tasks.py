"""Background jobs (django-tasks). Arguments are JSON: dates travel as ISO strings."""

import datetime as dt

from django_tasks import TaskContext, task
from wagtail import hooks

from . import services

#: Other apps add their part of the daily jobs through this Wagtail hook:
#: ``fn(*, today: date | None) -> dict`` of figures, merged into the job's result.
DAILY_JOBS_HOOK = "daily_jobs"


def run_daily(today: dt.date | None = None) -> dict:
    """Expiry reminders, then every app's daily job (e.g. deletions due under retention)."""
    result = dict(services.create_expiry_reminders(today=today))
    result["document_request_mails_resent"] = services.resend_document_requests()
    for job in hooks.get_hooks(DAILY_JOBS_HOOK):
        result.update(job(today=today))
    return result


@task()
def daily_jobs(today: str | None = None) -> dict:
    """Everything the office runs once a day; safe to run again or to catch up a missed day."""
    day = dt.date.fromisoformat(today) if today else None
    return run_daily(day)


@task(takes_context=True)
def run_continuation_task(context: TaskContext, ordinance_id: int) -> dict:
    return services.run_continuation(ordinance_id, task_id=str(context.task_result.id))


@task()
def send_document_request_task(case_id: int) -> bool:
    """The letter of a request for documents, off the request path (see the services)."""
    return services.send_document_request(case_id=case_id) is not None


@task()
def send_reminder_letters_task(reminder_ids: list[int]) -> int:
    """The letters of a chunk of expiry reminders (see the daily job's reminders)."""
    return services.send_reminder_letters(reminder_ids)


@task()
def run_target_group_mailing_task(mailing_id: int) -> dict:
    """The letters of a target group (see :mod:`operations.target_groups`)."""
    from .target_groups import run_mailing

    return run_mailing(mailing_id)
