"""Demo data of the privacy app: a retention schedule, a second office manager, old files.

The old files (closed years ago) make the daily job find something due, so a newcomer sees a
proposal under review: ``amtsleitung`` reviews and proposes it, ``amtsleitung2`` releases it.
Idempotent: rules are matched by case type and outcome, old files by their note.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from casework.constants import CaseState, Language
from casework.demo import (
    CASEWORK_STAFF_GROUP,
    OFFICE_ADMIN_GROUP,
    PASSWORD,
    closed_demo_case,
    grant_office_admins,
)
from casework.models import Case, CaseType, Person

from .constants import Outcome, Trigger
from .models import RetentionRule
from .services import propose_due_deletions

OLD_FILE_NOTE = "Demo-Altakte (Aufbewahrungsfrist abgelaufen)"

#: (case type code or None, outcome, trigger, years, offer to the archive, name, legal basis)
RULES = [
    (
        None,
        Outcome.WITHDRAWN,
        Trigger.CASE_CLOSED,
        2,
        False,
        "Zurückgenommene Anträge: 2 Jahre nach Abschluss",
        "Art. 5 Abs. 1 lit. e, Art. 17 Abs. 1 lit. a DSGVO; Aufbewahrungsplan Nr. 1",
    ),
    (
        None,
        Outcome.REFUSED,
        Trigger.CASE_CLOSED,
        10,
        True,
        "Ablehnungen: 10 Jahre nach Abschluss, dem Archiv anbieten",
        "§ 68 Abs. 2 Satz 2 AufenthV (entsprechend); Aufbewahrungsplan Nr. 2; "
        "Anbietung nach § 4 ArchivG NRW",
    ),
    (
        None,
        Outcome.HANDED_OVER,
        Trigger.TITLE_EXPIRED,
        10,
        False,
        "Erteilte Titel: 10 Jahre nach Ablauf des Titels",
        "§ 68 Abs. 2 Satz 2 AufenthV (entsprechend); Aufbewahrungsplan Nr. 3",
    ),
    (
        None,
        Outcome.FORWARDED,
        Trigger.PERSON_LEFT,
        10,
        False,
        "Fortzug: 10 Jahre nach Abgabe der Akte",
        "§ 67 Abs. 1 Nr. 2, § 68 Abs. 2 Satz 2 AufenthV",
    ),
]

#: Old files: (family, given, nationality, case type, outcome, received, closed).
OLD_FILES = [
    ("NGUYEN", "THI LAN", "VNM", "16b", CaseState.WITHDRAWN, (2019, 2, 11), (2019, 5, 3)),
    ("OKAFOR", "CHINEDU", "NGA", "16b", CaseState.REFUSED, (2012, 9, 3), (2013, 1, 15)),
    ("KARIMI", "FARID", "AFG", "18b", CaseState.FORWARDED, (2011, 10, 20), (2012, 6, 30)),
]


def _at(parts) -> dt.datetime:
    year, month, day = parts
    return dt.datetime(year, month, day, 10, 0, tzinfo=dt.UTC)


def _second_office_manager() -> None:
    user, created = get_user_model().objects.get_or_create(
        username="amtsleitung2",
        defaults={
            "first_name": "Stefan",
            "last_name": "Krüger",
            "email": "amtsleitung2@example.org",
            "is_staff": True,
            "password": make_password(PASSWORD),
        },
    )
    for name in (CASEWORK_STAFF_GROUP, OFFICE_ADMIN_GROUP):
        user.groups.add(Group.objects.get(name=name))


def _rules() -> int:
    created = 0
    for code, outcome, trigger, years, archive, name, basis in RULES:
        case_type = CaseType.objects.filter(code=code).first() if code else None
        if code and case_type is None:
            continue
        _rule, new = RetentionRule.objects.get_or_create(
            case_type=case_type,
            outcome=outcome,
            defaults={
                "name": name,
                "trigger": trigger,
                "years": years,
                "offer_to_archive": archive,
                "legal_basis": basis,
            },
        )
        created += new
    return created


def _old_files() -> int:
    if Case.objects.filter(notes=OLD_FILE_NOTE).exists():
        return 0
    for index, (family, given, nationality, code, outcome, received, closed) in enumerate(
        OLD_FILES
    ):
        person = Person(
            family_name=family,
            given_names=given,
            birth_date=dt.date(1980 + index, 3, 14),
            nationality=nationality,
            passport_number=f"X{index:08d}",
            street="Am Alten Markt 7",
            postal_code="40822",
            town="Mettmann",
            email=f"altakte{index}@example.org",
            preferred_language=Language.EN,
        )
        closed_demo_case(
            person=person,
            case_type_code=code,
            outcome=outcome,
            received_at=_at(received),
            closed_at=_at(closed),
            note=OLD_FILE_NOTE,
            seed=index,
        )
    return len(OLD_FILES)


def load(*, stdout, style) -> None:
    grant_office_admins(RetentionRule, ("view", "add", "change", "delete"))
    _second_office_manager()
    stdout.write(f"  retention rules created: {_rules()}")
    stdout.write(f"  old files (past their retention period) created: {_old_files()}")
    result = propose_due_deletions()
    stdout.write(f"  persons proposed for deletion: {result['proposed']}")
