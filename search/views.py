"""The search page of the back office (Wagtail admin)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casework.constants import CaseState
from casework.selectors import is_office_admin, roles_of
from casework.services import log_case_accesses

from .backends.base import SORTS, SearchUnavailable
from .selectors import SearchFilters, search_cases

PAGE_SIZE = 20
FILTER_FIELDS = (
    "file_number",
    "passport_number",
    "birth_date",
    "nationality",
    "case_type",
    "state",
    "department",
    "received_from",
    "received_to",
    "text",
)


def can_search_cases(user) -> bool:
    """Members of a department and office admins; nobody else sees the search."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_office_admin(user) or bool(roles_of(user))


class _Page:
    """Adapts the lazy results to Django's paginator (count + slicing)."""

    def __init__(self, results):
        self.results = results

    def count(self):
        return self.results.count()

    def __len__(self):
        return self.results.count()

    def __getitem__(self, key):
        return self.results[key]


@require_GET
def search_view(request):
    if not can_search_cases(request.user):
        # A plain 403 (Wagtail would turn PermissionDenied into a redirect to the dashboard).
        return HttpResponseForbidden(_("The case search is only for staff with case access."))
    query = request.GET.get("q", "")
    sort = request.GET.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    data = {name: request.GET.get(name, "") for name in FILTER_FIELDS}
    errors = {}
    results = page = None
    facets = {}
    unavailable = False
    searched = bool(query.strip()) or any(data.values())
    if searched:
        try:
            filters = SearchFilters.from_mapping(data)
            results = search_cases(
                user=request.user, query=query, filters=filters, sort=sort, route="backoffice"
            )
            paginator = Paginator(_Page(results), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("p"))
            # The rows show names and birth dates: each case on the page counts as read.
            log_case_accesses(
                case_ids=[hit.case_id for hit in page.object_list],
                user=request.user,
                route="search",
            )
            facets = results.facets()
        except ValidationError as exc:
            errors = exc.message_dict
            results = page = None
        except SearchUnavailable:
            # The search cluster is down: case work goes on, the search says so plainly.
            unavailable = True
            results = page = None
    params = request.GET.copy()
    params.pop("p", None)
    return render(
        request,
        "search/search.html",
        {
            "page_title": _("Case search"),
            "header_icon": "search",
            "query": query,
            "data": data,
            "sort": sort,
            "sorts": SORTS.items(),
            "states": CaseState.choices,
            "errors": errors,
            "searched": searched,
            "results": results,
            "facets": facets,
            "page_obj": page,
            "base_query": params.urlencode(),
            "unavailable": unavailable,
        },
        status=503 if unavailable else 200,
    )
