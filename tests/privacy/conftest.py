"""An office with one person whose file is due for deletion and others who must lose nothing.

``build_world()`` gives every kind of record a person can leave behind: cases with history,
comments, documents with uploads on disk, a card order and hand-over, access-log rows, a
share, a booking and a waiting-list place, an online submission, a reminder letter on disk,
a continuation certificate in an ordinance's print file, search-index entries and search-log
queries that name them. "Keep" has the same kinds of records and is never due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from applications.constants import ApplicationKind
from applications.models import Submission
from appointments.constants import BookingStatus, WaitingStatus
from appointments.models import Booking, WaitingListEntry
from casework.constants import OFFICE_ADMIN_GROUP, CaseState, Role
from casework.models import (
    CardOrder,
    CaseAccessLog,
    CaseComment,
    CaseDocument,
    CaseHistory,
    CaseUserObjectPermission,
    HandOver,
)
from operations import services as operations_services
from operations.constants import ReminderKind
from operations.models import Reminder
from privacy.constants import Outcome, Trigger
from privacy.models import RetentionRule
from search.backends import get_search_backends
from search.models import SearchLog
from tests.appointments.factories import SlotFactory
from tests.casework.backoffice import casework_staff_group
from tests.casework.factories import (
    CaseFactory,
    CaseTypeFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WorkflowCaseFactory,
)

TODAY = dt.date(2026, 12, 4)
UTC = dt.UTC
PDF = b"%PDF-1.4\n% test upload\n"


def at(year, month, day) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=UTC)


def office_admin(username: str):
    user = UserFactory(username=username)
    group, _created = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="privacy"),
    )
    user.groups.add(group, casework_staff_group())
    return user


def staff(department, role=Role.CASEWORKER, **kwargs):
    user = MembershipFactory(department=department, role=role, **kwargs).user
    user.groups.add(casework_staff_group())
    return user


@dataclass
class PersonTrail:
    """Everything made for one person: the person, cases and the files on disk."""

    person: object
    cases: list = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    dept_a: object
    dept_b: object
    type_a: object
    type_24: object
    rule: object
    amt1: object
    amt2: object
    amt3: object
    worker_a: object
    worker_b: object
    supervisor_a: object
    gone: PersonTrail
    keep: PersonTrail
    ordinance: object
    extra: dict = field(default_factory=dict)


def _upload(case, code: str) -> Path:
    name = f"cases/{case.file_number}/{code}-0123456789ab.pdf"
    path = Path(settings.PRIVATE_MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF + case.file_number.encode())
    # low-level: an upload received the day the case was (up to 11 years back), file on disk
    CaseDocument.objects.create(
        case=case,
        code=code,
        name=code.title(),
        received=True,
        received_at=case.received_at,
        file=name,
    )
    return path


def trail(
    *,
    world_parts: dict,
    family: str,
    native: str,
    given: str,
    passport: str,
    email: str,
    closed_year: int,
    open_case: bool = False,
) -> PersonTrail:
    """A person with a refused § 18b case and a § 24 title (handed over, later continued)."""
    w = world_parts
    person = PersonFactory(
        family_name=family,
        given_names=given,
        family_name_native=native,
        birth_date=dt.date(1971, 5, 5),
        passport_number=passport,
        email=email,
        street="Hauptstraße 1",
        postal_code="40822",
        town="Mettmann",
        preferred_language="uk",
    )
    out = PersonTrail(person=person, markers=[family, native, passport, email])
    # low-level: closed on a fixed day years back: the retention rule's clock runs from it
    refused = CaseFactory(
        person=person,
        case_type=w["type_a"],
        state=CaseState.REFUSED,
        received_at=at(closed_year, 1, 10),
        last_transition_at=at(closed_year, 3, 1),
        refusal_reason="Lebensunterhalt nicht gesichert.",
        notes=f"Notiz zu {family}",
    )
    # low-level: handed over on a fixed day years back, with the records that day leaves
    granted = CaseFactory(
        person=person,
        case_type=w["type_24"],
        state=CaseState.HANDED_OVER,
        received_at=at(closed_year, 4, 1),
        last_transition_at=at(closed_year, 6, 1),
        granted_until=dt.date(closed_year, 12, 31),
    )
    out.cases = [refused, granted]
    for case in out.cases:
        out.markers.append(case.file_number)
        # low-level: history at the raw case's fixed dates, naming the person (erasure scrubs it)
        CaseHistory.objects.create(
            case=case,
            transition="create",
            from_state="",
            to_state="received",
            at=case.received_at,
            by=None,
            comment="Eingang online",
        )
        CaseHistory.objects.create(  # low-level: as above, the closing step
            case=case,
            transition="check",
            from_state="received",
            to_state=case.state,
            at=case.last_transition_at,
            by=w["worker_a"],
            comment=f"Geprüft: {family}",
        )
        # low-level: a comment and a read on the closed raw case (no service writes to it)
        CaseComment.objects.create(case=case, author=w["worker_a"], text=f"Rückruf {family}")
        CaseAccessLog.objects.create(  # low-level: as above
            case=case, user=w["supervisor_a"], route="backoffice"
        )
        out.files.append(_upload(case, "passport"))
    # low-level: the raw granted case's card, ordered and delivered at fixed past dates
    CardOrder.objects.create(
        case=granted,
        order_number=f"{granted.file_number}-K1",
        status="delivered",
        ordered_at=at(closed_year, 5, 1),
        delivered_at=at(closed_year, 5, 20),
    )
    HandOver.objects.create(  # low-level: its hand-over on the day the case closed
        case=granted,
        collected_by=f"{given} {family}",
        handed_over_by=w["worker_a"],
        handed_over_at=at(closed_year, 6, 1),
    )
    CaseUserObjectPermission.objects.create(
        user=w["worker_b"],
        permission=Permission.objects.get(codename="view_case"),
        content_object=refused,
        expires_at=at(closed_year, 12, 1),
        granted_by=w["supervisor_a"],
    )
    slot = SlotFactory(
        start=at(closed_year, 5, 10), end=at(closed_year, 5, 10) + dt.timedelta(minutes=15)
    )
    booking = Booking.objects.create(
        case=granted,
        slot=slot,
        status=BookingStatus.ATTENDED,
        cancel_key_hash="0" * 64,
        email=email,
        created_at=at(closed_year, 4, 20),
    )
    WaitingListEntry.objects.create(
        case=granted,
        service=slot.service,
        email=email,
        status=WaitingStatus.ASSIGNED,
        booking=booking,
    )
    Submission.objects.create(
        token=f"tok-{passport}",
        kind=ApplicationKind.UKRAINE,
        case=granted,
        email=email,
        language="uk",
    )
    reminder = Reminder.objects.create(
        person=person,
        case=granted,
        kind=ReminderKind.TITLE,
        expires_on=granted.granted_until,
        language="uk",
        emailed_to=email,
    )
    reminder.letter.save(f"reminder-{reminder.pk}.pdf", ContentFile(PDF + family.encode()))
    out.files.append(Path(settings.PRIVATE_MEDIA_ROOT) / reminder.letter.name)
    for text in (family, f"{family} {given}", granted.file_number, passport):
        SearchLog.objects.create(user=w["worker_a"], query=text, result_count=1, backend="default")
    if open_case:
        current = WorkflowCaseFactory(
            person=person,
            case_type=w["type_a"],
            checked=True,
            received_at=timezone.now() - dt.timedelta(days=20),
        )
        out.cases.append(current)
        out.markers.append(current.file_number)
        out.files.append(_upload(current, "contract"))
    return out


def build_world() -> World:
    dept_a = DepartmentFactory(code="aufenthalt", name="Aufenthalt/Anerkennung")
    dept_b = DepartmentFactory(code="asyl-eu", name="Asyl/EU")
    type_a = CaseTypeFactory(code="18b", department=dept_a, legal_basis="§ 18b AufenthG")
    type_24 = CaseTypeFactory(
        code="24", department=dept_b, legal_basis="§ 24 AufenthG", name="Vorübergehender Schutz"
    )
    amt1, amt2, amt3 = (office_admin(name) for name in ("amt1", "amt2", "amt3"))
    parts = {
        "type_a": type_a,
        "type_24": type_24,
        "worker_a": staff(dept_a),
        "worker_b": staff(dept_b),
        "supervisor_a": staff(dept_a, Role.SUPERVISOR),
    }
    rule = RetentionRule.objects.create(
        name="Alle Akten: 3 Jahre nach Abschluss",
        outcome=Outcome.ANY,
        trigger=Trigger.CASE_CLOSED,
        years=3,
        legal_basis="Aufbewahrungsplan",
        configured_by=amt1,
    )
    gone = trail(
        world_parts=parts,
        family="Zyxwvutsky",
        native="Зиксвутськa",
        given="Oleksandra",
        passport="ZX9876543",
        email="zyx@example.org",
        closed_year=2015,
    )
    keep = trail(
        world_parts=parts,
        family="Keepwellson",
        native="Кіпвеллсон",
        given="Maryna",
        passport="KW1234567",
        email="keep@example.org",
        closed_year=2015,
        open_case=True,
    )
    ordinance = operations_services.create_ordinance(
        user=amt1,
        case_type=type_24,
        cut_off_on=dt.date(2015, 12, 1),
        valid_until=dt.date(2016, 3, 4),
        reference="Fortgeltungsverordnung (Test)",
    )
    # Print files take their names when their transaction commits (casework.files).
    with TestCase.captureOnCommitCallbacks(execute=True):
        operations_services.start_continuation(ordinance=ordinance, user=amt1)
        operations_services.run_continuation(ordinance.pk)
    ordinance.refresh_from_db()
    for backend in get_search_backends().values():
        backend.rebuild()
    return World(
        dept_a=dept_a,
        dept_b=dept_b,
        type_a=type_a,
        type_24=type_24,
        rule=rule,
        amt1=amt1,
        amt2=amt2,
        amt3=amt3,
        worker_a=parts["worker_a"],
        worker_b=parts["worker_b"],
        supervisor_a=parts["supervisor_a"],
        gone=gone,
        keep=keep,
        ordinance=ordinance,
        extra={"parts": parts},
    )


@pytest.fixture
def world(db) -> World:
    return build_world()
