"""Where the texts and PDFs of notices come from, and where their files live.

Casework keeps notices (hearing letters, refusal and grant notices) with the case, but the
office's letter templates and the PDF renderer belong to another app, which casework does not
import. That app registers two Wagtail hooks:

- ``casework_notice_text``: ``fn(*, case, kind, context) -> [{"language", "subject",
  "paragraphs", "headings"}, …]``, the notice's text per language (German first), the
  office's instructions on legal remedies included where the kind needs them; ``headings``
  (optional) are the indexes of the paragraphs that are headings (printed as such);
  ``context`` holds the plain values of the step (``reason``, ``grounds``, ``due_on``,
  ``answered_on`` …).
- ``casework_notice_pdf``: ``fn(*, notice) -> bytes``, the PDF of a notice's fixed text, dated
  the day it is issued.

The last registered function answers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from wagtail import hooks

__all__ = [
    "NOTICE_PDF_HOOK",
    "NOTICE_TEXT_HOOK",
    "notice_pdf",
    "notice_storage",
    "notice_text",
    "sha256_of",
]

NOTICE_TEXT_HOOK = "casework_notice_text"
NOTICE_PDF_HOOK = "casework_notice_pdf"


def _hook(name: str):
    functions = hooks.get_hooks(name)
    if not functions:
        raise ImproperlyConfigured(f"no app registers the hook {name!r}")
    return functions[-1]


def notice_text(*, case, kind: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    sections = _hook(NOTICE_TEXT_HOOK)(case=case, kind=kind, context=context)
    return [
        {
            "language": str(s["language"]),
            "subject": str(s["subject"]),
            "paragraphs": [str(p) for p in s["paragraphs"]],
            "headings": [int(i) for i in s.get("headings", ())],
        }
        for s in sections
    ]


def notice_pdf(*, notice) -> bytes:
    return bytes(_hook(NOTICE_PDF_HOOK)(notice=notice))


def notice_storage() -> FileSystemStorage:
    """Below ``PRIVATE_MEDIA_ROOT/notices/`` (not ``cases/``, which the daily clean-up sweeps
    of files no checklist item names)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
