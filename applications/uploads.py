"""Checks of uploaded documents by their content, and their storage outside the web root.

The name and the browser's content type of an upload are not trusted: the first bytes
decide the type, and the file must then open with the matching parser (Pillow for
images, pypdf for PDFs). A PDF with active content (JavaScript, launch or submit actions,
embedded files, XFA forms) is refused: staff open these files. An image is stored as
Pillow re-encodes it, so nothing that trails or hides in it (appended HTML, metadata with
the place a photo was taken) is kept.
"""

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

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
    #: What is stored: the upload itself (PDF) or the re-encoded image.
    content: bytes = b""


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


def _check_image(data: bytes, kind: UploadType) -> bytes:
    """The image, decoded and encoded again: only its pixels (and orientation) survive."""
    expected = "JPEG" if kind == UploadType.JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise ValueError(image.format)
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == UploadType.JPEG:
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=92, optimize=True)
            else:
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16", "I"):
                    image = image.convert("RGBA")
                image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image “%(name)s” is damaged and cannot be opened."),
            code="broken_image",
        ) from None


#: Action types a PDF viewer would run or follow on its own.
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "launch",
    "/SubmitForm": "form submission",
    "/ImportData": "data import",
    "/GoToE": "embedded file",
    "/RichMediaExecute": "rich media",
}
#: Keys that carry active content wherever they appear.
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded file",
    "/EmbeddedFile": "embedded file",
    "/EF": "embedded file",
    "/XFA": "XFA form",
    "/RichMedia": "rich media",
}
#: A bound on the walk through the document's objects (a 10 MB PDF has far fewer).
_MAX_PDF_OBJECTS = 200_000


def _active_content(reader: PdfReader) -> set[str]:
    """What active content the document holds, by walking every object reachable from its
    trailer (names are compared after pypdf decoded them, so ``/J#61vaScript`` is caught)."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > _MAX_PDF_OBJECTS:
            found.add("too many objects")
            break
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    found.add(_ACTIVE_KEYS[key])
                if key == "/S" and value in _ACTIVE_ACTIONS:
                    found.add(_ACTIVE_ACTIONS[value])
                if key == "/Type" and value == "/EmbeddedFile":
                    found.add("embedded file")
                if key != "/Parent":  # the page tree is walked downwards only
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


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
        active = _active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise ValidationError(
            _("The PDF “%(name)s” is damaged and cannot be opened."), code="broken_pdf"
        ) from None
    if active:
        raise ValidationError(
            _(
                "The PDF “%(name)s” contains active content (scripts, actions, attached files "
                "or form programs) that we cannot accept for security reasons. Please save or "
                "print it as a new PDF, or scan the paper document, and upload that file."
            ),
            code="active_pdf",
        )


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
            content = data
        else:
            content = _check_image(data, kind)
    except ValidationError as error:
        error.params = {**(error.params or {}), "name": name}
        raise
    return CheckedUpload(kind=kind, size=len(content), content=content)


def store_document(*, upload, file_number: str, code: str) -> str:
    """Write an accepted upload under PRIVATE_MEDIA_ROOT; answer its storage name.

    What is written is what the check answers: the PDF as uploaded, an image re-encoded.
    Inside a transaction the file appears under its name only when the transaction commits
    (and is gone if it rolls back): see :func:`casework.files.save_after_commit`.
    """
    checked = check_upload(upload)
    storage = private_storage()
    name = f"cases/{file_number}/{code}-{uuid.uuid4().hex[:12]}.{checked.kind.value}"
    return save_after_commit(storage, name, ContentFile(checked.content))
