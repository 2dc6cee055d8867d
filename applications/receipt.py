"""The PDF receipt of an online application (reportlab), with a QR code of the file number.

What the receipt says (:func:`receipt_lines`) is kept apart from how it is drawn, so the text
can be checked, and laid out differently, on its own. It names the applicant (name, date of
birth), the family members applying together, the office with its postal address, and, for a
receipt in another language, repeats everything in German on a second page: employers, job
centres and other authorities must be able to read it.
"""

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from cms.selectors import office_contact
from operations.pdf import letter_fonts

from .models import Submission

__all__ = ["ReceiptLine", "receipt_lines", "render_receipt"]


@dataclass(frozen=True)
class ReceiptLine:
    """One paragraph of the receipt: ``style`` is one of :data:`STYLES`."""

    style: str
    text: str


#: Font size, space before and line height (mm), per style.
STYLES = {
    "office": (10, 0.0, 5.0),
    "title": (18, 2.0, 9.0),
    "note": (9, 0.0, 6.0),
    "label": (10, 1.0, 6.5),
    "number": (16, 0.0, 9.0),
    "heading": (13, 3.0, 6.5),
    "text": (11, 0.0, 5.5),
    "fine": (9, 4.0, 4.5),
}


def _unicode_font() -> str | None:
    """The letters' TrueType font (Latin and Cyrillic), or None if the machine has none."""
    regular, _bold = letter_fonts()
    return None if regular == "Helvetica" else regular


def _name(person) -> str:
    name = f"{person.family_name}, {person.given_names}".strip(", ")
    native = f"{person.family_name_native} {person.given_names_native}".strip()
    return f"{name} ({native})" if native else name


def receipt_lines(submission: Submission, *, german_part: bool = False) -> list[ReceiptLine]:
    """The receipt's text in the active language (German when ``german_part``)."""
    from .services import confirmation_context

    context = confirmation_context(submission)
    office = office_contact()
    if office is not None and not office.office_name:
        office = None  # settings never filled in
    person = context["person"]
    lines: list[ReceiptLine] = []

    def add(style: str, text: str) -> None:
        lines.append(ReceiptLine(style, text))

    add("office", office.office_name if office else settings.WAGTAIL_SITE_NAME)
    add("title", _("Receipt of your application"))
    if german_part:
        add("note", _("German version for employers, job centres and other authorities"))
    add("label", _("File number"))
    add("number", context["file_number"])
    add("text", _("Applicant: %(name)s") % {"name": _name(person)})
    add(
        "text",
        _("Date of birth: %(date)s") % {"date": date_filter(person.birth_date, "DATE_FORMAT")},
    )
    received = date_filter(context["received_at"], "DATETIME_FORMAT")
    add("text", _("Received on: %(when)s") % {"when": received})
    add("text", _("Application: %(type)s") % {"type": context["case_type_label"]})
    if context["is_extension"]:
        if context["filed_in_time"]:
            add(
                "text",
                _(
                    "You applied to extend your current title before it expired. Your "
                    "application was received in time: your current title counts as "
                    "continuing until we decide (§ 81 (4) Residence Act)."
                ),
            )
        else:
            add(
                "text",
                _(
                    "Your application arrived after your current title had expired. It was "
                    "not received in time, so your current title does not continue. Please "
                    "contact us."
                ),
            )
    if context["family"]:
        add("heading", _("Family members applying together"))
        for member in context["family"]:
            add(
                "text",
                _("%(name)s, born %(date)s (%(relation)s): file number %(file_number)s")
                % {
                    "name": member["name"],
                    "date": date_filter(member["birth_date"], "DATE_FORMAT"),
                    "relation": member["relation"],
                    "file_number": member["file_number"],
                },
            )
    add("heading", _("What happens next"))
    add(
        "text",
        _(
            "We check applications strictly in the order they arrive. If documents are "
            "missing, we will write to you. When your application has been checked, you "
            "book an appointment for your fingerprints and photo."
        ),
    )
    add(
        "text",
        _(
            "You can see the state of your case at any time with your file number and date "
            "of birth."
        ),
    )
    if context["missing_documents"]:
        add("heading", _("Documents still missing"))
        for name in context["missing_documents"]:
            add("text", f"– {name}")
    if office is not None:
        add("heading", _("Immigration office"))
        add("text", office.office_name)
        if office.street:
            add("text", office.street)
        if office.postcode or office.city:
            add("text", f"{office.postcode} {office.city}".strip())
        if office.phone:
            add("text", _("Phone: %(phone)s") % {"phone": office.phone})
        if office.email:
            add("text", _("E-mail: %(email)s") % {"email": office.email})
    add(
        "fine",
        _("This receipt confirms that your application arrived. It is not a residence document."),
    )
    return lines


def render_receipt(submission: Submission) -> bytes:
    """The receipt in the current language, followed by the German version if that is
    another language; German only if no font for other scripts is found."""
    font = _unicode_font()
    language = translation.get_language() or "de"
    if font is None:
        font, language = "Helvetica", "de" if language in {"uk", "ru"} else language
    with translation.override(language):
        pages = [receipt_lines(submission)]
        title = _("Receipt of your application %(file_number)s") % {
            "file_number": submission.case.file_number
        }
    if not language.startswith("de"):
        with translation.override("de"):
            pages.append(receipt_lines(submission, german_part=True))
    return _draw(pages, font, title=title, file_number=submission.case.file_number)


def _draw(pages: list[list[ReceiptLine]], font: str, *, title: str, file_number: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(title)
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    qr = segno.make(file_number, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=4, border=2)

    for lines in pages:
        image.seek(0)
        pdf.drawImage(ImageReader(image), right - 30 * mm, height - 45 * mm, 30 * mm, 30 * mm)
        y = height - 25 * mm
        for line in lines:
            size, before, gap = STYLES[line.style]
            y -= before * mm
            if y < 25 * mm:
                pdf.showPage()
                y = height - 25 * mm
            pdf.setFont(font, size)
            # Lines beside the QR code in the top right corner leave room for it.
            room = right - left - (35 * mm if y > height - 50 * mm else 0)
            for part in simpleSplit(line.text, font, size, room) or [""]:
                pdf.drawString(left, y, part)
                y -= gap * mm
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
