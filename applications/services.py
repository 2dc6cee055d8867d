"""Writes of the applicant side: turning a finished online application into a case."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework.constants import Channel, HearingAnswerVia, IdDocument
from casework.files import discard_uncommitted
from casework.models import Person
from casework.selectors import family_cases
from casework.services import (
    create_case,
    receive_applicant_documents,
    record_hearing_answer,
    register_person,
    update_person,
)
from config.links import public_url

from .constants import IDENTITY_DOCUMENT_CODES, next_steps
from .models import Submission
from .selectors import filed_in_time, missing_documents, received_documents
from .uploads import private_storage, store_document

__all__ = [
    "SubmitResult",
    "answer_hearing",
    "send_confirmation",
    "send_documents",
    "submit_application",
]

logger = logging.getLogger(__name__)

#: Contact fields filled in on an existing person only where the office has nothing yet.
_CONTACT_FIELDS = ("street", "postal_code", "town", "email", "phone")


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    created: bool


def _identity(personal: dict) -> dict:
    """The person's identity document as Person fields: a passport, or a national identity
    card (§ 24 applicants may have that instead), or nothing."""
    number = personal.get("passport_number", "")
    valid_until = personal.get("passport_valid_until")
    if not number:
        return {}
    if personal.get("id_document") == IdDocument.ID_CARD:
        return {"id_card_number": number, "id_card_valid_until": valid_until}
    return {"passport_number": number, "passport_valid_until": valid_until}


def _person_for(personal: dict) -> tuple[Person, bool]:
    """The person with this document number and birth date, or a new one.

    Without any document number nobody can be matched safely: a new person is created and
    the office merges duplicates if need be.
    """
    identity = _identity(personal)
    number_field = next((name for name in identity if name.endswith("_number")), None)
    existing = None
    if number_field is not None:
        existing = (
            Person.objects.select_for_update()
            .filter(**{number_field: identity[number_field]}, birth_date=personal["birth_date"])
            .order_by("pk")
            .first()
        )
    if existing is not None:
        update_person(
            person=existing,
            changes={name: personal[name] for name in _CONTACT_FIELDS if personal.get(name)},
            via=Channel.ONLINE,
            only_blank=True,
        )
        return existing, True
    person = register_person(
        family_name=personal["family_name"],
        given_names=personal["given_names"],
        family_name_native=personal.get("family_name_native", ""),
        given_names_native=personal.get("given_names_native", ""),
        birth_date=personal["birth_date"],
        nationality=personal["nationality"],
        **identity,
        street=personal.get("street", ""),
        postal_code=personal.get("postal_code", ""),
        town=personal.get("town", ""),
        email=personal.get("email", ""),
        phone=personal.get("phone", ""),
        preferred_language=personal.get("language") or "de",
    )
    return person, False


def _member_personal(member: dict, personal: dict) -> dict:
    """A family member's data as the person fields: own names, birth date, nationality and
    document; address, contact and language of the applicant they apply with."""
    kind = member.get("id_document")
    has_number = kind in (IdDocument.PASSPORT, IdDocument.ID_CARD)
    return {
        **{name: personal.get(name, "") for name in (*_CONTACT_FIELDS, "language")},
        "family_name": member["family_name"],
        "given_names": member["given_names"],
        "family_name_native": member.get("family_name_native", ""),
        "given_names_native": member.get("given_names_native", ""),
        "birth_date": member["birth_date"],
        "nationality": member["nationality"],
        "id_document": kind,
        "passport_number": member.get("document_number", "") if has_number else "",
        "passport_valid_until": None,
    }


def _existing(token: str) -> Submission | None:
    return Submission.objects.select_related("case").filter(token=token, case__isnull=False).first()


def submit_application(
    *,
    token: str,
    kind: str,
    personal: dict,
    application: dict,
    uploads: dict,
    photo: dict,
    family: Iterable[dict] = (),
) -> SubmitResult:
    """Create (or link) the person and a *received* case with its documents, in one transaction.

    Each family member applying together (``family``) gets a person and a case of the same
    type of their own, linked to the applicant's case; their identity document, if uploaded,
    is filed with their case.

    The same ``token`` submitted again answers the first submission instead of creating a
    second case, also when two requests race: the unique token makes the later one fail
    and look the first one up. Files are written inside the transaction and removed again
    if it does not commit.
    """
    previous = _existing(token)
    if previous is not None:
        return SubmitResult(previous, created=False)
    written: list[str] = []
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                token=token,
                kind=kind,
                email=personal["email"],
                language=personal.get("language") or "de",
            )
            person, linked = _person_for(personal)
            case = create_case(
                person=person,
                case_type=application["case_type"],
                channel=Channel.ONLINE,
                is_extension=bool(application.get("is_extension")),
                current_title=application.get("current_title", ""),
                title_expires_on=application.get("title_expires_on"),
                photo_source=photo.get("photo_source", ""),
                photo_reference=photo.get("photo_reference", ""),
            )
            now = timezone.now()
            stored = {}
            for code, upload in uploads.items():
                stored[code] = store_document(
                    upload=upload, file_number=case.file_number, code=code
                )
                written.append(stored[code])
            receive_applicant_documents(case=case, files=stored, now=now)
            checklist = set(case.documents.values_list("code", flat=True))
            identity_code = next((c for c in IDENTITY_DOCUMENT_CODES if c in checklist), None)
            for member in family:
                member_person, _linked = _person_for(_member_personal(member, personal))
                member_case = create_case(
                    person=member_person,
                    case_type=application["case_type"],
                    channel=Channel.ONLINE,
                    filed_with=case,
                    family_relation=member["relation"],
                )
                upload = member.get("document")
                if upload and identity_code:
                    name = store_document(
                        upload=upload, file_number=member_case.file_number, code=identity_code
                    )
                    written.append(name)
                    receive_applicant_documents(
                        case=member_case, files={identity_code: name}, now=now
                    )
            submission.case = case
            submission.linked_existing_person = linked
            submission.save(update_fields=["case", "linked_existing_person"])
            transaction.on_commit(lambda: _confirm_after_commit(submission.pk))
    except IntegrityError:
        _remove(written)
        previous = _existing(token)
        if previous is None:
            raise
        return SubmitResult(previous, created=False)
    except BaseException:
        _remove(written)
        raise
    return SubmitResult(submission, created=True)


def send_documents(*, case, uploads: dict) -> list[str]:
    """File the documents the applicant uploads on the status page with their case.

    The files are checked and stored here; casework records them (received, history row,
    announcement). Nothing is kept if anything fails. Answers the documents' names.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            stored = {}
            for code, upload in uploads.items():
                stored[code] = store_document(
                    upload=upload, file_number=case.file_number, code=code
                )
                written.append(stored[code])
            documents = receive_applicant_documents(case=case, files=stored)
    except BaseException:
        _remove(written)
        raise
    return [document.name for document in documents]


def answer_hearing(*, case, answer: str, attachment=None) -> None:
    """The applicant's comments on an intended refusal, sent from the status page; an
    attached document is checked and stored like the status page's uploads."""
    written: list[str] = []
    try:
        with transaction.atomic():
            if attachment is not None:
                written.append(
                    store_document(upload=attachment, file_number=case.file_number, code="hearing")
                )
            record_hearing_answer(
                case=case,
                user=None,
                answer=answer,
                via=HearingAnswerVia.STATUS_PAGE,
                files=written,
            )
    except BaseException:
        _remove(written)
        raise


def _remove(names: list[str]) -> None:
    """The files of a submission that did not commit (their temporary copies)."""
    try:
        discard_uncommitted(private_storage(), names)
    except OSError:  # pragma: no cover - best effort; the daily clean-up removes the rest
        logger.warning("could not remove the files of a failed submission", exc_info=True)


def confirmation_context(submission: Submission) -> dict:
    case = submission.case
    return {
        "submission": submission,
        "case": case,
        "file_number": case.file_number,
        "received_at": timezone.localtime(case.received_at),
        "case_type": case.case_type,
        # In the language active now: the page's, the e-mail's or the receipt's.
        "case_type_label": case.case_type.localized_label(),
        "is_extension": case.is_extension,
        "filed_in_time": filed_in_time(case),
        "missing_documents": missing_documents(case),
        "received_documents": received_documents(case),
        "next_steps": next_steps(case.workflow_key),
        "person": case.person,
        "family": [
            {
                "file_number": member.file_number,
                "name": f"{member.person.family_name}, {member.person.given_names}".strip(", "),
                "birth_date": member.person.birth_date,
                "relation": member.get_family_relation_display(),
            }
            for member in family_cases(case)
        ],
    }


def _confirm_after_commit(submission_id: int) -> None:
    """The case exists whatever the mail server says: a failed e-mail is logged, not raised,
    so the applicant still sees the confirmation page and can download the receipt."""
    try:
        send_confirmation(submission_id=submission_id)
    except Exception:
        logger.exception("confirmation e-mail for submission %s failed", submission_id)


def send_confirmation(*, submission_id: int) -> None:
    """E-mail the confirmation (with the PDF receipt) in the applicant's language."""
    from .receipt import render_receipt

    submission = Submission.objects.select_related("case", "case__case_type").get(pk=submission_id)
    with translation.override(submission.language):
        context = confirmation_context(submission)
        context["status_url"] = public_url("applications:status", language=submission.language)
        subject = render_to_string("applications/email/confirmation_subject.txt", context)
        body = render_to_string("applications/email/confirmation.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()), body=body, to=[submission.email]
        )
        message.attach(
            f"{submission.case.file_number}.pdf", render_receipt(submission), "application/pdf"
        )
    message.send()
