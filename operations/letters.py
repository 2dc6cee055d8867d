"""Letters from editable templates, with the office letterhead, rendered to PDF by reportlab.

A letter is one or more *sections* (a bilingual certificate has a German section and one in
the holder's language) under one letterhead and address block. The templates are Django
template text rendered as plain text (no autoescape) and split into paragraphs; the PDF
renderer (:mod:`operations.pdf`) escapes everything it draws, so neither the office's text
nor the data in it can inject markup. A whole print run is one document build that pulls
the letters one by one: 5,000 certificates take about 2.5 CPU-ms each, and only the
finished pages (about 10 MB per 1,000 letters) are held until the file is written.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import multiprocessing
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import normalize_newlines

from .constants import DEFAULT_LETTER_LANGUAGE, LETTER_LANGUAGES
from .defaults import DEFAULT_TEMPLATES
from .letter_context import check_template, compile_template, render_templates
from .models import LetterTemplate
from .pdf import CoverPage, Letterhead, LetterPage, render_pdf

__all__ = [
    "Letter",
    "LetterSection",
    "TemplateSet",
    "letter_language",
    "office_letterhead",
    "pdf_workers",
    "render_letters_pdf",
    "render_tagged_letter_pdf",
]

logger = logging.getLogger(__name__)

_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
#: Letters per worker process task when a print run is spread over several processes.
BATCH_SIZE = 500


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


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Plain text split at blank lines; single line breaks stay inside their paragraph."""
    parts = _PARAGRAPH_BREAK.split(normalize_newlines(text).strip())
    return tuple(part.strip() for part in parts if part.strip())


@dataclass
class LetterSection:
    """One language of a letter: the subject and the body's paragraphs, as plain text."""

    language: str
    subject: str
    paragraphs: tuple[str, ...] = ()
    #: Indexes of the paragraphs that are headings (the instructions on legal remedies).
    headings: tuple[int, ...] = ()

    @property
    def blocks(self) -> list[tuple[bool, str]]:
        """The paragraphs in order, each with whether it is a heading."""
        return [(index in self.headings, part) for index, part in enumerate(self.paragraphs)]

    @property
    def text(self) -> str:
        """The body as plain text (the e-mail with the letter attached)."""
        return "\n\n".join(self.paragraphs)

    @property
    def body_html(self) -> str:
        """The body as escaped HTML paragraphs (``<p>``, line breaks as ``<br>``)."""
        return "\n\n".join(
            "<p>{}</p>".format(escape(part).replace("\n", "<br>")) for part in self.paragraphs
        )


@dataclass
class Letter:
    person: object
    sections: list[LetterSection] = field(default_factory=list)
    date: dt.date | None = None


class TemplateSet:
    """The office's letter templates, read once per run (one query) and compiled once.

    Templates run in the letter sandbox (:mod:`operations.letter_context`): they see only the
    flat variables of their kind. A stored template that does not pass the sandbox's check
    (one saved before the check existed) is not used: the built-in text stands in for it.
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str], tuple] = {}
        defaults = {
            (str(kind), language): text
            for kind, languages in DEFAULT_TEMPLATES.items()
            for language, text in languages.items()
        }
        rows = dict(defaults)
        for t in LetterTemplate.objects.all():
            key = (t.kind, t.language)
            if check_template(t.kind, t.subject) or check_template(t.kind, t.body):
                logger.error(
                    "letter template %s/%s fails the sandbox check; using the built-in text",
                    t.kind,
                    t.language,
                )
                if key not in defaults:
                    continue
            else:
                rows[key] = (t.subject, t.body)
        for key, (subject, body) in rows.items():
            self._compiled[key] = (compile_template(subject), compile_template(body))

    def section(self, kind: str, language: str, context: dict) -> LetterSection:
        """One language of a letter; ``context`` holds the objects (person, case, office …)
        the kind's variables are taken from."""
        language = letter_language(language)
        key = (str(kind), language)
        if key not in self._compiled:
            key = (str(kind), DEFAULT_LETTER_LANGUAGE)
        subject_tpl, body_tpl = self._compiled[key]
        # Rendered as plain text (no autoescape); the PDF renderer escapes all of it, so
        # the office's text and the data in it can never inject markup into the letter.
        subject, body = render_templates([subject_tpl, body_tpl], kind, context, language=language)
        subject = " ".join(subject.split())
        return LetterSection(language=language, subject=subject, paragraphs=paragraphs_of(body))

    def letter(self, kind: str, languages: Sequence[str], context: dict, *, person) -> Letter:
        """A letter with one section per language; duplicates (German twice) collapse."""
        seen: list[str] = []
        for language in languages:
            language = letter_language(language)
            if language not in seen:
                seen.append(language)
        return Letter(person=person, sections=[self.section(kind, lang, context) for lang in seen])


def _letterhead(office: Office) -> Letterhead:
    address = ", ".join(
        part for part in (office.street, f"{office.postcode} {office.city}".strip()) if part
    )
    address = " · ".join(part for part in (address, office.phone, office.email) if part)
    sender = office.name
    if office.city:
        sender += ", " + f"{office.postcode} {office.city}".strip()
    return Letterhead(name=office.name, address=address, sender=sender)


def _page(letter: Letter, office: Office, today: dt.date) -> LetterPage:
    """The plain strings of one letter, in the layout of the printed page."""
    person = letter.person

    def attr(name: str) -> str:
        return str(getattr(person, name, "") or "")

    recipient = [f"{attr('given_names')} {attr('family_name')}".strip()]
    if attr("street"):
        recipient.append(attr("street"))
    if attr("town"):
        recipient.append(f"{attr('postal_code')} {attr('town')}".strip())
    date = (letter.date or today).strftime("%d.%m.%Y")
    return LetterPage(
        recipient=tuple(recipient),
        date_line=f"{office.city}, {date}" if office.city else date,
        sections=tuple((section.subject, section.paragraphs) for section in letter.sections),
    )


def pdf_workers() -> int:
    """Processes rendering a big print run (``OPERATIONS_PDF_WORKERS``; default: one)."""
    configured = getattr(settings, "OPERATIONS_PDF_WORKERS", None)
    return max(1, int(configured or 1))


def _chunks(pages: Iterable[LetterPage], size: int) -> Iterator[list[LetterPage]]:
    chunk: list[LetterPage] = []
    for page in pages:
        chunk.append(page)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _render_in_workers(pages: Iterator[LetterPage], workers: int, **options) -> bytes:
    """Chunks of letters rendered by worker processes and joined in order with pypdf.

    At most two chunks per worker are in flight, so memory stays flat here too.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    chunks = _chunks(pages, BATCH_SIZE)
    first = next(chunks, [])
    second = next(chunks, None)
    if second is None:
        return render_pdf(first, **options)
    writer = PdfWriter()
    in_flight: deque[Future[bytes]] = deque()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in itertools.chain([first, second], chunks):
            in_flight.append(pool.submit(render_pdf, chunk, **options))
            if len(in_flight) >= 2 * workers:
                writer.append(io.BytesIO(in_flight.popleft().result()))
        while in_flight:
            writer.append(io.BytesIO(in_flight.popleft().result()))
    writer.add_metadata({"/Title": options["title"], "/Author": options["author"]})
    writer.root_object[NameObject("/Lang")] = TextStringObject(options["lang"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_letters_pdf(
    letters: Iterable[Letter], *, office: Office | None = None, cover: CoverPage | None = None
) -> bytes:
    """One PDF with every letter starting on a new page, ready to print.

    The letters are consumed one by one while the pages are laid out, so a print run of
    thousands of letters (a generator over the database) keeps memory flat. With
    ``OPERATIONS_PDF_WORKERS`` above one, a run of several batches is rendered by that many
    worker processes instead (the templates are still filled in here, one letter at a time).
    """
    office = office or office_letterhead()
    today = timezone.localdate()
    pages: Iterable[LetterPage | CoverPage] = (_page(letter, office, today) for letter in letters)
    if cover is not None:
        pages = itertools.chain([cover], pages)
    options = {
        "letterhead": _letterhead(office),
        "title": office.name,
        "author": office.name,
        "lang": "de",
    }
    workers = pdf_workers()
    if workers > 1:
        return _render_in_workers(pages, workers, **options)
    return render_pdf(pages, **options)


def render_tagged_letter_pdf(letter: Letter, *, office: Office | None = None) -> bytes:
    """One letter handed to its holder, as a tagged PDF (PDF/UA-1, :mod:`.tagged_pdf`).

    Same layout and text as the printed letter; the document's language and title are the
    first section's, and every section carries its own language (a German certificate with
    its Ukrainian translation is read with the right voice in each part). Print runs of many
    letters keep using :func:`render_letters_pdf`.
    """
    from .tagged_pdf import render_tagged_pdf

    office = office or office_letterhead()
    first = letter.sections[0] if letter.sections else None
    document_language = first.language if first else DEFAULT_LETTER_LANGUAGE
    # Parts in another language (at most the holder's besides German) are tagged with it.
    others = {s.language for s in letter.sections if s.language != document_language}
    return render_tagged_pdf(
        "operations/pdf/letter.html",
        {
            "lang": document_language,
            "title": (first.subject if first else "") or office.name,
            "author": office.name,
            "letterhead": _letterhead(office),
            "page": _page(letter, office, timezone.localdate()),
            "sections": letter.sections,
        },
        part_language=others.pop() if len(others) == 1 else "",
    )
