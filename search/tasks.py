"""Background jobs of the search (django-tasks)."""

from django_tasks import task

from . import sync


@task()
def drain_index_outbox(backend: str) -> dict:
    """Write the queued case changes to an external search index (see :mod:`search.sync`)."""
    return sync.drain(backend).as_dict()
