"""The PDF receipt of an online application (reportlab), with a QR code of the file number."""

import io

import segno
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from operations.pdf import letter_fonts

from .models import Submission


def _unicode_font() -> str | None:
    """The letters' TrueType font (Latin and Cyrillic), or None if the machine has none."""
    regular, _bold = letter_fonts()
    return None if regular == "Helvetica" else regular


def render_receipt(submission: Submission) -> bytes:
    """The receipt in the current language; German if no font for other scripts is found."""
    font = _unicode_font()
    language = translation.get_language() or "de"
    if font is None:
        font, language = "Helvetica", "de" if language in {"uk", "ru"} else language
    with translation.override(language):
        return _draw(submission, font)


def _draw(submission: Submission, font: str) -> bytes:
    from .services import confirmation_context

    context = confirmation_context(submission)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(_("Receipt of your application %(file_number)s") % context)
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm

    def line(text: str, size: int = 11, gap: float = 5.5 * mm) -> None:
        nonlocal y
        pdf.setFont(font, size)
        # Lines beside the QR code in the top right corner leave room for it.
        width = right - left - (35 * mm if y > height - 50 * mm else 0)
        for part in simpleSplit(text, font, size, width) or [""]:
            pdf.drawString(left, y, part)
            y -= gap if size <= 12 else size * 0.5 * mm

    line(settings.WAGTAIL_SITE_NAME, 10)
    y -= 4 * mm
    line(_("Receipt of your application"), 18)
    y -= 2 * mm
    line(_("File number"), 10)
    line(context["file_number"], 16)
    y -= 2 * mm
    received = date_filter(context["received_at"], "DATETIME_FORMAT")
    line(_("Received on: %(when)s") % {"when": received})
    line(_("Application: %(type)s") % {"type": context["case_type_label"]})
    if context["is_extension"]:
        if context["filed_in_time"]:
            line(
                _(
                    "You applied to extend your current title before it expired. Your "
                    "application was received in time: your current title counts as "
                    "continuing until we decide (§ 81 (4) Residence Act)."
                )
            )
        else:
            line(
                _(
                    "Your application arrived after your current title had expired. It was "
                    "not received in time, so your current title does not continue. Please "
                    "contact us."
                )
            )
    y -= 3 * mm
    line(_("What happens next"), 13)
    line(
        _(
            "We check applications strictly in the order they arrive. If documents are "
            "missing, we will write to you. When your application has been checked, you "
            "book an appointment for your fingerprints and photo."
        )
    )
    line(
        _("You can see the state of your case at any time with your file number and date of birth.")
    )
    if context["missing_documents"]:
        y -= 3 * mm
        line(_("Documents still missing"), 13)
        for name in context["missing_documents"]:
            line(f"– {name}")
    y -= 3 * mm
    line(
        _("This receipt confirms that your application arrived. It is not a residence document."),
        9,
    )
    qr = segno.make(context["file_number"], error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=4, border=2)
    image.seek(0)
    pdf.drawImage(ImageReader(image), right - 30 * mm, height - 45 * mm, 30 * mm, 30 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
