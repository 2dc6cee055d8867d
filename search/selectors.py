"""What other apps and the views may use of search: one function that searches cases."""

from __future__ import annotations

from .backends import SearchFilters, SearchResults, get_search_backend

__all__ = ["SearchFilters", "SearchResults", "search_cases"]


def search_cases(
    *,
    user,
    query: str | None,
    filters: SearchFilters | dict | None = None,
    sort: str = "relevance",
    backend: str = "default",
    route: str = "",
) -> SearchResults:
    """Cases the user may see that match ``query`` and ``filters``; the search is logged.

    Raises ``ValidationError`` for bad filters or an unknown sort order.
    """
    return get_search_backend(backend).search(
        query, user=user, filters=filters, sort=sort, route=route
    )
