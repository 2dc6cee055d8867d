"""Texts of the demo office in German, English, Ukrainian and Russian, read from ``demo_data``.

``site.yaml`` holds the office, the page tree and what links where; ``pages.<language>.yaml``
the page texts, bodies as the raw StreamField data Wagtail stores. Facts come from public pages
of real offices; every sentence is written for this demo.
"""

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "demo_data"
LANGUAGES = ["de", "en", "uk", "ru"]


def read(name: str):
    """One YAML file of ``demo_data`` (safe loading: data, never objects)."""
    with open(DATA / name, encoding="utf-8") as file:
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _pages(code: str) -> dict:
    pages = read(f"pages.{code}.yaml")
    for text in pages.values():
        if "tasks" in text:  # (title, text) per top task
            text["tasks"] = {key: (t["title"], t["text"]) for key, t in text["tasks"].items()}
    return pages


_site = read("site.yaml")
OFFICE = {
    **_site["office"],
    "phone_hours": [tuple(slot) for slot in _site["office"]["phone_hours"]],
    "opening_hours": [tuple(slot) for slot in _site["office"]["opening_hours"]],
}
#: (key, parent key, page type, shown in the main menu). Parents come before their children.
TREE = [(p["key"], p["parent"], p["type"], p["in_menu"]) for p in _site["tree"]]
NEWS_DATES = _site["news_dates"]
#: Forms offered for download: (key, title, text printed in the PDF)
DOCUMENTS = [(d["key"], d["title"], d["pdf_text"]) for d in _site["documents"]]
TOP_TASKS = _site["top_tasks"]
#: Top tasks and topic pages leading straight to an online service (cms.constants.Service)
SERVICES = _site["services"]
#: Slugs used by earlier versions of the demo; /de/termin/ now belongs to the booking service.
FORMER_SLUGS = _site["former_slugs"]
CONTENT = {code: _pages(code) for code in LANGUAGES}
DE, EN, UK, RU = (CONTENT[code] for code in LANGUAGES)
