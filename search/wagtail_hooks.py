"""The case search in the Wagtail admin as a ViewSet (its URL and menu item, only for users with
case access), and the search outbox's part of the daily job."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.backoffice import BackOfficeViewSet
from casework.services import PERSON_NAME_SCORE_HOOK

from . import views


class CaseSearchViewSet(BackOfficeViewSet):
    """The staff's case search at ``/admin/case-search/`` (URL name ``case_search:index``)."""

    name = "case_search"
    url_prefix = "case-search"
    icon = "search"
    menu_label = _("Case search")
    menu_name = "case-search"
    menu_order = 60

    def is_shown(self, request) -> bool:
        return views.can_search_cases(request.user)

    def get_urlpatterns(self):
        return [path("", views.search_view, name="index")]


@hooks.register("register_admin_viewset")
def register_case_search_viewset():
    return CaseSearchViewSet()


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


@hooks.register(PERSON_NAME_SCORE_HOOK)
def person_name_score(family_name: str, given_names: str, person) -> float:
    """The case file asks whether a child typed in is a person the register knows (the same
    date of birth): the name in any spelling or script, as the case search ranks it."""
    from .names import parse_query, person_name, score

    query = parse_query(f"{family_name} {given_names}".strip())
    name = person_name(
        person.family_name,
        person.given_names,
        person.family_name_native,
        person.given_names_native,
    )
    return score(query, name, None)
