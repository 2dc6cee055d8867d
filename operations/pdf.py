"""HTML to PDF with WeasyPrint, free of Django imports so worker processes start light."""

from __future__ import annotations

_font_config = None


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render one HTML document; the font configuration is kept per process."""
    global _font_config  # noqa: PLW0603 - one per worker process, by design
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _font_config is None:
        _font_config = FontConfiguration()
    return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_config)
