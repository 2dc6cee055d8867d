"""Uploads of abandoned forms are purged after a day; fresh ones stay."""

import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def test_purge_removes_only_old_incoming_uploads(settings):
    incoming = Path(settings.PRIVATE_MEDIA_ROOT) / "incoming"
    incoming.mkdir(parents=True)
    old, fresh = incoming / "old.pdf", incoming / "fresh.pdf"
    old.write_bytes(b"%PDF-old")
    fresh.write_bytes(b"%PDF-fresh")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    case_file = Path(settings.PRIVATE_MEDIA_ROOT) / "cases" / "ABH-2026-000001" / "p.pdf"
    case_file.parent.mkdir(parents=True)
    case_file.write_bytes(b"%PDF-case")
    os.utime(case_file, (two_days_ago, two_days_ago))

    call_command("purge_incoming_uploads", hours=24)

    assert not old.exists()
    assert fresh.exists()
    assert case_file.exists()  # accepted case documents are never touched


def test_purge_refuses_a_non_positive_age():
    with pytest.raises(CommandError):
        call_command("purge_incoming_uploads", hours=0)
