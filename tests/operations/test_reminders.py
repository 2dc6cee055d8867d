"""The daily reminder job: once per title or passport, across reruns and missed days."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from casework.constants import CaseState
from operations.constants import ReminderKind
from operations.models import Reminder
from operations.services import create_expiry_reminders, reminder_window_end
from operations.tasks import daily_jobs
from tests.casework.factories import PersonFactory, WorkflowCaseFactory

DAY = dt.date(2026, 3, 2)
FAR = dt.date(2030, 1, 1)
#: The titles were granted a year before the reminder run.
GRANTED_ON = dt.date(2025, 3, 2)


def holder(*, valid_until, language="de", email="", state=CaseState.HANDED_OVER, **person):
    person = PersonFactory(
        preferred_language=language, email=email, passport_valid_until=FAR, **person
    )
    return WorkflowCaseFactory(person=person, state=state, granted_until=valid_until, at=GRANTED_ON)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def holders(db):
    applied = holder(valid_until=DAY + dt.timedelta(days=60))
    WorkflowCaseFactory(person=applied.person, received=True, at=DAY - dt.timedelta(days=30))
    return {
        # expires in 80 days: due now; Ukrainian, has e-mail
        "soon": holder(
            valid_until=DAY + dt.timedelta(days=80),
            language="uk",
            email="olena@example.org",
            family_name="Shevchenko",
        ),
        # expires in 100 days: due only about ten days later
        "later": holder(valid_until=DAY + dt.timedelta(days=100), language="ru"),
        # has already applied for the extension (open case): no reminder
        "applied": applied,
        # already expired: too late for a reminder
        "expired": holder(valid_until=DAY - dt.timedelta(days=1)),
    }


def test_window_is_about_three_months():
    assert reminder_window_end(dt.date(2026, 3, 2)) == dt.date(2026, 6, 2)
    assert reminder_window_end(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)


def test_first_run_reminds_due_titles_once_in_the_holders_language(holders):
    result = create_expiry_reminders(today=DAY)
    assert result == {"created": 1, "mailed": 1}
    reminder = Reminder.objects.get()
    assert reminder.person == holders["soon"].person
    assert (reminder.kind, reminder.expires_on, reminder.language) == (
        ReminderKind.TITLE,
        holders["soon"].granted_until,
        "uk",
    )
    assert reminder.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olena@example.org"]
    assert "Термін дії" in mail.outbox[0].subject
    text = pdf_text(reminder.letter.read())
    assert "Shevchenko" in text
    assert holders["soon"].granted_until.strftime("%d.%m.%Y") in text
    assert mail.outbox[0].attachments[0][2] == "application/pdf"


def test_rerun_the_same_day_sends_nothing(holders):
    create_expiry_reminders(today=DAY)
    assert create_expiry_reminders(today=DAY) == {"created": 0, "mailed": 0}
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 1


def test_missed_days_are_caught_up_and_nothing_is_sent_twice(holders):
    create_expiry_reminders(today=DAY)
    # The job did not run for 30 days: the title expiring in 100 days is now due.
    result = create_expiry_reminders(today=DAY + dt.timedelta(days=30))
    assert result["created"] == 1
    assert set(Reminder.objects.values_list("person", flat=True)) == {
        holders["soon"].person_id,
        holders["later"].person_id,
    }
    for day in range(31, 40):
        assert create_expiry_reminders(today=DAY + dt.timedelta(days=day))["created"] == 0
    assert Reminder.objects.count() == 2
    assert len(mail.outbox) == 1  # the second holder has no e-mail address: letter only


def test_a_new_title_gets_its_own_reminder(holders):
    create_expiry_reminders(today=DAY)
    case = holders["soon"]
    WorkflowCaseFactory(person=case.person, handed_over=True, granted_until=dt.date(2028, 5, 1))
    assert create_expiry_reminders(today=dt.date(2028, 3, 1))["created"] == 1
    assert Reminder.objects.filter(person=case.person, kind=ReminderKind.TITLE).count() == 2


def test_passports_expiring_get_a_reminder(db):
    case = WorkflowCaseFactory(handed_over=True, granted_until=FAR, case_type__max_validity_years=5)
    case.person.passport_valid_until = DAY + dt.timedelta(days=20)
    case.person.save()
    assert create_expiry_reminders(today=DAY)["created"] == 1
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.PASSPORT
    assert create_expiry_reminders(today=DAY + dt.timedelta(days=1))["created"] == 0


def test_a_failed_mail_is_sent_by_the_next_run(holders, monkeypatch):
    from operations import services

    calls = {"n": 0}
    original = services._send_reminder_mail

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("mail server down")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_send_reminder_mail", flaky)
    assert create_expiry_reminders(today=DAY) == {"created": 1, "mailed": 0}
    assert Reminder.objects.get().emailed_at is None
    assert create_expiry_reminders(today=DAY) == {"created": 0, "mailed": 1}
    assert create_expiry_reminders(today=DAY) == {"created": 0, "mailed": 0}
    assert len(mail.outbox) == 1


def test_the_task_and_the_command_run_the_same_job(holders):
    daily_jobs.enqueue(DAY.isoformat())
    assert Reminder.objects.count() == 1
    out = io.StringIO()
    call_command("run_daily_jobs", "--now", f"--today={DAY + dt.timedelta(days=30)}", stdout=out)
    assert "Reminders created: 1" in out.getvalue()
    call_command("run_daily_jobs", f"--today={DAY + dt.timedelta(days=30)}", stdout=io.StringIO())
    assert Reminder.objects.count() == 2


def test_the_run_writes_the_reminders_and_a_lost_letter_is_made_by_a_later_run(
    holders, monkeypatch
):
    from operations import services

    # The worker never ran the letters' task (e.g. it was lost with its machine).
    monkeypatch.setattr(services, "_queue_reminder_letters", lambda ids: 0)
    assert create_expiry_reminders(today=DAY) == {"created": 1, "mailed": 0}
    reminder = Reminder.objects.get()
    assert not reminder.letter
    assert mail.outbox == []
    monkeypatch.undo()
    # Within the hour it may still be on its way: not queued again.
    assert create_expiry_reminders(today=DAY) == {"created": 0, "mailed": 0}
    Reminder.objects.filter(pk=reminder.pk).update(
        created_at=reminder.created_at - dt.timedelta(hours=2)
    )
    assert create_expiry_reminders(today=DAY) == {"created": 0, "mailed": 1}
    reminder.refresh_from_db()
    assert "Shevchenko" in pdf_text(reminder.letter.read())
    assert len(mail.outbox) == 1


def test_a_letter_queued_twice_is_made_and_mailed_once(holders, monkeypatch):
    from operations import services

    monkeypatch.setattr(services, "_queue_reminder_letters", lambda ids: 0)
    create_expiry_reminders(today=DAY)
    reminder = Reminder.objects.get()
    assert services.send_reminder_letters([reminder.pk]) == 1
    name = Reminder.objects.get().letter.name
    assert services.send_reminder_letters([reminder.pk]) == 0
    assert Reminder.objects.get().letter.name == name
    assert len(mail.outbox) == 1
