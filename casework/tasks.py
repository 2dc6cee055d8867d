"""Background jobs of casework (django-tasks)."""

from django_tasks import task

__all__ = ["deem_participation_task"]


@task()
def deem_participation_task(participation_id: int) -> bool:
    """On the morning of its deadline: the participation's consent is deemed given, unless
    it was answered meanwhile (safe to run again: it deems once)."""
    from .services.participations import deem_participation

    return deem_participation(participation_id=participation_id)
