from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in: lock-out, second factor, idle timeout and the security event log."""

    name = "accounts"
    verbose_name = _("Staff accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config import checks  # noqa: F401 - the shared-cache deployment check

        from . import receivers  # noqa: F401 - connects the sign-in signals
