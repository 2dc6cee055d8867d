from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Case search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.signals import case_changed

        from . import signals

        # The one signal: casework announces every change of a case, its person and its
        # comments (services and plain saves alike), once per transaction after the commit.
        case_changed.connect(signals.case_changed, dispatch_uid="search_case_changed")
