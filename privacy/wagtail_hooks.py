"""The "Data protection" menu for office management, the retention rules as snippets, the
daily job, and a link to the access report in the case file."""

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services, tasks, views
from .models import RetentionRule
from .permissions import can_manage

MENU_HOOK = "register_privacy_menu_item"

urlpatterns = [
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


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("privacy/", include((urlpatterns, "privacy"), namespace="privacy"))]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


class PrivacySubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


privacy_menu = Menu(register_hook_name=MENU_HOOK, construct_hook_name="construct_privacy_menu")


@hooks.register(MENU_HOOK)
def register_proposals_item():
    return PrivacyMenuItem(
        _("Deletion proposals"),
        reverse("privacy:index"),
        name="deletions",
        icon_name="bin",
        order=100,
    )


@hooks.register(MENU_HOOK)
def register_report_item():
    return PrivacyMenuItem(
        _("Access report (Art. 15)"),
        reverse("privacy:report_search"),
        name="access-report",
        icon_name="doc-full",
        order=300,
    )


@hooks.register(MENU_HOOK)
def register_log_item():
    return PrivacyMenuItem(
        _("Deletion log"),
        reverse("privacy:log"),
        name="deletion-log",
        icon_name="list-ul",
        order=400,
    )


@hooks.register("register_admin_menu_item")
def register_privacy_menu():
    return PrivacySubmenuItem(
        _("Data protection"), privacy_menu, name="privacy", icon_name="lock", order=65
    )


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
