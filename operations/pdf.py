"""Letters to PDF with reportlab platypus, free of Django imports so worker processes start light.

The input is plain data (:class:`LetterPage`, :class:`Letterhead`): strings only, already
formatted. Nothing in it is read as markup: the letterhead, address block and date are drawn
as plain strings, and every heading and paragraph is XML-escaped before reportlab's
``Paragraph`` parses it, with the line breaks inside a paragraph turned into ``<br/>``.

One document build renders a whole print run: the letters are pulled from an iterator while
the pages are laid out (see :meth:`_LetterDocument.filterFlowables`), so the flowables of only
a few letters are in memory at any time, however many letters the run has; reportlab keeps
the finished pages until the file is written (about 10 MB per 1,000 letters, measured). That
is less than rendering in chunks and joining them with pypdf, which also costs more CPU.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    PageBreak,
    PageTemplate,
    Paragraph,
)

__all__ = [
    "FONT_CANDIDATES",
    "CoverPage",
    "LetterPage",
    "Letterhead",
    "letter_fonts",
    "render_pdf",
]

#: (regular, bold) TrueType fonts covering Latin and Cyrillic; the first pair found is used.
FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    ),
)

#: A4 with margins top 18, right 20, bottom 18, left 25 mm (room for punching and filing).
PAGE = A4
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 18 * mm, 20 * mm, 18 * mm, 25 * mm
BODY_SIZE = 9.5
LINE_HEIGHT = 1.35
#: Room a new section needs at the foot of a page (rule, heading, three lines), or it moves on.
SECTION_MIN_ROOM = 30 * mm
#: Letters kept laid out ahead of the page being filled: a few letters' flowables.
LOOKAHEAD = 40

logger = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The office: its name (bold), one small address line, the sender line above the address."""

    name: str
    address: str = ""
    sender: str = ""


@dataclass(frozen=True, slots=True)
class LetterPage:
    """One letter as plain strings: the recipient's address lines, the date line, the sections.

    ``sections`` holds ``(subject, paragraphs)`` pairs; a paragraph may contain line breaks.
    """

    recipient: tuple[str, ...]
    date_line: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class CoverPage:
    """A cover sheet on top of a print batch: a title and lines of plain text, no address."""

    title: str
    lines: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def letter_fonts(candidates: tuple[tuple[str, str], ...] = FONT_CANDIDATES) -> tuple[str, str]:
    """Register the first (regular, bold) pair found; Helvetica (Latin only) if there is none."""
    for regular, bold in candidates:
        if not Path(regular).is_file():
            continue
        pdfmetrics.registerFont(TTFont("LetterSans", regular))
        if Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("LetterSans-Bold", bold))
            return "LetterSans", "LetterSans-Bold"
        return "LetterSans", "LetterSans"
    logger.warning("no TrueType font found (%s): letters in Cyrillic will not print", candidates)
    return "Helvetica", "Helvetica-Bold"


def _plain(text: str) -> str:
    """Text safe to draw: no control characters (tabs become spaces, line breaks are kept)."""
    return _CONTROL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


def _markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks as ``<br/>``."""
    return "<br/>".join(escape(line) for line in _plain(text).split("\n"))


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    font: str
    size: float
    color: object = black
    align: str = "left"
    underline: bool = False

    @property
    def leading(self) -> float:
        return self.size * LINE_HEIGHT


class _TextLines(Flowable):
    """Lines of plain text drawn straight on the canvas; nothing in them is parsed as markup.

    Each line wraps to the frame width. ``min_height`` reserves room (the address block),
    ``rule`` draws a line below with ``rule_gap`` of space above it (the letterhead).
    """

    def __init__(
        self,
        lines: list[_Line],
        *,
        min_height: float = 0,
        space_after: float = 0,
        rule: tuple[float, object] | None = None,
        rule_gap: float = 0,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.min_height = min_height
        self.spaceAfter = space_after
        self.rule = rule
        self.rule_gap = rule_gap
        self._wrapped: list[tuple[str, _Line]] = []

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        self._wrapped = [
            (part, line)
            for line in self.lines
            for part in (simpleSplit(_plain(line.text), line.font, line.size, availWidth) or [""])
        ]
        self.width = availWidth
        height = sum(line.leading for _, line in self._wrapped)
        if self.rule:
            height += self.rule_gap + self.rule[0]
        self.height = max(height, self.min_height)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        for text, line in self._wrapped:
            ascent, descent = pdfmetrics.getAscentDescent(line.font, line.size)
            # The glyphs sit in the middle of the line box, as in CSS.
            baseline = top - (line.leading - (ascent - descent)) / 2 - ascent
            canvas.setFont(line.font, line.size)
            canvas.setFillColor(line.color)
            if line.align == "right":
                canvas.drawRightString(self.width, baseline, text)
            else:
                canvas.drawString(0, baseline, text)
                if line.underline and text:
                    width = pdfmetrics.stringWidth(text, line.font, line.size)
                    canvas.setStrokeColor(line.color)
                    canvas.setLineWidth(line.size / 14)
                    canvas.line(0, baseline - line.size / 8, width, baseline - line.size / 8)
            top -= line.leading
        if self.rule:
            thickness, color = self.rule
            y = self.height - sum(line.leading for _, line in self._wrapped) - self.rule_gap
            canvas.setStrokeColor(color)
            canvas.setLineWidth(thickness)
            canvas.line(0, y - thickness / 2, self.width, y - thickness / 2)


@dataclass(frozen=True)
class _Styles:
    regular: str
    bold: str
    body: ParagraphStyle
    heading: ParagraphStyle


@lru_cache(maxsize=4)
def _styles(regular: str, bold: str) -> _Styles:
    body = ParagraphStyle(
        "LetterBody",
        fontName=regular,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * LINE_HEIGHT,
        spaceAfter=2.5 * mm,
    )
    heading = ParagraphStyle(
        "LetterHeading",
        parent=body,
        fontName=bold,
        fontSize=11,
        leading=11 * LINE_HEIGHT,
        spaceAfter=3 * mm,
    )
    return _Styles(regular=regular, bold=bold, body=body, heading=heading)


def _letter_flowables(page: LetterPage, head: Letterhead, styles: _Styles) -> list[Flowable]:
    regular, bold = styles.regular, styles.bold
    head_lines = [_Line(head.name, bold, 12)]
    if head.address:
        head_lines.append(_Line(head.address, regular, 8, color=HexColor("#333333")))
    address = [_Line(head.sender, regular, 7, underline=True)] if head.sender else []
    address += [_Line(line, regular, BODY_SIZE) for line in page.recipient]
    out: list[Flowable] = [
        _TextLines(
            head_lines, space_after=6 * mm, rule=(0.5, HexColor("#444444")), rule_gap=2 * mm
        ),
        _TextLines(address, min_height=30 * mm),
        _TextLines([_Line(page.date_line, regular, BODY_SIZE, align="right")], space_after=5 * mm),
    ]
    for index, (subject, paragraphs) in enumerate(page.sections):
        if index:
            # A section never starts at the foot of a page: its heading stays with some text
            # (cheaper than keepWithNext, which lays the heading and paragraph out twice).
            out.append(CondPageBreak(SECTION_MIN_ROOM))
            out.append(
                HRFlowable(
                    width="100%",
                    thickness=0.5,
                    color=HexColor("#888888"),
                    dash=(2, 1.5),
                    spaceBefore=5 * mm,
                    spaceAfter=4 * mm,
                )
            )
        out.append(Paragraph(_markup(subject), styles.heading))
        out.extend(Paragraph(_markup(text), styles.body) for text in paragraphs)
    return out


def _cover_flowables(page: CoverPage, head: Letterhead, styles: _Styles) -> list[Flowable]:
    regular, bold = styles.regular, styles.bold
    out: list[Flowable] = [
        _TextLines([_Line(head.name, bold, 12)], space_after=30 * mm),
        _TextLines([_Line(page.title, bold, 22)], space_after=10 * mm),
    ]
    out.append(_TextLines([_Line(line, regular, 13) for line in page.lines]))
    return out


class _LetterDocument(BaseDocTemplate):
    """A document fed letter by letter: flowables are made just before they are laid out."""

    def __init__(self, buffer, *, letters: Iterator[list[Flowable]], **kwargs) -> None:
        super().__init__(
            buffer,
            pagesize=PAGE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            **kwargs,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="letter",
        )
        self.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
        self._pending = letters
        self._queue: list[Flowable] | None = None

    def build(self, flowables, *args, **kwargs):
        self._queue = flowables
        super().build(flowables, *args, **kwargs)

    def filterFlowables(self, flowables):  # noqa: N802 - reportlab's hook
        """Top the queue up from the letters (reportlab calls this before every flowable).

        It is called for reportlab's own internal lists too (page-begin actions): those are
        left alone.
        """
        if flowables is not self._queue:
            return
        while self._pending is not None and len(flowables) < LOOKAHEAD:
            letter = next(self._pending, None)
            if letter is None:
                self._pending = None
            else:
                flowables.extend(letter)


def render_pdf(
    letters: Iterable[LetterPage | CoverPage],
    letterhead: Letterhead,
    *,
    title: str = "",
    author: str = "",
    lang: str = "de",
    fonts: tuple[tuple[str, str], ...] = FONT_CANDIDATES,
) -> bytes:
    """One PDF: every letter starts on a new page; no letters give one blank page."""
    styles = _styles(*letter_fonts(fonts))

    def feed() -> Iterator[list[Flowable]]:
        for index, page in enumerate(letters):
            if isinstance(page, CoverPage):
                flowables = _cover_flowables(page, letterhead, styles)
            else:
                flowables = _letter_flowables(page, letterhead, styles)
            yield [PageBreak(), *flowables] if index else flowables

    pending = feed()
    first = next(pending, None) or [_TextLines([])]
    buffer = io.BytesIO()
    document = _LetterDocument(
        buffer,
        letters=pending,
        title=title,
        author=author,
        creator=author,
        lang=lang,
        pageCompression=1,
        initialFontName=styles.regular,
        initialFontSize=BODY_SIZE,
    )
    # Plain deflated page streams: ASCII85 on top only makes them bigger and slower to write.
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        document.build(first)
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()
