"""The reminder job knows the Fiktionsbescheinigung: its holder is reminded two weeks before
the certificate runs out while the case is still undecided, once per certificate, in their
language; a replaced certificate or a decided case gets none."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from casework import services
from casework.constants import Role
from casework.models import Membership
from operations.constants import ReminderKind
from operations.models import Reminder
from operations.services import FIKTION_REMINDER_LEAD_DAYS, create_expiry_reminders
from tests.casework.factories import WorkflowCaseFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _pending_extension(**person):
    """An extension filed in time whose old title ran out yesterday (no decision yet)."""
    return WorkflowCaseFactory(
        is_extension=True,
        current_title="§ 18b AufenthG",
        title_expires_on=TODAY() - dt.timedelta(days=1),
        received_at=timezone.now() - dt.timedelta(days=10),
        **{f"person__{k}": v for k, v in person.items()},
    )


def _certify(case, days: int):
    worker = Membership.objects.filter(department=case.department, role=Role.CASEWORKER)
    return services.issue_fiktion_certificate(
        case=case, user=worker.first().user, valid_until=TODAY() + dt.timedelta(days=days)
    )


def _pdf_text(reminder) -> str:
    reminder.letter.open("rb")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(reminder.letter.read())).pages)


def test_the_holder_is_reminded_once_two_weeks_before_the_certificate_runs_out():
    case = _pending_extension(preferred_language="uk", email="olena@example.org")
    certificate = _certify(case, days=FIKTION_REMINDER_LEAD_DAYS + 5)
    # Not yet: more than two weeks left.
    create_expiry_reminders(today=TODAY())
    assert not Reminder.objects.filter(kind=ReminderKind.FIKTION).exists()
    mail.outbox.clear()
    # Five days later (or any later day: a missed run is caught up).
    later = TODAY() + dt.timedelta(days=7)
    assert create_expiry_reminders(today=later)["created"] == 1
    reminder = Reminder.objects.get(kind=ReminderKind.FIKTION)
    assert reminder.expires_on == certificate.valid_until and reminder.case_id == case.pk
    assert reminder.language == "uk"
    assert len(mail.outbox) == 1 and "Fiktionsbescheinigung" in mail.outbox[0].subject
    assert certificate.valid_until.strftime("%d.%m.%Y") in mail.outbox[0].subject
    assert case.file_number in _pdf_text(reminder)
    assert create_expiry_reminders(today=later + dt.timedelta(days=1))["created"] == 0


def test_a_replaced_certificate_or_a_decided_case_gets_no_reminder():
    replaced = _pending_extension()
    _certify(replaced, days=10)
    newer = _certify(replaced, days=60)
    decided = _pending_extension()
    _certify(decided, days=10)
    services.fire_transition(
        case=decided,
        user=Membership.objects.filter(department=decided.department, role=Role.CASEWORKER)
        .first()
        .user,
        transition="withdraw",
        data={},
    )
    create_expiry_reminders(today=TODAY())
    assert not Reminder.objects.filter(kind=ReminderKind.FIKTION).exists()
    # The newer certificate is reminded in its own time.
    create_expiry_reminders(today=newer.valid_until - dt.timedelta(days=3))
    assert list(Reminder.objects.values_list("kind", "expires_on")) == [
        (ReminderKind.FIKTION, newer.valid_until)
    ]
