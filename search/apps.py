from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Case search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from casework.models import Case, CaseComment, Person

        from . import signals

        post_save.connect(signals.case_saved, sender=Case, dispatch_uid="search_case_saved")
        post_delete.connect(signals.case_deleted, sender=Case, dispatch_uid="search_case_deleted")
        post_save.connect(signals.person_changed, sender=Person, dispatch_uid="search_person_saved")
        post_save.connect(
            signals.comment_changed, sender=CaseComment, dispatch_uid="search_comment_saved"
        )
        post_delete.connect(
            signals.comment_changed, sender=CaseComment, dispatch_uid="search_comment_deleted"
        )
        # casework's ``case_changed`` signal is not needed: every service write saves the case,
        # and the post_save above already indexes it once per transaction.
