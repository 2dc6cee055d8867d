"""German terms inside pages of other languages, marked so that screen readers switch voice.

WCAG 3.1.2 (language of parts): an English, Ukrainian or Russian page that says
"Bürgerbüro" or "§ 24 AufenthG" must mark those words as German, or a screen reader reads them
with an English or Russian voice. Texts from code and translation catalogues cannot carry
markup, so this module finds the office's German vocabulary and legal citations in them and
wraps each in ``<span lang="de">``; names from the catalogues (case types, documents,
services) that fall back to German are marked as a whole. Editors mark passages of rich text
themselves (the ``lang-de`` rich-text feature); plain-text fields of pages go through
:func:`mark_german` in the templates.
"""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

__all__ = ["GERMAN_TERMS", "case_type_label_html", "localized_name_html", "mark_german"]

#: German words the office's texts use in every language (longest first when matching).
GERMAN_TERMS = (
    "Ausländerbehörde",
    "Aufenthaltserlaubnis",
    "Aufenthaltstitel",
    "Niederlassungserlaubnis",
    "Daueraufenthalt-EU",
    "Blaue Karte EU",
    "Chancen-Aufenthaltsrecht",
    "Fiktionsbescheinigung",
    "Fiktionswirkung",
    "Meldebescheinigung",
    "Duldung",
    "Belehrung",
    "Bescheid",
    "Widerspruch",
    "Einbürgerung",
    "Bürgerbüro",
    "Bürgeramt",
    "Bundesdruckerei",
    "Bezirksregierung",
    "Aktenzeichen",
    "Impressum",
    "Datenschutzerklärung",
    "Erklärung zur Barrierefreiheit",
    "Leichte Sprache",
    "Deutsche Gebärdensprache",
    "Schlichtungsstelle",
    "eAT",
)
#: German statutes cited by their abbreviation, alone or after a section ("§ 81 Abs. 4 AufenthG").
LAWS = ("AufenthG", "AufenthV", "BeschV", "StAG", "BGG", "BITV 2.0", "VwVfG", "VwGO", "DSGVO")
_SECTION = r"§{1,2}\s?\d+[a-z]?(?:\s?(?:Abs\.\s?\d+|\(\d+\)))?(?:\s?(?:Satz|S\.)\s?\d+)?\s"
_LAW = "(?:" + "|".join(re.escape(law) for law in LAWS) + ")"
_TERM = "|".join(re.escape(term) for term in sorted(GERMAN_TERMS, key=len, reverse=True))
PATTERN = re.compile(rf"(?<![\w-])(?:(?:{_SECTION})?{_LAW}|{_TERM})(?![\w-])")
_TAG = re.compile(r"(<[^>]*>)")


def _is_german(language: str | None) -> bool:
    return (language or get_language() or "de").split("-")[0] == "de"


def mark_german(text, language: str | None = None) -> SafeString:
    """``text`` escaped, with German terms wrapped in ``<span lang="de">`` unless the page
    itself is German. Markup in a safe string is kept; text already inside an element with a
    ``lang`` attribute is left alone, so an editor's own marks win."""
    if text is None or text == "":
        return mark_safe("")  # noqa: S308 - empty
    escaped = str(conditional_escape(text))
    if _is_german(language):
        return mark_safe(escaped)  # noqa: S308 - escaped above
    parts = _TAG.split(escaped)
    open_tags: list[bool] = []  # for each open element: whether it (or one above) has lang
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if part.startswith("</"):
                if open_tags:
                    open_tags.pop()
            elif not part.endswith("/>") and _tag_name(part) not in VOID_ELEMENTS:
                open_tags.append(bool(open_tags and open_tags[-1]) or "lang=" in part)
        elif not (open_tags and open_tags[-1]):
            parts[index] = PATTERN.sub(lambda m: f'<span lang="de">{m.group(0)}</span>', part)
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped text


VOID_ELEMENTS = frozenset({"br", "hr", "img", "input", "wbr", "meta", "link", "source", "track"})


def _tag_name(tag: str) -> str:
    return re.match(r"<\s*([a-zA-Z0-9]*)", tag).group(1).lower()


def localized_name_html(obj, language: str | None = None) -> SafeString:
    """The applicant-facing name of a catalogue entry (``LocalizedNameMixin``); marked German
    as a whole when no name in the page's language was entered and the German one stands in."""
    language = language or get_language() or "de"
    name = obj.localized_name(language)
    if not _is_german(language) and name == obj.name:
        return format_html('<span lang="de">{}</span>', name)
    return mark_german(name, language)


def case_type_label_html(case_type, language: str | None = None) -> SafeString:
    """ "§ 24 AufenthG – Temporary protection": the legal basis is always a German citation."""
    language = language or get_language() or "de"
    basis = case_type.legal_basis
    if not _is_german(language):
        basis = format_html('<span lang="de">{}</span>', basis)
    return format_html("{} – {}", basis, localized_name_html(case_type, language))
