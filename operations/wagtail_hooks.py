"""Statistics and bulk continuation in the back office (a ViewSet); letter templates as a
snippet."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.backoffice import BackOfficeViewSet, MenuEntry

from . import views
from .models import LetterTemplate, TargetGroup
from .panels import LetterVariablesPanel
from .selectors import can_see_statistics


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


@hooks.register("casework_notice_text")
def notice_text(*, case, kind, context):
    from .notices import notice_text

    return notice_text(case=case, kind=kind, context=context)


@hooks.register("casework_notice_pdf")
def notice_pdf(*, notice):
    from .notices import notice_pdf

    return notice_pdf(notice=notice)


class OperationsViewSet(BackOfficeViewSet):
    """Statistics, exports, bulk continuation and its letters under ``/admin/operations/``
    (URL names ``operations:…``); the "Office operations" menu for supervisors and office
    management (the policy's ``supervises_anything``)."""

    name = "operations"
    icon = "table"
    menu_label = _("Office operations")
    menu_name = "operations"
    menu_order = 60
    submenu_hook = "register_operations_menu_item"
    submenu_construct_hook = "construct_operations_menu"
    menu_entries = [
        MenuEntry("dashboard", _("Statistics"), icon="table", order=100, name="statistics"),
        MenuEntry(
            "ordinances", _("Bulk continuation"), icon="repeat", order=200, name="bulk-continuation"
        ),
        MenuEntry(
            "target_groups", _("Target groups"), icon="group", order=300, name="target-groups"
        ),
    ]

    def is_shown(self, request) -> bool:
        return can_see_statistics(request.user)

    def get_urlpatterns(self):
        return [
            path("", views.dashboard, name="dashboard"),
            path("export/<slug:key>.<str:fmt>", views.export, name="export"),
            path("continuation/", views.ordinance_list, name="ordinances"),
            path("continuation/<int:pk>/", views.ordinance_detail, name="ordinance"),
            path("continuation/<int:pk>/run/", views.ordinance_run, name="ordinance_run"),
            path(
                "continuation/<int:pk>/rebuild/", views.ordinance_rebuild, name="ordinance_rebuild"
            ),
            path(
                "continuation/<int:pk>/certificates.zip",
                views.ordinance_print_file,
                name="print_file",
            ),
            path(
                "continuation/<int:pk>/batch/<int:number>.pdf", views.batch_file, name="batch_file"
            ),
            path(
                "continuation/<int:pk>/certificate/<int:item_pk>.pdf",
                views.certificate,
                name="certificate",
            ),
            path("target-groups/", views.target_group_list, name="target_groups"),
            path("target-groups/<int:pk>/", views.target_group_detail, name="target_group"),
            path("target-groups/<int:pk>/send/", views.target_group_send, name="target_group_send"),
            path(
                "target-groups/<int:pk>/letters/<int:letter_pk>.pdf",
                views.target_group_letter,
                name="target_group_letter",
            ),
            path(
                "document-requests/<int:pk>.pdf",
                views.document_request_letter,
                name="document_request_letter",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_operations_viewset():
    return OperationsViewSet()


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


class TargetGroupViewSet(SnippetViewSet):
    """The groups' definitions, for office management (supervisors use the operations page)."""

    model = TargetGroup
    icon = "group"
    menu_label = _("Target groups")
    menu_name = "target-group-definitions"
    menu_order = 710
    add_to_admin_menu = False
    list_display = ["name", "status", "years", "years_with_child", "active"]


register_snippet(TargetGroupViewSet)


@hooks.register("casework_case_file_panels")
def target_group_hint_panel(request, case):
    """On a Duldung case: the target groups the person belongs to (e.g. "possible § 25b
    candidate: tolerated since …"), computed by the same selection as the group's page."""
    if case.workflow_key != "duldung":
        return None
    from .target_groups import case_hints

    hints = case_hints(case)
    if not hints:
        return None
    from .models import TargetGroupLetter

    sent = {
        letter.group_id: letter
        for letter in TargetGroupLetter.objects.filter(
            person_id=case.person_id, group__in=[group for group, _candidate in hints]
        )
    }
    hints = [(group, candidate, sent.get(group.pk)) for group, candidate in hints]
    return {
        "name": "target-group-hints",
        "title": _("Target groups"),
        "order": 5,
        "full_file_only": True,
        "template": "operations/case_file_target_group_hints.html",
        "context": {"hints": hints},
    }
