"""The back office inside the Wagtail admin: the case files as a ViewSet (URLs and the "Cases"
menu), and what staff see.

Caseworkers, Service Point staff and supervisors reach the admin through the group
"Casework staff" (``wagtailadmin.access_admin`` only, no page permissions); the page, image,
document and snippet menus are hidden for them. Editors without a department membership never
see the "Cases" menu, and the case views answer them with 403.
"""

from django.templatetags.static import static
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import decision_views, household_views, participation_views, selectors, views
from .backoffice import BackOfficeViewSet, MenuEntry
from .models import CaseType, ParticipationKind, RequiredDocument
from .policy import policy_for
from .worklists import WorklistFilters, worklist

#: Menu items of the page editors' world that casework staff do not need.
EDITOR_MENU_ITEMS = {"explorer", "images", "documents", "snippets", "reports"}


hooks.register("casework_case_file_panels", decision_views.decisions_panel)
hooks.register("casework_case_file_panels", participation_views.participations_panel)
hooks.register("casework_case_file_panels", decision_views.fiktion_panel)
hooks.register("casework_case_file_panels", household_views.household_panel)


@hooks.register("insert_global_admin_css")
def backoffice_css():
    """Styles every back-office page shares (tables that scroll in their own region)."""
    return format_html('<link rel="stylesheet" href="{}">', static("casework/backoffice.css"))


class CaseTypeViewSet(SnippetViewSet):
    """The catalogue of case types (under Snippets), with their names for applicants."""

    model = CaseType
    icon = "folder-open-1"
    menu_label = _("Case types")
    list_display = ["legal_basis", "name", "name_en", "name_uk", "name_ru", "workflow", "active"]
    list_filter = ["active", "category", "workflow"]
    add_to_admin_menu = False


class RequiredDocumentViewSet(SnippetViewSet):
    """The checklist items of the case types, with their names for applicants."""

    model = RequiredDocument
    icon = "doc-full"
    menu_label = _("Required documents")
    list_display = ["name", "case_type", "name_en", "name_uk", "name_ru", "sort_order"]
    list_filter = ["case_type"]
    add_to_admin_menu = False


class ParticipationKindViewSet(SnippetViewSet):
    """Which other authorities take part before a decision, for which case types, and when
    their silence counts as consent (kept by office management)."""

    model = ParticipationKind
    icon = "group"
    menu_label = _("Other authorities")
    list_display = ["authority", "name", "legal_basis", "deemed_consent_days", "active"]
    list_filter = ["active", "case_types"]
    add_to_admin_menu = False


register_snippet(CaseTypeViewSet)
register_snippet(ParticipationKindViewSet)
register_snippet(RequiredDocumentViewSet)


def decision_urls():
    """The hearing and notices of a case file (:mod:`casework.decision_views`)."""
    return [
        path(
            "case/<str:file_number>/hearing-answer/",
            decision_views.hearing_answer_view,
            name="hearing_answer",
        ),
        path(
            "case/<str:file_number>/hearing/<int:pk>/file/<int:index>/",
            decision_views.hearing_file_view,
            name="hearing_file",
        ),
        path(
            "case/<str:file_number>/notice/<int:pk>/approve/",
            decision_views.approve_notice_view,
            name="approve_notice",
        ),
        path(
            "case/<str:file_number>/notice/<int:pk>/issue/",
            decision_views.issue_notice_view,
            name="issue_notice",
        ),
        path(
            "case/<str:file_number>/fiktion/",
            decision_views.issue_fiktion_view,
            name="issue_fiktion",
        ),
        path(
            "case/<str:file_number>/grant-notice/",
            decision_views.draft_grant_view,
            name="draft_grant_notice",
        ),
        path(
            "case/<str:file_number>/notice/<int:pk>/posted/",
            decision_views.notice_posted_view,
            name="notice_posted",
        ),
        path(
            "case/<str:file_number>/notice/<int:pk>.pdf",
            decision_views.notice_file_view,
            name="notice_file",
        ),
    ]


class CaseworkViewSet(BackOfficeViewSet):
    """The case files: worklists, the case file and what is done in it, the workflow diagram,
    the access log and API tokens, under ``/admin/cases/`` (URL names ``casework:…``).

    The "Cases" menu is for members of a department and office admins (the policy's
    ``may_use_back_office``); its access-log entry for supervisors and office management.
    """

    name = "casework"
    url_prefix = "cases"
    icon = "folder-open-1"
    menu_label = _("Cases")
    menu_name = "cases"
    menu_order = 50
    #: Other apps add entries to the "Cases" menu through this hook.
    submenu_hook = "register_casework_menu_item"
    submenu_construct_hook = "construct_casework_menu"
    menu_entries = [
        MenuEntry("mine", _("My cases"), icon="user", order=100),
        MenuEntry("worklist", _("Department worklist"), icon="list-ul", order=200),
        MenuEntry("overdue", _("Overdue"), icon="time", order=300),
        MenuEntry("workflow", _("Workflow diagram"), icon="tasks", order=400),
        MenuEntry(
            "access_log", _("Access log"), icon="view", order=450, shown="may_read_access_log"
        ),
        MenuEntry("api_tokens", _("API tokens"), icon="key", order=500),
    ]

    def is_shown(self, request) -> bool:
        return views.can_use_casework(request.user)

    def may_read_access_log(self, request) -> bool:
        """Office management and supervisors."""
        return policy_for(request.user).may_read_access_log()

    def get_urlpatterns(self):
        return [
            path("", views.worklist_view, {"scope": "department"}, name="worklist"),
            path("mine/", views.worklist_view, {"scope": "mine"}, name="mine"),
            path("overdue/", views.worklist_view, {"scope": "overdue"}, name="overdue"),
            path("bulk/reassign/", views.bulk_reassign, name="bulk_reassign"),
            path("workflow/", views.workflow_diagram, name="workflow"),
            path("workflow/<slug:key>/", views.workflow_diagram, name="workflow_of"),
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
                "case/<str:file_number>/card-delivered/",
                views.card_delivered_view,
                name="card_delivered",
            ),
            *decision_urls(),
            path(
                "case/<str:file_number>/participation/<int:pk>/answer/",
                participation_views.answer_participation_view,
                name="answer_participation",
            ),
            path(
                "case/<str:file_number>/household/",
                household_views.add_household_child_view,
                name="add_household_child",
            ),
            path(
                "case/<str:file_number>/household/<int:child_id>/remove/",
                household_views.remove_household_child_view,
                name="remove_household_child",
            ),
            path("case/<str:file_number>/reassign/", views.reassign_view, name="reassign"),
            path("case/<str:file_number>/share/", views.share_view, name="share"),
            path("access-log/", views.access_log_view, name="access_log"),
            path("tokens/", views.api_tokens, name="api_tokens"),
            path("tokens/all/", views.all_api_tokens, name="all_api_tokens"),
            path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
        ]


@hooks.register("register_admin_viewset")
def register_casework_viewset():
    return CaseworkViewSet()


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


@hooks.register("daily_jobs")
def deem_participations_daily(*, today=None) -> dict:
    """Part of the daily job: consents deemed given whose deadline came (missed days too)."""
    from .services import deem_due_participations

    return {"participations deemed consented": deem_due_participations(today=today)}


@hooks.register("casework_case_file_panels")
def residence_records_panel(request, case):
    """The register's records of the person: the current status and every document over time."""

    if not policy_for(request.user).may_view_register_of(case.person, case=case):
        return None  # like the checklist: not for the Service Point (and no query for it)
    # The rows were read with the case (selectors.get_visible_case), else one query.
    rows = (case.register_rows or []) if hasattr(case, "register_rows") else None
    records = selectors.residence_records(case.person, user=request.user, case=case, rows=rows)
    return {
        "name": "residence-records",
        "title": _("Residence status (register)"),
        "order": 5,
        "full_file_only": True,
        "template": "casework/panels/residence_records.html",
        "context": {
            "records": records,
            "current": selectors.current_record(records),
            "today": timezone.localdate(),
        },
    }
