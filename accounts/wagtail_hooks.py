"""The second factor's pages in the admin, the account menu entries and the sign-in
security page for office management."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.policy import policy_for

from . import views

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/", views.security, name="security"),
    path("security/<int:pk>/", views.reset_user, name="reset_user"),
]


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [path("sign-in/", include((urlpatterns, "accounts"), namespace="accounts"))]


@hooks.register("register_account_menu_item")
def authenticator_item(request):
    return {
        "url": reverse("accounts:setup"),
        "label": _("Set up the authenticator app again"),
        "help_text": _("For a new phone: the old app stops working once the new one is confirmed."),
    }


@hooks.register("register_account_menu_item")
def recovery_codes_item(request):
    return {
        "url": reverse("accounts:recovery_codes"),
        "label": _("Recovery codes"),
        "help_text": _("Single-use codes for signing in when your phone is not at hand."),
    }


class SecurityMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or policy_for(request.user).is_office_admin


@hooks.register("register_settings_menu_item")
def register_security_item():
    return SecurityMenuItem(
        _("Sign-in security"),
        reverse("accounts:security"),
        name="sign-in-security",
        icon_name="lock",
        order=900,
    )
