"""Demo data for search: the index of the demo office's cases (called by demo.loader)."""

from .backends import get_search_backends

__all__ = ["load"]


def load(*, stdout, style) -> None:
    for name, backend in get_search_backends().items():
        count = backend.rebuild()
        stdout.write(style.SUCCESS(f"Case search index '{name}': {count} cases indexed."))
