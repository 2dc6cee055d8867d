from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "operations"
    verbose_name = _("Office operations")

    def ready(self) -> None:
        from casework.signals import case_changed

        case_changed.connect(_on_case_changed, dispatch_uid="operations.document_request")


def _on_case_changed(sender, case, change, **kwargs) -> None:
    """A request for documents goes to the applicant as e-mail or letter (issue 10)."""
    if change != "request_documents":
        return
    import logging

    from .tasks import send_document_request_task

    try:
        send_document_request_task.enqueue(case.pk)
    except Exception:
        # The step is committed; the case file shows that no letter went out.
        logging.getLogger(__name__).exception("document request letter for case %s", case.pk)
