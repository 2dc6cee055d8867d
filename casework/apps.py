from django.apps import AppConfig


def _case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from .signals import SAVED, announce

        announce([instance.pk], SAVED)


def _case_deleted(sender, instance, **kwargs):
    from .signals import announce

    announce([instance.pk], "deleted")


def _person_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return  # a new person has no cases yet
    from .models import Case
    from .signals import SAVED, announce

    announce(Case.objects.filter(person_id=instance.pk).values_list("pk", flat=True), SAVED)


def _comment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from .signals import announce

        announce([instance.case_id], "comment")


class CaseworkConfig(AppConfig):
    name = "casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Saves outside a service (the admin, a shell, fixtures) are announced as well, so
        :data:`casework.signals.case_changed` is the one signal others listen to."""
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Case, CaseComment, Person
        from .workflow import CASE_WORKFLOWS

        # roles= and each transition's writes= name code by path: a path that names nothing
        # stops the start instead of silently doing nothing.
        CASE_WORKFLOWS.resolve()

        post_save.connect(_case_saved, sender=Case, dispatch_uid="casework_case_saved")
        post_delete.connect(_case_deleted, sender=Case, dispatch_uid="casework_case_deleted")
        post_save.connect(_person_saved, sender=Person, dispatch_uid="casework_person_saved")
        post_save.connect(_comment_changed, sender=CaseComment, dispatch_uid="casework_comment")
        post_delete.connect(
            _comment_changed, sender=CaseComment, dispatch_uid="casework_comment_deleted"
        )
