"""Uploads are judged by their content and size, not by their name."""

import pytest
from django.core.exceptions import ValidationError

from applications.uploads import check_upload

from .conftest import image_bytes, pdf_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("pass.pdf", pdf_bytes(), "pdf"),
        ("photo.jpg", image_bytes("JPEG"), "jpg"),
        ("scan.png", image_bytes("PNG"), "png"),
        ("misnamed.pdf", image_bytes("PNG"), "png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_content(name, content, kind):
    assert check_upload(upload(name, content)).kind == kind


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00 a windows program", "wrong_type"),
        (b"<html><script>alert(1)</script></html>", "wrong_type"),
        (b"GIF89a\x01\x00\x01\x00", "wrong_type"),
        (b"%PDF-1.7\nthis is not really a pdf\n%%EOF", "broken_pdf"),
        (pdf_bytes()[:60], "broken_pdf"),
        (image_bytes("PNG")[:40], "broken_image"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "broken_image"),
        (b"", "empty"),
    ],
)
def test_files_that_lie_or_are_broken_are_rejected(content, code):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("document.pdf", content))
    assert caught.value.code == code
    assert "document.pdf" in str(caught.value.messages[0])


def test_size_limit_comes_from_settings(settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("big.pdf", pdf_bytes()))
    assert caught.value.code == "too_large"
    settings.APPLICATION_UPLOAD_MAX_BYTES = 10_000
    assert check_upload(upload("big.pdf", pdf_bytes())).kind == "pdf"
