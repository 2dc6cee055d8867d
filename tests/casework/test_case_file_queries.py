"""The case file opens in at most 15 queries, however long its checklist and history, with
or without participations of other authorities, for every role that may open it (the issue's
goal; it was 41, then 19 to 26).

Measured on SQLite (a running office: the admin's locales in the cache) on a checked case (its
grant notice drafted, the invitation sent): 11 (Service Point), 13 (caseworker, a viewer with a
share), 15 (supervisor, office management), the same when other authorities take part (their
participations come with the case as one JSON value). What a back-office request itself costs
is three: the session, the second-factor device with the account and its Wagtail profile
(accounts.middleware.OTPMiddleware), and the policy (which also answers Django's permission
lookup and whether Wagtail's menu needs the page, collection and site permissions); Wagtail's
list of locales comes from the cache (cms.admin_locales). The rest is one per table the page
shows: the case (with hand-over, assignee, whether others were filed with it, the person's
residence records with their history and the case's participations with their kinds, each as
one JSON value), checklist, card orders, hearings and notices (for cases that have any), the
access-log row written, history, comments, the panels' document requests, bookings and waiting
list, and for supervisors the access log and one query for the choices of the reassign and
share forms."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from casework.constants import (
    OFFICE_ADMIN_GROUP,
    CardOrderStatus,
    CaseState,
    HistoryEvent,
    RecordKind,
)
from casework.models import (
    CardOrder,
    CaseAccessLog,
    CaseComment,
    CaseHistory,
    CaseUserObjectPermission,
)
from casework.services import record_residence
from cms.admin_locales import admin_locales

from .backoffice import build_office, case_with_documents, casework_staff_group
from .factories import ParticipationKindFactory, UserFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def long_case(office, state, *, rows: int, participations: bool = False):
    """A case with ``rows`` documents, history rows, comments and access-log rows; with
    ``participations`` also the answers of two other authorities (asked on receipt)."""
    if participations:
        ParticipationKindFactory(case_types=[office.type_a])
        ParticipationKindFactory(security=True, case_types=[office.type_a])
    case = case_with_documents(
        case_type=office.type_a,
        state=state,
        documents=[f"doc{i}" for i in range(rows)],
        assigned_to=office.worker_a,
    )
    now = timezone.now()
    # low-level: many rows at once (the bound must hold for any number of them)
    CaseHistory.objects.bulk_create(
        CaseHistory(
            case=case,
            transition=HistoryEvent.REASSIGNED if i % 2 else "check",
            from_state=CaseState.RECEIVED,
            to_state=state,
            at=now - dt.timedelta(hours=rows - i),
            by=office.supervisor_a if i % 3 else None,
            via="online" if i % 3 == 0 else "",
            comment=f"row {i}",
        )
        for i in range(rows)
    )
    # low-level: many rows at once (the bound must hold for any number of them)
    CaseComment.objects.bulk_create(
        CaseComment(case=case, author=office.worker_a, text=f"note {i}") for i in range(rows)
    )
    # low-level: many rows at once (the bound must hold for any number of them)
    CaseAccessLog.objects.bulk_create(
        CaseAccessLog(case=case, user=office.worker_a, route="backoffice") for _ in range(rows)
    )
    # The person's register: a Duldung, titles replacing each other (each with history rows).
    for i in range(max(rows // 10, 2)):
        record_residence(
            person=case.person,
            user=office.worker_a,
            department=office.dept_a,
            kind=RecordKind.DULDUNG if i == 0 else RecordKind.TITLE,
            legal_basis="§ 60a AufenthG" if i == 0 else "§ 18b AufenthG",
            valid_from=dt.date(2015 + i, 1, 1),
            valid_until=dt.date(2015 + i, 12, 31) if i == 0 else dt.date(2030 + i, 1, 1),
            employment_permitted=bool(i % 2),
            comment=f"record {i}",
        )
    for i in range(3):
        # low-level: many rows at once (the bound must hold for any number of them)
        CardOrder.objects.create(
            case=case,
            order_number=f"{case.file_number}-R{i + 1}",
            status=CardOrderStatus.FAILED if i < 2 else CardOrderStatus.ORDERED,
        )
    return case


def viewer_of(case, office):
    """A caseworker of the other department with a share of this one case."""
    user = office.worker_b
    CaseUserObjectPermission.objects.create(
        user=user,
        permission=Permission.objects.get(codename="view_case"),
        content_object=case,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    return user


def office_admin():
    user = UserFactory(username="amtsleitung")
    user.groups.add(casework_staff_group(), Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    return user


ROLES = ["caseworker", "supervisor", "service_point", "office_admin", "viewer"]


@pytest.mark.parametrize("state", [CaseState.CHECKED, CaseState.PRODUCED])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rows", [2, 40])
@pytest.mark.parametrize("participations", [False, True], ids=["alone", "participations"])
def test_case_file_queries_do_not_grow_with_the_file(
    client, django_assert_max_num_queries, role, state, rows, participations
):
    office = build_office()
    case = long_case(office, state, rows=rows, participations=participations)
    if participations:
        assert case.participations.count() == 2
    # The check drafted the grant notice and sent the invitation: the notices are read too.
    assert {n.kind for n in case.notices.all()} >= {"grant", "invitation"}
    user = {
        "caseworker": office.worker_a,
        "supervisor": office.supervisor_a,
        "service_point": office.counter,
        "office_admin": office_admin,
        "viewer": lambda: viewer_of(case, office),
    }[role]
    user = user() if callable(user) else user
    client.force_login(user)
    url = reverse("casework:case", args=[case.file_number])
    admin_locales()  # in the cache since the office's first admin page
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert case.file_number in page
    if role != "service_point":  # the register is part of the full file
        assert page.count("data-record=") == max(rows // 10, 2)
        assert "record 1" in page and "§ 60a AufenthG" in page
