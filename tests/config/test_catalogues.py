"""The translation catalogues: no fuzzy guesses, and complete where applicants read them."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [*ROOT.glob("locale/*/LC_MESSAGES/django.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/django.po")]
)
#: What applicants read: the online forms, the status page, the booking (every language).
APPLICANT_APPS = ("applications", "appointments")
#: The office works in German: every string of every app has its German text.
OFFICE_LANGUAGE = "de"

_ENTRY = re.compile(r"\n\n(?=(?:#|msgid|msgctxt))")


def _entries(path: pathlib.Path):
    """(flags, msgid, msgstrs) of each entry but the header, read as gettext writes them."""
    for block in _ENTRY.split(path.read_text(encoding="utf-8")):
        lines = block.strip().splitlines()
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, parts = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            if match := re.match(r'^(msgid_plural|msgid|msgctxt|msgstr(?:\[\d+\])?) "(.*)"$', line):
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid", "") == "":
            continue  # the header
        yield flags, parts["msgid"], [v for k, v in parts.items() if k.startswith("msgstr")]


def _label(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", CATALOGUES, ids=_label)
def test_no_catalogue_holds_a_fuzzy_guess(path):
    """A fuzzy entry is never shown; it only hides an untranslated string behind a guess
    (``makemessages`` here merges without fuzzy matching)."""
    fuzzy = [msgid for flags, msgid, _ in _entries(path) if "fuzzy" in flags]
    assert fuzzy == [], f"{_label(path)}: fuzzy entries {fuzzy[:5]}"


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in CATALOGUES
        if p.parts[-3] == OFFICE_LANGUAGE
        or (p.parts[-5] in APPLICANT_APPS and p.parts[-3] in ("uk", "ru"))
    ],
    ids=_label,
)
def test_what_the_office_and_applicants_read_is_translated(path):
    missing = [msgid for _, msgid, msgstrs in _entries(path) if not all(msgstrs)]
    assert missing == [], f"{_label(path)}: untranslated {missing[:5]}"


def test_the_reader_finds_the_entries():
    """The check above would pass on a catalogue it cannot read; it can read ours."""
    german = ROOT / "casework" / "locale" / "de" / "LC_MESSAGES" / "django.po"
    entries = list(_entries(german))
    assert len(entries) > 100
    assert all(msgstrs for _, _, msgstrs in entries)


def test_makemessages_merges_without_guessing():
    from django.core.management import load_command_class

    command = load_command_class("cms", "makemessages")
    assert "--no-fuzzy-matching" in command.msgmerge_options
