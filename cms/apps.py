from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public website")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import admin_locales, signals

        signals.connect()
        admin_locales.install()
