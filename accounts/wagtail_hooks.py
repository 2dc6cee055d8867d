"""The second factor's pages in the admin (a ViewSet), the account menu entries and the sign-in
security page for office management."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.backoffice import BackOfficeViewSet
from casework.policy import policy_for

from . import views


class SignInViewSet(BackOfficeViewSet):
    """The second factor's pages and the sign-in security page under ``/admin/sign-in/`` (URL
    names ``accounts:…``); "Sign-in security" in the Settings menu for office management."""

    name = "accounts"
    url_prefix = "sign-in"
    icon = "lock"
    menu_label = _("Sign-in security")
    menu_name = "sign-in-security"
    menu_order = 900
    menu_url_name = "security"
    add_to_admin_menu = False
    add_to_settings_menu = True

    def is_shown(self, request) -> bool:
        return request.user.is_superuser or policy_for(request.user).is_office_admin

    def get_urlpatterns(self):
        return [
            path("verify/", views.verify, name="verify"),
            path("setup/", views.setup, name="setup"),
            path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
            path("security/", views.security, name="security"),
            path("security/<int:pk>/", views.reset_user, name="reset_user"),
        ]


@hooks.register("register_admin_viewset")
def register_sign_in_viewset():
    return SignInViewSet()


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
