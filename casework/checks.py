"""System checks of casework: every case type names a workflow that exists.

A case type whose workflow key names nothing (a typo in an import, a workflow removed from the
code while the data still names it) would leave its cases without transitions; the start stops
instead (``manage.py check``, ``runserver``, ``migrate`` run system checks).
"""

from django.core import checks
from django.db import DatabaseError

from .workflow import CASE_WORKFLOWS


@checks.register(checks.Tags.models)
def case_type_workflows(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .models import Case, CaseType

    errors: list[checks.CheckMessage] = []
    known = list(CASE_WORKFLOWS)
    try:
        # Before the tables exist (a fresh database, ``migrate``) there is nothing to check.
        unknown_types = list(
            CaseType.objects.exclude(workflow__in=known).values_list("code", "workflow")
        )
        unknown_cases = list(
            Case.objects.exclude(workflow_key__in=["", *known])
            .order_by()
            .values_list("workflow_key", flat=True)
            .distinct()
        )
    except DatabaseError:
        return []
    for code, key in unknown_types:
        errors.append(
            checks.Error(
                f"case type {code!r} names the workflow {key!r}, which does not exist",
                hint=f"Known workflows: {', '.join(known)}. Correct the case type.",
                obj=f"CaseType {code}",
                id="casework.E001",
            )
        )
    for key in unknown_cases:
        errors.append(
            checks.Error(
                f"cases follow the workflow {key!r}, which does not exist",
                hint=f"Known workflows: {', '.join(known)}. Restore the workflow's declaration.",
                obj="Case",
                id="casework.E002",
            )
        )
    return errors
