"""Letters from editable templates, with the office letterhead, rendered to PDF by WeasyPrint.

A letter is one or more *sections* (a bilingual certificate has a German section and one in
the holder's language) under one letterhead and address block. Many letters are rendered in
one WeasyPrint pass (one page break between letters): that keeps a print run of thousands
of certificates within a minute, where one pass per letter would not.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.template import Context, Template
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .constants import DEFAULT_LETTER_LANGUAGE, LETTER_LANGUAGES
from .defaults import DEFAULT_TEMPLATES
from .models import LetterTemplate
from .pdf import html_to_pdf

__all__ = [
    "Letter",
    "LetterSection",
    "TemplateSet",
    "letter_language",
    "office_letterhead",
    "pdf_workers",
    "render_letters_pdf",
]

#: Letters per WeasyPrint pass; bounded so memory stays flat for big print runs.
BATCH_SIZE = 250


def letter_language(language: str | None) -> str:
    """The language a letter is written in: the holder's if we have templates for it."""
    return language if language in LETTER_LANGUAGES else DEFAULT_LETTER_LANGUAGE


@dataclass(frozen=True)
class Office:
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


def office_letterhead() -> Office:
    """The office's name and address from the CMS site settings; the site name otherwise."""
    fallback = Office(name=getattr(settings, "WAGTAIL_SITE_NAME", "Ausländerbehörde"))
    try:
        from wagtail.models import Site

        from cms.models import OfficeSettings
    except ImportError:  # pragma: no cover - the CMS app is part of the project
        return fallback
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return fallback
    office = OfficeSettings.for_site(site)
    if not office.office_name:
        return fallback
    return Office(
        name=office.office_name,
        street=office.street,
        postcode=office.postcode,
        city=office.city,
        phone=office.phone,
        email=office.email,
    )


@dataclass
class LetterSection:
    language: str
    subject: str
    body_html: str


@dataclass
class Letter:
    person: object
    sections: list[LetterSection] = field(default_factory=list)
    date: dt.date | None = None


class TemplateSet:
    """The office's letter templates, read once per run (one query) and compiled once."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str], tuple[Template, Template]] = {}
        rows = {(t.kind, t.language): (t.subject, t.body) for t in LetterTemplate.objects.all()}
        for kind, languages in DEFAULT_TEMPLATES.items():
            for language, text in languages.items():
                rows.setdefault((str(kind), language), text)
        for key, (subject, body) in rows.items():
            self._compiled[key] = (Template(subject), Template(body))

    def section(self, kind: str, language: str, context: dict) -> LetterSection:
        language = letter_language(language)
        key = (str(kind), language)
        if key not in self._compiled:
            key = (str(kind), DEFAULT_LETTER_LANGUAGE)
        subject_tpl, body_tpl = self._compiled[key]
        with translation.override(language):
            # Rendered as plain text (no autoescape), then escaped as a whole: the office's
            # text and the data in it can never inject markup into the letter.
            ctx = Context(context, autoescape=False)
            subject = subject_tpl.render(ctx).strip()
            body = body_tpl.render(ctx).strip()
        return LetterSection(
            language=language, subject=subject, body_html=linebreaks_filter(body, True)
        )

    def letter(self, kind: str, languages: Sequence[str], context: dict, *, person) -> Letter:
        """A letter with one section per language; duplicates (German twice) collapse."""
        seen: list[str] = []
        for language in languages:
            language = letter_language(language)
            if language not in seen:
                seen.append(language)
        return Letter(person=person, sections=[self.section(kind, lang, context) for lang in seen])


def _batch_html(letters: Sequence[Letter], office: Office) -> str:
    return render_to_string(
        "operations/letters.html",
        {"letters": letters, "office": office, "today": timezone.localdate()},
    )


def _batches(letters: Iterable[Letter], office: Office) -> Iterator[str]:
    batch: list[Letter] = []
    for letter in letters:
        batch.append(letter)
        if len(batch) >= BATCH_SIZE:
            yield _batch_html(batch, office)
            batch = []
    if batch:
        yield _batch_html(batch, office)


def pdf_workers() -> int:
    """Processes rendering a big print run (``OPERATIONS_PDF_WORKERS``; default: all cores)."""
    configured = getattr(settings, "OPERATIONS_PDF_WORKERS", None)
    return max(1, int(configured or os.cpu_count() or 1))


def render_letters_pdf(letters: Iterable[Letter], *, office: Office | None = None) -> bytes:
    """One PDF with every letter starting on a new page, ready to print.

    Letters are rendered in batches; a print run of several batches is spread over worker
    processes (WeasyPrint is CPU-bound) and the parts are joined with pypdf in order.
    """
    from pypdf import PdfWriter

    office = office or office_letterhead()
    base_url = str(settings.BASE_DIR)
    html_parts = _batches(letters, office)
    first = next(html_parts, None)
    if first is None:
        return html_to_pdf(_batch_html([], office), base_url)
    second = next(html_parts, None)
    if second is None:
        return html_to_pdf(first, base_url)
    workers = pdf_workers()
    htmls = itertools.chain([first, second], html_parts)
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(html_to_pdf, htmls, itertools.repeat(base_url)))
    else:
        parts = [html_to_pdf(html, base_url) for html in htmls]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
