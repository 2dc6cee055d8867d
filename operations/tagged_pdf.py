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

from django.template.loader import render_to_string

__all__ = ["render_tagged_pdf"]


def render_tagged_pdf(template: str, context: dict) -> bytes:
    """``template`` (an HTML document with ``<html lang>`` and ``<title>``) as PDF/UA-1."""
    from weasyprint import HTML  # imported here: worker processes that never tag start light

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
