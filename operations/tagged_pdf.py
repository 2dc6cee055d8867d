"""Documents handed to applicants as tagged PDF (PDF/UA-1), rendered from HTML by WeasyPrint.

A tagged PDF carries a structure tree (headings, paragraphs, lists, tables, figures with their
alternative text) in reading order, the document's language (and each passage's own, e.g. the
German part of a Ukrainian receipt), its title shown in the window, and embedded fonts: what
screen readers and the PDF/UA checker (veraPDF, ``make pdf-check``) need. reportlab cannot
tag, so the receipt, reminders, single certificates and the § 104c instruction sheet come
from here; the bulk print run of an ordinance (thousands of certificates posted on paper)
stays on reportlab (:mod:`operations.pdf`), where it takes milliseconds per letter instead of
the ~0.2 s a tagged one costs.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string

__all__ = ["render_tagged_pdf"]


def render_tagged_pdf(template: str, context: dict, *, part_language: str = "") -> bytes:
    """``template`` (an HTML document with ``<html lang>`` and ``<title>``) as PDF/UA-1.

    WeasyPrint tags the document's language only. A part in another language (the holder's
    translation of a German certificate) is written as ``<article>`` and gets
    ``part_language`` here, on each of its ``Art`` structure elements, so screen readers
    switch voice there too.
    """
    from weasyprint import HTML  # imported here: worker processes that never tag start light

    html = render_to_string(template, context)
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return _mark_parts(pdf, part_language) if part_language else pdf


def _mark_parts(pdf: bytes, language: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    pending = [writer.root_object["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if node.get("/S") == "/Art":
            node[NameObject("/Lang")] = TextStringObject(language)
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            target = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(target, dict) and target.get("/Type", "/StructElem") == "/StructElem":
                pending.append(kid)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
