"""Background jobs (django-tasks): the daily proposal and the released deletion."""

import datetime as dt

from django_tasks import task

from . import services


def daily_job(*, today: dt.date | None = None) -> dict:
    """Part of the office's daily jobs (registered as the ``daily_jobs`` Wagtail hook)."""
    result = services.propose_due_deletions(today=today)
    return {"deletion_proposed": result["proposed"], "deletion_resumed": result["resumed"]}


@task()
def run_deletion_task(proposal_id: int) -> dict:
    return services.execute_proposal(proposal_id)
