"""Checks of uploaded documents by their content, and their storage outside the web root.

The name and the browser's content type of an upload are not trusted: the first bytes
decide the type, and the file must then open with the matching parser (Pillow for
images, pypdf for PDFs).
"""

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from casework.files import save_after_commit

from .constants import UploadType

__all__ = [
    "CheckedUpload",
    "check_upload",
    "incoming_storage",
    "max_upload_bytes",
    "private_storage",
]

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_MAGIC = (
    (b"%PDF-", UploadType.PDF),
    (b"\xff\xd8\xff", UploadType.JPEG),
    (b"\x89PNG\r\n\x1a\n", UploadType.PNG),
)


@dataclass(frozen=True)
class CheckedUpload:
    kind: UploadType
    size: int


def max_upload_bytes() -> int:
    return int(getattr(settings, "APPLICATION_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def private_storage() -> FileSystemStorage:
    """Where accepted case documents live: never under MEDIA_ROOT or STATIC_ROOT."""
    return FileSystemStorage(location=Path(settings.PRIVATE_MEDIA_ROOT), base_url=None)


def incoming_storage() -> FileSystemStorage:
    """Uploads of an unfinished application, kept between the steps of the form."""
    return FileSystemStorage(location=Path(settings.PRIVATE_MEDIA_ROOT) / "incoming", base_url=None)


def _sniff(head: bytes) -> UploadType | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _check_image(data: bytes, kind: UploadType) -> None:
    expected = "JPEG" if kind == UploadType.JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise ValueError(image.format)
            image.verify()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image “%(name)s” is damaged and cannot be opened."),
            code="broken_image",
        ) from None


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF “%(name)s” is password-protected. Please upload it without a password."),
                code="encrypted_pdf",
            )
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        reader.pages[0].mediabox  # noqa: B018  (parses the first page object)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise ValidationError(
            _("The PDF “%(name)s” is damaged and cannot be opened."), code="broken_pdf"
        ) from None


def check_upload(upload) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG within the size limit, judged by content; raise otherwise.

    Error messages carry ``%(name)s`` for the uploaded file's name.
    """
    name = getattr(upload, "name", "") or ""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is too large (%(size)s). Files may be at most %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    if upload.size == 0:
        raise ValidationError(
            _("The file “%(name)s” is empty."), code="empty", params={"name": name}
        )
    data = _read_all(upload)
    kind = _sniff(data[:16])
    if kind is None:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a PDF, JPEG or PNG file. Only these formats are "
                "accepted, whatever the file is called."
            ),
            code="wrong_type",
            params={"name": name},
        )
    try:
        if kind == UploadType.PDF:
            _check_pdf(data)
        else:
            _check_image(data, kind)
    except ValidationError as error:
        error.params = {**(error.params or {}), "name": name}
        raise
    return CheckedUpload(kind=kind, size=len(data))


def store_document(*, upload, file_number: str, code: str) -> str:
    """Write an accepted upload under PRIVATE_MEDIA_ROOT; answer its storage name.

    Inside a transaction the file appears under its name only when the transaction commits
    (and is gone if it rolls back): see :func:`casework.files.save_after_commit`.
    """
    kind = check_upload(upload)
    storage = private_storage()
    name = f"cases/{file_number}/{code}-{uuid.uuid4().hex[:12]}.{kind.kind.value}"
    return save_after_commit(storage, name, upload)
