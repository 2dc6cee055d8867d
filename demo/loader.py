"""Runs each app's demo loader in order. Each loader is idempotent."""

from importlib import import_module

LOADERS = [
    "cms.demo",
    "casework.demo",
    "operations.demo",
    "appointments.demo",
    "privacy.demo",
    "search.demo",
    "accounts.demo",
]


def load_all(*, stdout, style) -> None:
    for dotted in LOADERS:
        try:
            module = import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                continue
            raise
        stdout.write(f"Loading {dotted} ...")
        module.load(stdout=stdout, style=style)
    stdout.write(style.SUCCESS("Demo office loaded."))
