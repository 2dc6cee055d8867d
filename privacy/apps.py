from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from .models import RetentionRule
        from .permissions import OfficeManagementPolicy

        register_permission_policy(RetentionRule, OfficeManagementPolicy(RetentionRule))
