"""The receipt of an online application: a tagged PDF (PDF/UA-1) with a QR code of the file number.

What the receipt says (:func:`receipt_lines`) is kept apart from how it is laid out, so the text
can be checked on its own. It names the applicant (name, also in native script, date of birth),
the family members applying together, the documents received and still missing, the office with
its postal address, and, for a receipt in another language, repeats everything in German on a
second page: employers, job centres and other authorities must be able to read it. The PDF comes
from :func:`operations.tagged_pdf.render_tagged_pdf` (WeasyPrint): headings, paragraphs and
lists in reading order, the document's language, the German part tagged ``de``, the QR code a
figure with its alternative text, fonts embedded (DejaVu, Latin and Cyrillic).
"""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.translation import gettext as _

from cms.selectors import office_contact
from operations.tagged_pdf import render_tagged_pdf

from .models import Submission

__all__ = ["ReceiptLine", "receipt_lines", "render_receipt"]

#: The paragraph kinds of a receipt, and how the template shows them.
STYLES = {
    "office": "the office's name in the letterhead",
    "title": "the document's heading",
    "note": "a remark under the heading",
    "label": "the label of the file number",
    "number": "the file number, large",
    "heading": "a section heading",
    "text": "a paragraph",
    "item": "an entry of a list (consecutive items form one list)",
    "address": "a line of the postal address (consecutive lines form one address)",
    "fine": "small print",
}


@dataclass(frozen=True)
class ReceiptLine:
    """One paragraph of the receipt: ``style`` is one of :data:`STYLES`."""

    style: str
    text: str


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
                "item",
                _("%(name)s, born %(date)s (%(relation)s): file number %(file_number)s")
                % {
                    "name": member["name"],
                    "date": date_filter(member["birth_date"], "DATE_FORMAT"),
                    "relation": member["relation"],
                    "file_number": member["file_number"],
                },
            )
    add("heading", _("What happens next"))
    for step in context["next_steps"]:
        add("text", str(step))
    add(
        "text",
        _(
            "You can see the state of your case at any time with your file number and date "
            "of birth."
        ),
    )
    if context["received_documents"]:
        add("heading", _("Documents received"))
        for name in context["received_documents"]:
            add("item", name)
    if context["missing_documents"]:
        add("heading", _("Documents still missing"))
        for name in context["missing_documents"]:
            add("item", name)
    if office is not None:
        add("heading", _("Immigration office"))
        add("address", office.office_name)
        if office.street:
            add("address", office.street)
        if office.postcode or office.city:
            add("address", f"{office.postcode} {office.city}".strip())
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
    """The receipt in the current language, followed by the German version on a page of its
    own if that is another language."""
    language = (translation.get_language() or "de").split("-")[0]
    file_number = submission.case.file_number
    qr = segno.make(file_number, error="m").png_data_uri(scale=4, border=2)
    parts = []
    with translation.override(language):
        parts.append(_part(submission, language, german_part=False))
        title = _("Receipt of your application %(file_number)s") % {"file_number": file_number}
    if language != "de":
        with translation.override("de"):
            parts.append(_part(submission, "de", german_part=True))
    office = office_contact()
    author = office.office_name if office is not None and office.office_name else ""
    return render_tagged_pdf(
        "applications/pdf/receipt.html",
        {
            "lang": language,
            "title": title,
            "author": author or settings.WAGTAIL_SITE_NAME,
            "parts": parts,
            "qr": qr,
        },
        part_language="de" if len(parts) > 1 else "",
    )


def _part(submission: Submission, language: str, *, german_part: bool) -> dict:
    """One language's receipt as blocks for the template: runs of list items and address
    lines are gathered into one list or address each."""
    blocks: list[dict] = []
    for line in receipt_lines(submission, german_part=german_part):
        if line.style in {"item", "address"} and blocks and blocks[-1]["style"] == line.style:
            blocks[-1]["lines"].append(line.text)
        else:
            blocks.append({"style": line.style, "text": line.text, "lines": [line.text]})
    return {
        "language": language,
        "german_part": german_part,
        "blocks": blocks,
        "qr_alt": _("QR code of the file number %(file_number)s")
        % {"file_number": submission.case.file_number},
    }
