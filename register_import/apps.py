from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterImportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "register_import"
    verbose_name = _("Register import")
