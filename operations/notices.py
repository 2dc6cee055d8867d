"""The texts and PDFs of casework's notices (hearing letters, refusal notices).

Registered as casework's hooks (see :mod:`casework.notices`) in :mod:`operations.wagtail_hooks`:
the text comes from the office's letter templates, German first and then the applicant's
language, with the office's instructions on legal remedies (site settings) under every
notice that decides; the PDF is the tagged letter of that fixed text.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.constants import NoticeKind

from .constants import LetterKind
from .letters import (
    Letter,
    LetterSection,
    TemplateSet,
    letter_language,
    office_letterhead,
    paragraphs_of,
    render_tagged_letter_pdf,
)

__all__ = ["legal_remedy_text", "notice_pdf", "notice_text"]

_KINDS = {
    NoticeKind.HEARING: LetterKind.HEARING,
    NoticeKind.REFUSAL: LetterKind.REFUSAL_NOTICE,
    NoticeKind.GRANT: LetterKind.GRANT_NOTICE,
    NoticeKind.FIKTION: LetterKind.FIKTION_CERTIFICATE,
    NoticeKind.INVITATION: LetterKind.APPOINTMENT_INVITATION,
    NoticeKind.CARD_READY: LetterKind.CARD_READY,
}
#: Notices that decide carry the instructions on legal remedies (§ 37 (6) VwVfG, § 58 VwGO).
_DECIDING = frozenset({NoticeKind.REFUSAL, NoticeKind.GRANT})


def legal_remedy_text() -> str:
    """The office's Rechtsbehelfsbelehrung (site settings), or the built-in default."""
    from wagtail.models import Site

    from cms.models import DEFAULT_LEGAL_REMEDY, OfficeSettings

    site = Site.objects.filter(is_default_site=True).first()
    text = OfficeSettings.for_site(site).legal_remedy if site is not None else ""
    return (text or DEFAULT_LEGAL_REMEDY).strip()


def notice_text(*, case, kind: str, context: dict) -> list[dict]:
    from config.links import public_url

    person = case.person
    language = letter_language(person.preferred_language)
    sources = {
        **context,
        "person": person,
        "case": case,
        "office": office_letterhead(),
        "status_url": public_url("applications:status", language=language),
        "booking_url": public_url("appointments:book", language=language),
    }
    letter = TemplateSet().letter(_KINDS[kind], ["de", language], sources, person=person)
    sections = []
    remedy = paragraphs_of(legal_remedy_text()) if kind in _DECIDING else ()
    for section in letter.sections:
        paragraphs = list(section.paragraphs)
        headings = []
        if remedy:
            with translation.override(section.language):
                heading = _("Instructions on legal remedies")
                if section.language != "de":
                    heading += " – " + _("binding in German")
            # Before the closing (the template's last paragraph: greeting and office), as
            # part of the notice the office signs.
            at = len(paragraphs) - 1 if len(paragraphs) > 1 else len(paragraphs)
            paragraphs[at:at] = [heading, *remedy]
            headings.append(at)
        sections.append(
            {
                "language": section.language,
                "subject": section.subject,
                "paragraphs": paragraphs,
                "headings": headings,
            }
        )
    return sections


def notice_pdf(*, notice) -> bytes:
    letter = Letter(
        person=notice.case.person,
        sections=[
            LetterSection(
                language=s["language"],
                subject=s["subject"],
                paragraphs=tuple(s["paragraphs"]),
                headings=tuple(s.get("headings", ())),
            )
            for s in notice.sections
        ],
        date=timezone.localdate(notice.issued_at) if notice.issued_at else None,
    )
    return render_tagged_letter_pdf(letter, office=office_letterhead())
