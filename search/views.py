"""The search page of the back office (Wagtail admin)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from casework.policy import policy_for
from casework.services import log_case_accesses

from .backends.interface import SearchUnavailable
from .forms import CaseSearchForm, nationality_choices
from .selectors import SearchFilters, search_cases

PAGE_SIZE = 20


def can_search_cases(user) -> bool:
    """Members of a department and office admins; nobody else sees the search."""
    return policy_for(user).is_staff()


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
    form = CaseSearchForm(request.GET or None, scope=policy_for(request.user).scope())
    results = page = None
    facets = []
    unavailable = False
    searched = False
    if form.is_bound and form.is_valid() and form.filled():
        searched = True
        try:
            filters = SearchFilters.from_mapping(form.filter_data())
            results = search_cases(
                user=request.user,
                query=form.cleaned_data["q"],
                filters=filters,
                sort=form.cleaned_data["sort"] or "relevance",
                route="backoffice",
            )
            paginator = Paginator(_Page(results), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("p"))
            # The rows show names and birth dates: each case on the page counts as read.
            log_case_accesses(
                case_ids=[hit.case_id for hit in page.object_list],
                user=request.user,
                route="search",
            )
            facets = _facet_links(request, results)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            results = page = None
        except SearchUnavailable:
            # The search cluster is down: case work goes on, the search says so plainly.
            unavailable = True
            results = page = None
    elif form.is_bound and not form.is_valid():
        searched = True
    params = request.GET.copy()
    params.pop("p", None)
    return render(
        request,
        "search/search.html",
        {
            "page_title": _("Case search"),
            "header_icon": "search",
            "form": form,
            "filter_fields": [form[name] for name in CaseSearchForm.FILTERS],
            "searched": searched,
            "results": results,
            "facets": facets,
            "page_obj": page,
            "base_query": params.urlencode(),
            "unavailable": unavailable,
        },
        status=503 if unavailable else 200,
    )


#: Facet → the filter its values set (the facet values are the filters' codes).
FACET_TITLES = {
    "state": gettext_lazy("State"),
    "case_type": gettext_lazy("Case type"),
    "department": gettext_lazy("Department"),
    "nationality": gettext_lazy("Nationality"),
}


def _facet_links(request, results) -> list[dict]:
    """Each facet's values as links that apply the filter (or, when applied, remove it)."""
    country_names = dict(nationality_choices())
    groups = []
    for name, values in results.facets().items():
        if not values:
            continue
        current = request.GET.get(name, "")
        items = []
        for value in values:
            query = request.GET.copy()
            query.pop("p", None)
            active = str(value["value"]) == current
            if active:
                query.pop(name, None)
            else:
                query[name] = value["value"]
            label = value["label"]
            if name == "nationality":
                label = country_names.get(value["value"]) or label
            items.append(
                {
                    "label": label,
                    "count": value["count"],
                    "url": "?" + query.urlencode(),
                    "active": active,
                }
            )
        groups.append({"name": name, "title": FACET_TITLES[name], "items": items})
    return groups
