"""The case search in the Wagtail admin: URL and menu item (only for users with case access)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_search_urls():
    return [path("case-search/", views.search_view, name="case_search")]


class CaseSearchMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_search_cases(request.user)


@hooks.register("register_admin_menu_item")
def register_case_search_menu_item():
    return CaseSearchMenuItem(
        _("Case search"), reverse("case_search"), name="case-search", icon_name="search", order=60
    )


@hooks.register("daily_jobs")
def drain_search_outbox_daily(*, today=None) -> dict:
    """Part of the daily job, a safety net for the outbox: whatever still waits is written
    (normally the job after each change, or its retry, has done it already)."""
    from . import sync

    out = {}
    for name in [sync.DATABASE_INDEX, *sync.external_backends()]:
        result = sync.drain(name)
        out[f"search index {name}: cases written"] = result.synced
        out[f"search index {name}: cases waiting"] = result.left
    return out
