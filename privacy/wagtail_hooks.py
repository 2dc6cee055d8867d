"""The "Data protection" screens and menu for office management (a ViewSet), the retention
rules as snippets, the daily job, and a link to the access report in the case file."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.backoffice import BackOfficeViewSet, MenuEntry

from . import services, tasks, views
from .models import RetentionRule
from .permissions import can_manage

MENU_HOOK = "register_privacy_menu_item"


class PrivacyViewSet(BackOfficeViewSet):
    """Deletion proposals, the deletion log and access reports under ``/admin/privacy/`` (URL
    names ``privacy:…``); the "Data protection" menu for office management (the policy's
    ``may_manage_office``), with the retention rules' snippet added through ``MENU_HOOK``."""

    name = "privacy"
    icon = "lock"
    menu_label = _("Data protection")
    menu_name = "privacy"
    menu_order = 65
    submenu_hook = MENU_HOOK
    submenu_construct_hook = "construct_privacy_menu"
    menu_entries = [
        MenuEntry("index", _("Deletion proposals"), icon="bin", order=100, name="deletions"),
        MenuEntry(
            "report_search",
            _("Access report (Art. 15)"),
            icon="doc-full",
            order=300,
            name="access-report",
        ),
        MenuEntry("log", _("Deletion log"), icon="list-ul", order=400, name="deletion-log"),
    ]

    def is_shown(self, request) -> bool:
        return can_manage(request.user)

    def get_urlpatterns(self):
        return [
            path("", views.index, name="index"),
            path("check/", views.check_now, name="check"),
            path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
            path("proposals/<int:pk>/submit/", views.submit, name="submit"),
            path("proposals/<int:pk>/send-back/", views.send_back, name="send_back"),
            path("proposals/<int:pk>/release/", views.release, name="release"),
            path("proposals/<int:pk>/run/", views.run_again, name="run"),
            path("items/<int:pk>/keep/", views.keep, name="keep"),
            path("items/<int:pk>/restore/", views.restore, name="restore"),
            path("items/<int:pk>/archive/", views.archive, name="archive"),
            path("log/", views.deletion_log, name="log"),
            path("report/", views.report_search, name="report_search"),
            path("report/person/<int:pk>/", views.report_person, name="report_person"),
        ]


@hooks.register("register_admin_viewset")
def register_privacy_viewset():
    return PrivacyViewSet()


class RetentionRuleViewSet(SnippetViewSet):
    """The office's retention schedule; office management only (see the permission policy)."""

    model = RetentionRule
    icon = "time"
    menu_label = _("Retention rules")
    menu_name = "retention-rules"
    menu_order = 200
    menu_hook = MENU_HOOK
    list_display = ["name", "case_type", "outcome", "trigger", "years", "legal_basis", "active"]
    list_filter = ["active", "trigger", "outcome"]


register_snippet(RetentionRuleViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def remember_who_configured_the_rule(request, instance):
    if isinstance(instance, RetentionRule):
        services.rule_configured(rule=instance, user=request.user)


@hooks.register("daily_jobs")
def propose_due_deletions(*, today=None):
    return tasks.daily_job(today=today)


@hooks.register("casework_case_file_panels")
def access_report_panel(request, case):
    """Office management finds the person's access report from any of their case files."""
    if not can_manage(request.user):
        return None
    url = reverse("privacy:report_person", args=[case.person_id])
    return {
        "name": "privacy",
        "title": _("Data protection"),
        "order": 900,
        "html": format_html(
            '<p><a class="button button-secondary" href="{}">{}</a></p>',
            url,
            _("Access report for this person (Art. 15 GDPR)"),
        ),
    }
