"""The document checklist of a case: items received from the applicant or at the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import FINAL_STATES, Channel, HistoryEvent
from ..models import Case, CaseDocument
from ._common import _locked, _notify, _record_event, _require_editable


def receive_applicant_documents(
    *,
    case: Case,
    files: Mapping[str, str],
    via: str = Channel.ONLINE,
    now: dt.datetime | None = None,
) -> list[CaseDocument]:
    """Documents the applicant sent themselves (the online application, the status page).

    ``files`` maps checklist codes of the case to files already checked and stored in the
    private storage by the caller. Each item is marked received with its file, one history
    row names them (actor: the channel), and the change is announced on commit. No user is
    involved: the caller has identified the applicant (file number and date of birth).
    Unknown codes change nothing and raise ``ValidationError``.
    """
    if not files:
        return []
    if via not in Channel.values:
        raise ValidationError({"via": _("Unknown channel “%(channel)s”.") % {"channel": via}})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.state in FINAL_STATES:
            raise ValidationError(_("This case is closed; documents can no longer be added."))
        documents = {
            document.code: document
            for document in CaseDocument.objects.select_for_update().filter(
                case=locked, code__in=list(files)
            )
        }
        unknown = sorted(set(files) - set(documents))
        if unknown:
            raise ValidationError(
                {
                    "code": _("Not on this case's checklist: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )
        for code, name in files.items():
            document = documents[code]
            document.received = True
            document.received_at = now
            document.file = name
            document.save(update_fields=["received", "received_at", "file"])
        _record_event(
            locked,
            HistoryEvent.DOCUMENTS_RECEIVED,
            change="documents",
            at=now,
            via=via,
            comment=", ".join(documents[code].name for code in files),
        )
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("documents", None)
    return [documents[code] for code in files]


def mark_document_received(*, case: Case, user, code: str, received: bool = True) -> CaseDocument:
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "documents")
        try:
            document = CaseDocument.objects.select_for_update().get(case=locked, code=code)
        except CaseDocument.DoesNotExist:
            raise ValidationError({"code": _("This document is not on the checklist.")}) from None
        document.received = bool(received)
        document.received_at = timezone.now() if received else None
        document.save(update_fields=["received", "received_at"])
        _notify(locked, "documents")
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("documents", None)
    return document
