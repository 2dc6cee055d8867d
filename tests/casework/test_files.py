"""Atomic file writes, the daily removal of orphans, and file numbers never reused onto files."""

import datetime as dt
import errno
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from casework import files, services
from casework.models import CaseDocument

from .factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storage(settings):
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def names_below(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_file_takes_its_name_only_when_the_transaction_commits(storage, settings):
    root = settings.PRIVATE_MEDIA_ROOT
    with transaction.atomic():
        name = files.save_after_commit(storage, "cases/X/doc.pdf", b"%PDF-1.4 content")
        assert not storage.exists(name)  # not yet: the row is not committed
        [part] = names_below(root)
        assert part.endswith(files.PART_SUFFIX)
    assert storage.open(name).read() == b"%PDF-1.4 content"
    assert names_below(root) == ["cases/X/doc.pdf"]


def test_a_rolled_back_transaction_leaves_no_file_under_the_name(storage, settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        name = files.save_after_commit(storage, "cases/Y/doc.pdf", b"data")
        raise RuntimeError("the database write failed")
    assert not storage.exists(name)
    files.discard_uncommitted(storage, [name])  # what the caller does after the rollback
    assert names_below(settings.PRIVATE_MEDIA_ROOT) == []


def test_a_full_disk_leaves_no_partial_file_and_rolls_back(storage, settings, monkeypatch):
    class FullDisk:
        def chunks(self, size):
            yield b"first bytes"
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError), transaction.atomic():
        case = WorkflowCaseFactory()
        files.save_after_commit(storage, f"cases/{case.file_number}/doc.pdf", FullDisk())
    assert names_below(settings.PRIVATE_MEDIA_ROOT) == []
    assert not CaseDocument.objects.exists()


def test_the_daily_job_removes_old_orphans_and_keeps_what_is_named(storage, settings):
    root = settings.PRIVATE_MEDIA_ROOT
    case = WorkflowCaseFactory(documents=[("passport", "Pass")])
    named = storage.save(f"cases/{case.file_number}/passport.pdf", ContentFile(b"kept"))
    services.receive_applicant_documents(case=case, files={"passport": named})
    orphan = storage.save(f"cases/{case.file_number}/left-by-a-crash.pdf", ContentFile(b"x"))
    stray = storage.save("cases/ABH-2099-000001/doc.pdf", ContentFile(b"x"))
    part = storage.save("continuations/.batch.pdf.abc.part", ContentFile(b"x"))
    incoming = storage.save("incoming/upload.pdf", ContentFile(b"x"))
    fresh = storage.save(f"cases/{case.file_number}/.in-flight.pdf.x.part", ContentFile(b"x"))
    old = time.time() - 2 * 86400
    for name in (named, orphan, stray, part, incoming):
        os.utime(storage.path(name), (old, old))
    removed = files.remove_orphan_files(older_than=dt.timedelta(hours=6))
    assert removed == {"parts": 1, "cases": 2, "incoming": 1, "notices": 0}
    assert names_below(root) == sorted([named, fresh])
    assert not (root / "cases" / "ABH-2099-000001").exists()  # the empty folder went too


def test_a_file_number_whose_folder_holds_files_is_not_handed_out(storage, settings):
    from casework.services.cases import _next_file_number

    year = 2031
    storage.save(f"cases/ABH-{year}-000001/left-over.pdf", ContentFile(b"someone else's"))
    with transaction.atomic():
        assert _next_file_number(year) == f"ABH-{year}-000002"
    assert files.case_folder_is_dirty(f"ABH-{year}-000001")
    assert not files.case_folder_is_dirty(f"ABH-{year}-000002")
