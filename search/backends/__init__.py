"""Case search backends, configured in ``settings.CASE_SEARCH_BACKENDS`` (Django-cache style).

``get_search_backend()`` gives the ``"default"`` backend; ``get_search_backend("elasticsearch")``
a named one. A backend entry is ``{"BACKEND": "dotted.module", **options}``; the module exposes
``SearchBackend``.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .filters import SearchFilters
from .interface import BaseCaseSearchBackend, SearchUnavailable
from .results import SORTS, SearchResults

__all__ = [
    "SORTS",
    "BaseCaseSearchBackend",
    "InvalidSearchBackendError",
    "SearchFilters",
    "SearchResults",
    "SearchUnavailable",
    "get_search_backend",
    "get_search_backends",
]

DEFAULT_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}


class InvalidSearchBackendError(ImproperlyConfigured):
    pass


def _config() -> dict:
    return getattr(settings, "CASE_SEARCH_BACKENDS", None) or DEFAULT_BACKENDS


def get_search_backend(name: str = "default") -> BaseCaseSearchBackend:
    try:
        params = dict(_config()[name])
    except KeyError as exc:
        raise InvalidSearchBackendError(f"No case search backend named {name!r}.") from exc
    dotted = params.pop("BACKEND")
    try:
        module = import_module(dotted)
    except ImportError as exc:
        raise InvalidSearchBackendError(f"Cannot import case search backend {dotted!r}.") from exc
    return module.SearchBackend(params)


def get_search_backends() -> dict[str, BaseCaseSearchBackend]:
    """Every configured backend by name (the index is written to all of them)."""
    return {name: get_search_backend(name) for name in _config()}
