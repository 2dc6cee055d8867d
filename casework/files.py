"""Files that belong to database rows, written so that a crash or a rollback leaves no trace.

A file is first written under a temporary name beside its final place (``.<name>.<id>.part``)
and synced; only when the transaction that stores its name commits is it renamed to that
name. If the block fails (a full disk, a database error), the temporary file is deleted at
once; if an enclosing transaction rolls back later or the process dies before the rename,
the ``.part`` file is left and :func:`remove_orphan_files` (the daily job) deletes it.

So a row never names a half-written file, and a folder never holds a file of a case that
was never stored. Works with the file-system storages the project uses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction

__all__ = [
    "PART_SUFFIX",
    "case_folder",
    "case_folder_is_dirty",
    "delete_after_commit",
    "discard_uncommitted",
    "remove_old_files",
    "remove_orphan_files",
    "save_after_commit",
]

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
CHUNK = 1024 * 1024


def _chunks(content) -> Iterable[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        yield bytes(content)
        return
    if hasattr(content, "seek"):
        content.seek(0)
    if hasattr(content, "chunks"):
        yield from content.chunks(CHUNK)
        return
    while chunk := content.read(CHUNK):
        yield chunk


def save_after_commit(storage: FileSystemStorage, name: str, content) -> str:
    """Write ``content`` now under a temporary name; it takes ``name`` when the transaction
    commits. Answers the final storage name (``name``, or a free variant of it).

    Call it inside ``transaction.atomic()``: an error while writing (e.g. no space left)
    removes the partial file and propagates, so the transaction rolls back with it.
    """
    final = storage.get_available_name(name)
    path = Path(storage.path(final))
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}{PART_SUFFIX}")
    try:
        with open(part, "xb") as out:
            for chunk in _chunks(content):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        part.unlink(missing_ok=True)
        raise

    def publish() -> None:
        try:
            os.replace(part, path)
        except OSError:
            logger.exception("could not move %s to %s", part, path)

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(publish, robust=True)
    else:
        publish()
    return final


def delete_after_commit(storage: FileSystemStorage, name: str) -> None:
    """Remove a stored file once the transaction that stops naming it has committed."""
    if not name:
        return

    def remove() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name)

    transaction.on_commit(remove, robust=True)


def discard_uncommitted(storage: FileSystemStorage, names: Iterable[str]) -> None:
    """After a rollback: remove the temporary files written for ``names`` (and the files,
    should they exist already)."""
    for name in names:
        path = Path(storage.path(name))
        for part in path.parent.glob(f".{path.name}.*{PART_SUFFIX}"):
            part.unlink(missing_ok=True)
        path.unlink(missing_ok=True)


def remove_old_files(folder: Path, older_than: dt.timedelta) -> int:
    """Delete the files below ``folder`` last written longer than ``older_than`` ago."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    if folder.exists():
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def case_folder(file_number: str) -> Path:
    """Where a case's documents live (below ``PRIVATE_MEDIA_ROOT``)."""
    return _private_root() / "cases" / file_number


def case_folder_is_dirty(file_number: str) -> bool:
    """A folder already holds files for this number (e.g. left by a crash): do not reuse it."""
    folder = case_folder(file_number)
    try:
        return any(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return False


def remove_orphan_files(
    *,
    older_than: dt.timedelta = dt.timedelta(hours=6),
    incoming_older_than: dt.timedelta = dt.timedelta(hours=24),
) -> dict[str, int]:
    """The daily clean-up: temporary ``.part`` files anywhere below ``PRIVATE_MEDIA_ROOT`` and
    files in ``cases/`` that no case document names, once they are older than ``older_than``
    (younger ones may belong to a transaction still under way); uploads of online forms
    never sent (``incoming/``) once older than ``incoming_older_than``; the notices of cases
    that no longer exist (``notices/``).
    """
    from .models import CaseDocument, Hearing

    root = _private_root()
    cutoff = time.time() - older_than.total_seconds()
    removed = {"parts": 0, "cases": 0, "incoming": 0, "notices": 0}
    if not root.exists():
        return removed
    removed["incoming"] = remove_old_files(root / "incoming", incoming_older_than)
    for path in root.rglob(f"*{PART_SUFFIX}"):
        if path.is_file() and path.name.startswith(".") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed["parts"] += 1
    cases = root / "cases"
    if cases.exists():
        for folder in cases.iterdir():
            if not folder.is_dir():
                continue
            named = set(
                CaseDocument.objects.filter(case__file_number=folder.name)
                .exclude(file="")
                .values_list("file", flat=True)
            )
            for files in Hearing.objects.filter(case__file_number=folder.name).values_list(
                "answer_files", flat=True
            ):
                named.update(files or ())
            for path in folder.rglob("*"):
                if not path.is_file() or path.stat().st_mtime >= cutoff:
                    continue
                if path.relative_to(root).as_posix() not in named:
                    path.unlink(missing_ok=True)
                    removed["cases"] += 1
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty now
    # Notices stay as long as their case; a deleted (erased, expired) case takes them along.
    notices = root / "notices"
    if notices.exists():
        from .models import Case

        for folder in notices.iterdir():
            if not folder.is_dir() or Case.objects.filter(file_number=folder.name).exists():
                continue
            for path in folder.rglob("*"):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed["notices"] += 1
            with contextlib.suppress(OSError):
                folder.rmdir()
    return removed
