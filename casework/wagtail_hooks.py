"""The back office inside the Wagtail admin: URLs, the "Cases" menu, and what staff see.

Caseworkers, Service Point staff and supervisors reach the admin through the group
"Casework staff" (``wagtailadmin.access_admin`` only, no page permissions); the page, image,
document and snippet menus are hidden for them. Editors without a department membership never
see the "Cases" menu, and the case views answer them with 403.
"""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import CaseType, RequiredDocument
from .policy import policy_for
from .worklists import WorklistFilters, worklist

#: Menu items of the page editors' world that casework staff do not need.
EDITOR_MENU_ITEMS = {"explorer", "images", "documents", "snippets", "reports"}


urlpatterns = [
    path("", views.worklist_view, {"scope": "department"}, name="worklist"),
    path("mine/", views.worklist_view, {"scope": "mine"}, name="mine"),
    path("overdue/", views.worklist_view, {"scope": "overdue"}, name="overdue"),
    path("bulk/reassign/", views.bulk_reassign, name="bulk_reassign"),
    path("workflow/", views.workflow_diagram, name="workflow"),
    path("case/<str:file_number>/", views.case_file, name="case"),
    path(
        "case/<str:file_number>/transition/<slug:name>/",
        views.fire_transition_view,
        name="transition",
    ),
    path("case/<str:file_number>/comment/", views.add_comment_view, name="comment"),
    path("case/<str:file_number>/document/", views.document_view, name="document"),
    path("case/<str:file_number>/fees/", views.fee_payment_view, name="fees"),
    path("case/<str:file_number>/biometrics/", views.biometrics_view, name="biometrics"),
    path(
        "case/<str:file_number>/card-delivered/", views.card_delivered_view, name="card_delivered"
    ),
    path("case/<str:file_number>/reassign/", views.reassign_view, name="reassign"),
    path("case/<str:file_number>/share/", views.share_view, name="share"),
    path("access-log/", views.access_log_view, name="access_log"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/all/", views.all_api_tokens, name="all_api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]


@hooks.register("insert_global_admin_css")
def backoffice_css():
    """Styles every back-office page shares (tables that scroll in their own region)."""
    return format_html('<link rel="stylesheet" href="{}">', static("casework/backoffice.css"))


@hooks.register("register_admin_urls")
def register_casework_urls():
    return [path("cases/", include((urlpatterns, "casework"), namespace="casework"))]


class CaseTypeViewSet(SnippetViewSet):
    """The catalogue of case types (under Snippets), with their names for applicants."""

    model = CaseType
    icon = "folder-open-1"
    menu_label = _("Case types")
    list_display = ["legal_basis", "name", "name_en", "name_uk", "name_ru", "active"]
    list_filter = ["active", "category"]
    add_to_admin_menu = False


class RequiredDocumentViewSet(SnippetViewSet):
    """The checklist items of the case types, with their names for applicants."""

    model = RequiredDocument
    icon = "doc-full"
    menu_label = _("Required documents")
    list_display = ["name", "case_type", "name_en", "name_uk", "name_ru", "sort_order"]
    list_filter = ["case_type"]
    add_to_admin_menu = False


register_snippet(CaseTypeViewSet)
register_snippet(RequiredDocumentViewSet)


class CaseworkMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_use_casework(request.user)


class CaseworkSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return views.can_use_casework(request.user)


cases_menu = Menu(
    register_hook_name="register_casework_menu_item",
    construct_hook_name="construct_casework_menu",
)


@hooks.register("register_casework_menu_item")
def register_my_cases():
    return CaseworkMenuItem(
        _("My cases"), reverse("casework:mine"), name="casework-mine", icon_name="user", order=100
    )


@hooks.register("register_casework_menu_item")
def register_department_worklist():
    return CaseworkMenuItem(
        _("Department worklist"),
        reverse("casework:worklist"),
        name="casework-worklist",
        icon_name="list-ul",
        order=200,
    )


@hooks.register("register_casework_menu_item")
def register_overdue():
    return CaseworkMenuItem(
        _("Overdue"),
        reverse("casework:overdue"),
        name="casework-overdue",
        icon_name="time",
        order=300,
    )


@hooks.register("register_casework_menu_item")
def register_workflow_diagram():
    return CaseworkMenuItem(
        _("Workflow diagram"),
        reverse("casework:workflow"),
        name="casework-workflow",
        icon_name="tasks",
        order=400,
    )


class AccessLogMenuItem(MenuItem):
    """Office management and supervisors (the policy's ``may_read_access_log``)."""

    def is_shown(self, request):
        return (
            views.can_use_casework(request.user) and policy_for(request.user).may_read_access_log()
        )


@hooks.register("register_casework_menu_item")
def register_access_log():
    return AccessLogMenuItem(
        _("Access log"),
        reverse("casework:access_log"),
        name="casework-access-log",
        icon_name="view",
        order=450,
    )


@hooks.register("register_casework_menu_item")
def register_api_tokens():
    return CaseworkMenuItem(
        _("API tokens"),
        reverse("casework:api_tokens"),
        name="casework-api-tokens",
        icon_name="key",
        order=500,
    )


@hooks.register("register_admin_menu_item")
def register_cases_menu():
    return CaseworkSubmenuItem(
        _("Cases"), cases_menu, name="cases", icon_name="folder-open-1", order=50
    )


@hooks.register("construct_main_menu")
def hide_page_editing_from_casework_staff(request, menu_items):
    user = request.user
    if user.is_superuser or policy_for(user).is_office_admin or not views.can_use_casework(user):
        return
    menu_items[:] = [item for item in menu_items if item.name not in EDITOR_MENU_ITEMS]


class CaseworkSummaryPanel(Component):
    """The dashboard's first panel for casework staff: their open cases and what is late."""

    name = "casework_summary"
    template_name = "casework/home_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        mine = worklist(user, mine=True)
        return {
            "mine_count": mine.count(),
            "oldest_mine": mine.first(),
            "overdue_count": worklist(user, filters=WorklistFilters(overdue=True)).count(),
            "open_count": worklist(user).count(),
        }


@hooks.register("construct_homepage_panels")
def add_casework_panel(request, panels):
    if views.can_use_casework(request.user):
        panels.insert(0, CaseworkSummaryPanel())


@hooks.register("daily_jobs")
def remove_orphan_files_daily(*, today=None) -> dict:
    """Part of the daily job: files no record names (crashed writes, forms never sent)."""
    from .files import remove_orphan_files

    removed = remove_orphan_files()
    return {"orphan files removed": sum(removed.values())}
