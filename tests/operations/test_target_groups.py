"""Target groups in operations: the supervisor's page, the letters sent once per person and
logged, the department scope and the hint on the Duldung case file."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from casework.constants import RecordEvent, RecordKind, Role
from casework.models import ResidenceRecordHistory
from casework.target_groups import Candidate, years_before
from operations import target_groups
from operations.constants import RunStatus
from operations.models import TargetGroup, TargetGroupLetter, TargetGroupMailing
from tests.casework.factories import (
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    WorkflowCaseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    asyl = DepartmentFactory(code="asyl")
    other = DepartmentFactory(code="aufenthalt")
    return {
        "asyl": asyl,
        "other": other,
        "worker": MembershipFactory(department=asyl, role=Role.CASEWORKER).user,
        "supervisor": MembershipFactory(department=asyl, role=Role.SUPERVISOR).user,
        "other_worker": MembershipFactory(department=other, role=Role.CASEWORKER).user,
        "other_supervisor": MembershipFactory(department=other, role=Role.SUPERVISOR).user,
    }


def the_25b_group():
    """The migration's default group (made again after a transactional test emptied it)."""
    group, _created = TargetGroup.objects.get_or_create(
        hint="Möglicher Fall für § 25b AufenthG",
        defaults={"name": "Bleiberecht bei nachhaltiger Integration (§ 25b AufenthG)"},
    )
    return group


@pytest.fixture
def group():
    return the_25b_group()


def tolerated(office, years, *, department="asyl", worker="worker", **person):
    """A person tolerated without a break for ``years`` years up to today (and 3 months on)."""
    holder = PersonFactory(**person)
    today = timezone.localdate()
    casework_services.record_residence(
        person=holder,
        user=office[worker],
        department=office[department],
        kind=RecordKind.DULDUNG,
        valid_from=years_before(today, years),
        valid_until=today + dt.timedelta(days=90),
    )
    return holder


def test_the_default_group_is_the_25b_rule(group):
    assert (group.status, group.years, group.years_with_child, group.gap_days) == (
        RecordKind.DULDUNG,
        6,
        4,
        0,
    )


def test_a_mailing_sends_each_person_the_letter_once_logged_in_the_register(
    office, group, django_capture_on_commit_callbacks, mailoutbox
):
    with_mail = tolerated(office, 7, email="a@example.org", preferred_language="uk")
    by_post = tolerated(office, 6)
    tolerated(office, 5)  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        mailing = target_groups.start_mailing(group=group, user=office["supervisor"])
    mailing.refresh_from_db()
    assert (mailing.status, mailing.total, mailing.sent) == (RunStatus.DONE, 2, 2)

    letters = {letter.person_id: letter for letter in TargetGroupLetter.objects.all()}
    assert set(letters) == {with_mail.pk, by_post.pk}
    first = letters[with_mail.pk]
    assert first.sent_by == office["supervisor"] and first.mailing == mailing
    assert first.language == "uk" and first.letter.name
    assert first.tolerated_since == years_before(timezone.localdate(), 7)
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert "25b" in mailoutbox[0].subject
    assert letters[by_post.pk].emailed_to == "" and letters[by_post.pk].letter.name
    # Logged in the register: a history row of the person's current record (who, when, what).
    row = ResidenceRecordHistory.objects.get(record__person=with_mail, event=RecordEvent.LETTER)
    assert row.by == office["supervisor"] and group.name in row.comment

    # Run again (another click later): nobody gets a second letter.
    with django_capture_on_commit_callbacks(execute=True):
        again = target_groups.start_mailing(group=group, user=office["supervisor"])
    again.refresh_from_db()
    assert (again.total, again.sent) == (0, 0)
    assert TargetGroupLetter.objects.count() == 2
    assert len(mailoutbox) == 1
    assert ResidenceRecordHistory.objects.filter(event=RecordEvent.LETTER).count() == 2


def test_a_double_click_joins_the_open_run(office, group):
    tolerated(office, 8)
    first = target_groups.start_mailing(group=group, user=office["supervisor"])
    second = target_groups.start_mailing(group=group, user=office["supervisor"])
    assert first == second
    assert TargetGroupMailing.objects.count() == 1


def test_the_database_refuses_a_second_letter_to_the_same_person(office, group):
    person = tolerated(office, 6)
    candidate = Candidate(person.pk, years_before(timezone.localdate(), 6), False, person)
    assert target_groups.send_letter(group=group, candidate=candidate, user=office["supervisor"])
    assert (
        target_groups.send_letter(group=group, candidate=candidate, user=office["supervisor"])
        is None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroupLetter.objects.create(
            group=group,
            person=person,
            tolerated_since=candidate.since,
            language="de",
            sent_by=office["supervisor"],
        )
    assert TargetGroupLetter.objects.filter(person=person).count() == 1


def test_a_supervisor_writes_only_to_persons_of_their_departments(
    office, group, django_capture_on_commit_callbacks
):
    ours = tolerated(office, 6)
    theirs = tolerated(office, 6, department="other", worker="other_worker")
    with django_capture_on_commit_callbacks(execute=True):
        target_groups.start_mailing(group=group, user=office["supervisor"])
    assert list(TargetGroupLetter.objects.values_list("person_id", flat=True)) == [ours.pk]
    # The other department's supervisor writes to theirs; ours is not written to twice.
    with django_capture_on_commit_callbacks(execute=True):
        target_groups.start_mailing(group=group, user=office["other_supervisor"])
    assert sorted(TargetGroupLetter.objects.values_list("person_id", flat=True)) == sorted(
        [ours.pk, theirs.pk]
    )


def test_the_page_previews_the_group_and_sends(
    client, office, group, django_capture_on_commit_callbacks
):
    ours = tolerated(office, 6, family_name="Haddad")
    tolerated(office, 6, department="other", worker="other_worker", family_name="Stranger")
    url = reverse("operations:target_group", args=[group.pk])

    client.force_login(office["supervisor"])
    listing = client.get(reverse("operations:target_groups"))
    assert listing.status_code == 200 and group.name in listing.content.decode()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["total"] == 1
    assert "Haddad" in html and "Stranger" not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("operations:target_group_send", args=[group.pk]))
    assert response.status_code == 302
    letter = TargetGroupLetter.objects.get()
    assert letter.person == ours
    pdf = client.get(reverse("operations:target_group_letter", args=[group.pk, letter.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    # The other department's supervisor cannot open the letter; a caseworker not the page.
    client.force_login(office["other_supervisor"])
    assert (
        client.get(
            reverse("operations:target_group_letter", args=[group.pk, letter.pk])
        ).status_code
        == 404
    )
    client.force_login(office["worker"])
    assert client.get(url).status_code == 403
    assert client.post(reverse("operations:target_group_send", args=[group.pk])).status_code == 403
    assert TargetGroupMailing.objects.count() == 1


def test_the_preview_pages_through_the_group(client, office, group):
    for _ in range(3):
        tolerated(office, 6)
    client.force_login(office["supervisor"])
    views = pytest.importorskip("operations.views")
    views.TARGET_GROUP_PAGE, previous = 2, views.TARGET_GROUP_PAGE
    try:
        url = reverse("operations:target_group", args=[group.pk])
        first, second = client.get(url), client.get(url, {"p": "2"})
    finally:
        views.TARGET_GROUP_PAGE = previous
    assert (len(first.context["rows"]), len(second.context["rows"])) == (2, 1)
    assert first.context["total"] == second.context["total"] == 3


def test_the_duldung_case_file_shows_the_hint(client, office, group):
    duldung_type = CaseTypeFactory(department=office["asyl"], duldung=True)
    long_tolerated = tolerated(office, 6)
    case = WorkflowCaseFactory(person=long_tolerated, case_type=duldung_type)
    recent = WorkflowCaseFactory(person=tolerated(office, 2), case_type=duldung_type)
    eat = WorkflowCaseFactory(
        person=long_tolerated, case_type=CaseTypeFactory(department=office["asyl"])
    )
    client.force_login(office["worker"])

    def hint(c):
        html = client.get(reverse("casework:case", args=[c.file_number])).content.decode()
        return "target-group-hints" in html, html

    shown, html = hint(case)
    assert shown and group.hint in html
    assert years_before(timezone.localdate(), 6).strftime("%d.%m.%Y") in html
    assert "Noch kein Informationsschreiben versandt" in html  # the admin speaks German here
    assert not hint(recent)[0]
    assert not hint(eat)[0]  # only the Duldung extension shows it


# -- two senders at the same moment (PostgreSQL: real connections) -----------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_send_one_letter():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent connections)")
    department = DepartmentFactory(code="asyl")
    worker = MembershipFactory(department=department, role=Role.CASEWORKER).user
    supervisor = MembershipFactory(department=department, role=Role.SUPERVISOR).user
    office = {"asyl": department, "worker": worker}
    person = tolerated(office, 7)
    group = the_25b_group()
    candidate = Candidate(person.pk, years_before(timezone.localdate(), 7), False)
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait(timeout=30)
            results.append(
                target_groups.send_letter(group=group, candidate=candidate, user=supervisor)
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r is not None for r in results) == [False, True]
    assert TargetGroupLetter.objects.filter(person=person).count() == 1
    assert ResidenceRecordHistory.objects.filter(event=RecordEvent.LETTER).count() == 1


def test_the_page_says_how_many_days_without_a_document_are_tolerated(client, office, group):
    """No gap: said as such (not "0 days … are tolerated"); one day and several in the singular
    and the plural."""
    client.force_login(office["supervisor"])
    url = reverse("operations:target_group", args=[group.pk])

    def rule(gap_days):
        TargetGroup.objects.filter(pk=group.pk).update(gap_days=gap_days)
        html = client.get(url).content.decode()
        start = html.index('data-testid="gap-rule">') + len('data-testid="gap-rule">')
        return html[start : html.index("</dd>", start)]

    none = rule(0)
    assert "Unterbrechungen werden nicht hingenommen" in none and "0" not in none
    assert "bis zu 1 Tag ohne Dokument wird hingenommen" in rule(1)
    assert "bis zu 3 Tagen ohne Dokument wird hingenommen" in rule(3)


def test_a_child_recorded_on_the_case_file_brings_the_person_onto_the_page(client, office, group):
    """Five years tolerated: in the group only with a minor child in the household (§ 25b's
    four years), recorded on the Duldung case file; removed, the person leaves the group."""
    parent = tolerated(office, 5, family_name="Haddad", birth_date=dt.date(1985, 1, 1))
    case = WorkflowCaseFactory(
        person=parent, case_type=CaseTypeFactory(department=office["asyl"], duldung=True)
    )
    url = reverse("operations:target_group", args=[group.pk])
    client.force_login(office["supervisor"])
    assert client.get(url).context["total"] == 0

    row, _known = casework_services.add_household_child(
        case=case,
        user=office["worker"],
        new_child={
            "family_name": "Haddad",
            "given_names": "Lina",
            "birth_date": years_before(timezone.localdate(), 10),
            "nationality": "SYR",
        },
    )
    page = client.get(url)
    assert page.context["total"] == 1
    candidate, _sent = page.context["rows"][0]
    assert candidate.person_id == parent.pk and candidate.with_child
    assert candidate.since == years_before(timezone.localdate(), 5)

    casework_services.remove_household_child(
        case=case, user=office["worker"], child_id=row.child_id
    )
    assert client.get(url).context["total"] == 0
