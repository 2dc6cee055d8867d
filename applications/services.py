"""Writes of the applicant side: turning a finished online application into a case."""

import logging
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework.constants import Channel
from casework.files import discard_uncommitted
from casework.models import CaseDocument, Person
from casework.services import create_case
from config.links import public_url

from .models import Submission
from .selectors import filed_in_time, missing_documents
from .uploads import private_storage, store_document

__all__ = ["SubmitResult", "send_confirmation", "submit_application"]

logger = logging.getLogger(__name__)

#: Contact fields filled in on an existing person only where the office has nothing yet.
_CONTACT_FIELDS = ("street", "postal_code", "town", "email", "phone")


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    created: bool


def _person_for(personal: dict) -> tuple[Person, bool]:
    """The person with this passport number and birth date, or a new one."""
    existing = (
        Person.objects.select_for_update()
        .filter(passport_number=personal["passport_number"], birth_date=personal["birth_date"])
        .order_by("pk")
        .first()
    )
    if existing is not None:
        blanks = [
            name for name in _CONTACT_FIELDS if not getattr(existing, name) and personal.get(name)
        ]
        for name in blanks:
            setattr(existing, name, personal[name])
        if blanks:
            existing.save(update_fields=[*blanks, "updated_at"])
        return existing, True
    person = Person.objects.create(
        family_name=personal["family_name"],
        given_names=personal["given_names"],
        family_name_native=personal.get("family_name_native", ""),
        given_names_native=personal.get("given_names_native", ""),
        birth_date=personal["birth_date"],
        nationality=personal["nationality"],
        passport_number=personal["passport_number"],
        passport_valid_until=personal["passport_valid_until"],
        street=personal.get("street", ""),
        postal_code=personal.get("postal_code", ""),
        town=personal.get("town", ""),
        email=personal.get("email", ""),
        phone=personal.get("phone", ""),
        preferred_language=personal.get("language") or "de",
    )
    return person, False


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
) -> SubmitResult:
    """Create (or link) the person and a *received* case with its documents, in one transaction.

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
            )
            case.photo_source = photo.get("photo_source", "")
            case.photo_reference = photo.get("photo_reference", "")
            case.save(update_fields=["photo_source", "photo_reference", "updated_at"])
            now = timezone.now()
            names = {d.code: d.name for d in application["case_type"].required_documents.all()}
            for code, upload in uploads.items():
                stored = store_document(upload=upload, file_number=case.file_number, code=code)
                written.append(stored)
                CaseDocument.objects.update_or_create(
                    case=case,
                    code=code,
                    defaults={
                        "name": names.get(code, code),
                        "received": True,
                        "received_at": now,
                        "file": stored,
                    },
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
