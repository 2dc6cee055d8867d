"""The import as a background job (django-tasks, database backend)."""

from django_tasks import TaskContext, task

from . import services


@task(takes_context=True)
def run_import_task(context: TaskContext, run_id: int) -> dict:
    run = services.run_import(run_id, task_id=str(context.task_result.id))
    return {"rows": run.rows_done, "created": run.persons_created, "errors": run.error_count}
