"""Statistics and bulk continuation in the back office; letter templates as a snippet."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import LetterTemplate
from .panels import LetterVariablesPanel
from .selectors import can_see_statistics

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:key>.<str:fmt>", views.export, name="export"),
    path("continuation/", views.ordinance_list, name="ordinances"),
    path("continuation/<int:pk>/", views.ordinance_detail, name="ordinance"),
    path("continuation/<int:pk>/run/", views.ordinance_run, name="ordinance_run"),
    path("continuation/<int:pk>/rebuild/", views.ordinance_rebuild, name="ordinance_rebuild"),
    path("continuation/<int:pk>/certificates.zip", views.ordinance_print_file, name="print_file"),
    path("continuation/<int:pk>/batch/<int:number>.pdf", views.batch_file, name="batch_file"),
    path(
        "continuation/<int:pk>/certificate/<int:item_pk>.pdf",
        views.certificate,
        name="certificate",
    ),
    path(
        "document-requests/<int:pk>.pdf",
        views.document_request_letter,
        name="document_request_letter",
    ),
]


@hooks.register("casework_case_file_panels")
def document_requests_panel(request, case):
    """The letters that asked the applicant for documents: e-mailed or to be posted."""
    letters = list(case.document_requests.all())
    if not letters:
        return None
    return {
        "name": "document-requests",
        "title": _("Letters requesting documents"),
        "order": 45,
        "full_file_only": True,
        "template": "operations/case_file_document_requests.html",
        "context": {"letters": letters},
    }


@hooks.register("register_admin_urls")
def register_operations_urls():
    return [path("operations/", include((urlpatterns, "operations"), namespace="operations"))]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_statistics(request.user)


class OperationsSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return can_see_statistics(request.user)


operations_menu = Menu(
    register_hook_name="register_operations_menu_item",
    construct_hook_name="construct_operations_menu",
)


@hooks.register("register_operations_menu_item")
def register_dashboard_item():
    return StatisticsMenuItem(
        _("Statistics"),
        reverse("operations:dashboard"),
        name="statistics",
        icon_name="table",
        order=100,
    )


@hooks.register("register_operations_menu_item")
def register_continuation_item():
    return StatisticsMenuItem(
        _("Bulk continuation"),
        reverse("operations:ordinances"),
        name="bulk-continuation",
        icon_name="repeat",
        order=200,
    )


@hooks.register("register_admin_menu_item")
def register_operations_menu():
    return OperationsSubmenuItem(
        _("Office operations"), operations_menu, name="operations", icon_name="table", order=60
    )


class LetterTemplateViewSet(SnippetViewSet):
    model = LetterTemplate
    icon = "mail"
    menu_label = _("Letter templates")
    menu_name = "letter-templates"
    menu_order = 700
    add_to_admin_menu = True
    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    panels = [
        FieldPanel("kind"),
        FieldPanel("language"),
        FieldPanel("subject"),
        FieldPanel("body"),
        LetterVariablesPanel(),
    ]


register_snippet(LetterTemplateViewSet)
