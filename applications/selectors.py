"""Reads for the applicant side: the confirmation of a submission and the case status."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Case as Case_
from django.db.models import OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone, translation

from casework.constants import FINAL_STATES, CardOrderStatus, CaseState, NoticeStatus
from casework.models import Case, CaseDocument, CaseType, RequiredDocument, name_field_for
from casework.selectors import case_for_applicant, fiktion_status

from .constants import CASE_TYPE_CODES, STATE_TEXTS, WORKFLOW_STATE_TEXTS
from .models import Submission

__all__ = [
    "CaseStatus",
    "available_case_types",
    "case_status",
    "case_status_for_applicant",
    "issued_notice_file",
    "filed_in_time",
    "missing_documents",
    "received_documents",
    "submission_for_token",
]


def available_case_types(kind: str) -> QuerySet[CaseType]:
    """The active case types an application form offers, in the form's order."""
    codes = CASE_TYPE_CODES.get(kind, ())
    order = Case_(*[When(code=code, then=Value(i)) for i, code in enumerate(codes)], default=99)
    return (
        CaseType.objects.filter(code__in=codes, active=True)
        .prefetch_related("required_documents")
        .order_by(order, "pk")
    )


#: A submission token is URL-safe base64 (``secrets.token_urlsafe``).
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")


def submission_for_token(token: str) -> Submission | None:
    if not token or len(token) > 64 or not TOKEN_CHARACTERS.fullmatch(token):
        return None
    return (
        Submission.objects.select_related("case", "case__case_type")
        .filter(token=token, case__isnull=False)
        .first()
    )


def filed_in_time(case: Case) -> bool | None:
    """For an extension: did it arrive before the current title expired (§ 81 (4) AufenthG)?"""
    if not case.is_extension:
        return None
    if case.filed_in_time is not None:
        return case.filed_in_time
    if case.title_expires_on is None:
        return None
    return timezone.localtime(case.received_at).date() <= case.title_expires_on


def _missing(case: Case, *, received: bool = False) -> QuerySet[CaseDocument]:
    """The case's missing (or ``received``) documents; ``localized_name`` is the name of the
    checklist item of the case type in the current language (fetched in the same query), if the
    office gave one.
    """
    documents = case.documents.filter(received=received).order_by("id")
    field = name_field_for(translation.get_language())
    if field == "name":
        return documents
    checklist = RequiredDocument.objects.filter(
        case_type_id=case.case_type_id, code=OuterRef("code")
    )
    return documents.annotate(localized_name=Subquery(checklist.values(field)[:1]))


def _name(document: CaseDocument) -> str:
    """The applicant's name of a document: the localized checklist name, else the case's."""
    return getattr(document, "localized_name", None) or document.name


def missing_documents(case: Case) -> list[str]:
    """Names of the documents still missing, in the current language (German by default)."""
    return [_name(document) for document in _missing(case)]


def received_documents(case: Case) -> list[str]:
    """Names of the documents received (uploaded or handed in), in the current language."""
    return [_name(document) for document in _missing(case, received=True)]


@dataclass(frozen=True)
class CaseStatus:
    """What an applicant may learn about their case: nothing that identifies them."""

    file_number: str
    state: str
    state_text: str
    next_text: str
    received_on: dt.date
    missing_documents: list[str] = field(default_factory=list)
    documents_due_on: dt.date | None = None
    appointment: object | None = None
    can_book_appointment: bool = False
    card_expected_on: dt.date | None = None
    #: The missing documents as (checklist code, name): what the status page can take.
    missing_items: list[tuple[str, str]] = field(default_factory=list)
    can_send_documents: bool = False
    #: While the office hears the applicant before a refusal: until when they may comment,
    #: and whether they may still answer here (once; later answers go by post).
    hearing_due_on: dt.date | None = None
    can_answer_hearing: bool = False
    #: Letters of the decision, as sent: (id, title, date issued); downloadable after lookup.
    notices: list[tuple[int, str, dt.date]] = field(default_factory=list)
    #: An extension: whether it keeps the old title's rights (§ 81 (4) AufenthG: filed in
    #: time), the old title's expiry, and the certificate's validity once issued.
    fiktion_applies: bool | None = None
    title_expires_on: dt.date | None = None
    fiktion_until: dt.date | None = None
    #: For the upload's signed token only; never shown.
    case_id: int | None = field(default=None, repr=False)


def _appointment(case: Case) -> tuple[object | None, bool]:
    """The case's live appointment, and whether it may book one now (if the app is installed)."""
    if not apps.is_installed("appointments"):
        return None, False
    from appointments import selectors as appointment_selectors

    booking = appointment_selectors.active_booking_of(case)
    if booking is not None:
        return booking, False
    return None, appointment_selectors.service_ready_for(case) is not None


def issued_notice_file(*, notice_id: int):
    """``(file name, open file)`` of an issued notice, or ``None``."""
    from casework.models import Notice
    from casework.notices import notice_storage

    notice = (
        Notice.objects.select_related("case")
        .filter(pk=notice_id, status=NoticeStatus.ISSUED)
        .exclude(file="")
        .first()
    )
    if notice is None:
        return None
    storage = notice_storage()
    if not storage.exists(notice.file):
        return None
    return f"{notice.case.file_number}-{notice.kind}.pdf", storage.open(notice.file, "rb")


def case_status_for_applicant(*, file_number: str, birth_date) -> CaseStatus | None:
    """The status of the case that file number and birth date identify, else ``None``.

    A wrong birth date and an unknown file number both answer ``None``.
    """
    case = case_for_applicant(file_number=file_number, birth_date=birth_date)
    if case is None:
        return None
    return case_status(case)


def case_status(case: Case) -> CaseStatus:
    """What the applicant of ``case`` (already identified) may learn about it."""
    own_words = WORKFLOW_STATE_TEXTS.get(case.workflow_key, {})
    state_text, next_text = own_words.get(case.state) or STATE_TEXTS.get(case.state, ("", ""))
    missing = list(_missing(case))
    due_dates = [d.due_on for d in missing if d.due_on]
    appointment, can_book = _appointment(case)
    latest_order = case.card_orders.order_by("-ordered_at", "-id").first()
    hearing = (
        case.hearings.order_by("-requested_at", "-id").first()
        if case.state == CaseState.HEARING
        else None
    )
    # "Expected around …" only while the card is on its way: not once it arrived, failed or
    # was cancelled, and not after the case ended (e.g. the card was handed over).
    card_on_its_way = (
        latest_order is not None
        and latest_order.status == CardOrderStatus.ORDERED
        and case.state not in FINAL_STATES
    )
    fiktion = fiktion_status(case)
    return CaseStatus(
        fiktion_applies=fiktion.applies if fiktion and case.state not in FINAL_STATES else None,
        title_expires_on=case.title_expires_on if fiktion else None,
        fiktion_until=fiktion.valid_until if fiktion else None,
        file_number=case.file_number,
        state=case.state,
        state_text=str(state_text),
        next_text=str(next_text),
        received_on=timezone.localtime(case.received_at).date(),
        missing_documents=[_name(d) for d in missing],
        documents_due_on=min(due_dates) if due_dates else None,
        appointment=appointment,
        can_book_appointment=can_book,
        card_expected_on=latest_order.expected_on if card_on_its_way else None,
        missing_items=[(d.code, _name(d)) for d in missing],
        can_send_documents=bool(missing) and case.state not in FINAL_STATES,
        hearing_due_on=hearing.due_on if hearing else None,
        can_answer_hearing=bool(hearing and not hearing.answered),
        notices=[
            (n.pk, str(n.get_kind_display()), timezone.localtime(n.issued_at).date())
            for n in case.notices.filter(status=NoticeStatus.ISSUED).order_by("issued_at", "id")
        ],
        case_id=case.pk,
    )
