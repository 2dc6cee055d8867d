"""The Fiktionsbescheinigung (§ 81 (4), (5) AufenthG): offered exactly when the law gives one,
issued through the service with its own validity and history, refused with the reason."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casework import services
from casework.constants import CaseState, HistoryEvent, NoticeKind, NoticeStatus, Role
from casework.fiktion import FIKTION_LEAD_DAYS, fiktion_status
from casework.models import Case

from .factories import MembershipFactory, WorkflowCaseFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def extension(*, expires_in: int, filed_days_ago: int = 10, **traits):
    """An extension received ``filed_days_ago`` days ago of a title that expires (or
    expired, negative) ``expires_in`` days from today."""
    received = timezone.now() - dt.timedelta(days=filed_days_ago)
    return WorkflowCaseFactory(
        is_extension=True,
        current_title="§ 18b AufenthG",
        title_expires_on=TODAY() + dt.timedelta(days=expires_in),
        received_at=received,
        **traits,
    )


def worker(case):
    return case.department.memberships.filter(role=Role.CASEWORKER).first().user


@pytest.mark.parametrize(
    ("expires_in", "filed_days_ago", "traits", "offered", "reason"),
    [
        # Filed in time, the old title ran out yesterday, no decision yet: the law gives one.
        (-1, 10, {}, True, ""),
        # ... also while documents are awaited or the applicant is heard.
        (-20, 30, {"documents_requested": True}, True, ""),
        (-5, 30, {"hearing": True}, True, ""),
        # ... and from four weeks before the expiry.
        (FIKTION_LEAD_DAYS, 10, {}, True, ""),
        (FIKTION_LEAD_DAYS + 1, 10, {}, False, "issued from"),
        # Filed after the expiry: no Fiktionswirkung, no certificate.
        (-11, 10, {}, False, "no Fiktionswirkung"),
        # Decided: the new card or the refusal ends it.
        (-1, 10, {"handed_over": True}, False, "has been decided"),
        (-1, 10, {"refused": True}, False, "has been decided"),
    ],
)
def test_offered_exactly_when_the_law_gives_one(
    expires_in, filed_days_ago, traits, offered, reason
):
    case = extension(expires_in=expires_in, filed_days_ago=filed_days_ago, **traits)
    status = fiktion_status(Case.objects.get(pk=case.pk))
    assert status.offered is offered
    assert reason in status.reason
    assert status.applies is (filed_days_ago + expires_in >= 0)


def test_no_status_for_a_first_application():
    assert fiktion_status(WorkflowCaseFactory()) is None


def test_no_status_for_the_extension_of_a_duldung():
    """A Duldung is no residence title: its extension has no Fiktionswirkung (§ 81 (4)
    AufenthG speaks of titles), so its case file offers no certificate and says nothing."""
    case = WorkflowCaseFactory(
        duldung=True,
        is_extension=True,
        current_title="Duldung (§ 60a AufenthG)",
        title_expires_on=TODAY() - dt.timedelta(days=1),
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    assert case.workflow_key == "duldung"
    assert fiktion_status(Case.objects.get(pk=case.pk)) is None
    with pytest.raises(ValidationError, match="not the extension of a current title"):
        services.issue_fiktion_certificate(case=case, user=worker(case))


def test_issued_with_its_validity_history_and_pdf_then_not_again_until_it_runs_out():
    case = extension(expires_in=-1)
    user = worker(case)
    until = TODAY() + dt.timedelta(days=90)
    notice = services.issue_fiktion_certificate(case=case, user=user, valid_until=until)
    assert notice.kind == NoticeKind.FIKTION and notice.status == NoticeStatus.ISSUED
    assert notice.valid_until == until and notice.sha256 and notice.file
    text = "\n".join(notice.sections[0]["paragraphs"])
    assert until.strftime("%d.%m.%Y") in text and "§ 81 Abs. 4" in text
    row = case.history.get(transition=HistoryEvent.FIKTION_ISSUED)
    assert row.by == user and until.strftime("%d.%m.%Y") in row.comment
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED
    with pytest.raises(ValidationError, match="valid until"):
        services.issue_fiktion_certificate(case=Case.objects.get(pk=case.pk), user=user)
    status = fiktion_status(Case.objects.get(pk=case.pk), today=until - dt.timedelta(days=7))
    assert status.offered and status.valid_until == until


def test_a_late_application_gets_none_and_nothing_is_written():
    case = extension(expires_in=-30, filed_days_ago=10)
    with pytest.raises(ValidationError, match="no Fiktionswirkung"):
        services.issue_fiktion_certificate(case=case, user=worker(case))
    assert not case.notices.exists()
    assert not case.history.filter(transition=HistoryEvent.FIKTION_ISSUED).exists()


def test_validity_is_bounded_and_the_service_point_may_issue_it_but_no_one_else():
    case = extension(expires_in=-1, checked=True)
    user = worker(case)
    for bad in (TODAY(), TODAY() + dt.timedelta(days=400)):
        with pytest.raises(ValidationError):
            services.issue_fiktion_certificate(case=case, user=user, valid_until=bad)
    other = MembershipFactory(role=Role.CASEWORKER).user  # another department
    with pytest.raises(PermissionDenied):
        services.issue_fiktion_certificate(case=case, user=other)
    counter = MembershipFactory(
        department=MembershipFactory(role=Role.SERVICE_POINT).department, role=Role.SERVICE_POINT
    ).user
    notice = services.issue_fiktion_certificate(case=Case.objects.get(pk=case.pk), user=counter)
    assert notice.issued_by == counter


def test_the_case_file_offers_it_or_says_why_not(client):
    late = extension(expires_in=-30, filed_days_ago=10)
    client.force_login(worker(late))
    page = client.get(reverse("casework:case", args=[late.file_number])).content.decode()
    assert 'data-testid="fiktion-reason"' in page and "Fiktionswirkung" in page
    due = extension(expires_in=-1)
    client.force_login(worker(due))
    url = reverse("casework:case", args=[due.file_number])
    assert "casework:issue_fiktion" not in (page := client.get(url).content.decode())
    assert reverse("casework:issue_fiktion", args=[due.file_number]) in page
    until = TODAY() + dt.timedelta(days=60)
    response = client.post(
        reverse("casework:issue_fiktion", args=[due.file_number]),
        {"valid_until": until.isoformat()},
    )
    assert response.status_code == 302
    assert due.notices.get(kind=NoticeKind.FIKTION).valid_until == until
