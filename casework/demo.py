"""Demo office for casework: departments, case types, one login per role, persons and cases.

Called by :mod:`demo.loader` (``manage.py load_demo``). Idempotent: departments, case types,
groups and users are created or updated; the persons and cases are created once (skipped when
demo cases exist). Cases are moved through the services, so every case has a consistent
history; timestamps are then spread over the past months so that worklists and the overdue
list look like a real office's.
"""

import datetime as dt
import random
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import services
from .constants import (
    FINAL_STATES,
    OFFICE_ADMIN_GROUP,
    CaseCategory,
    CaseState,
    Channel,
    HistoryEvent,
    Language,
    NoticeKind,
    PhotoSource,
    RecordKind,
    Role,
)
from .exceptions import ConcurrentChange, TransitionNotAllowed
from .models import (
    CardOrder,
    Case,
    CaseDocument,
    CaseHistory,
    CaseType,
    Department,
    HandOver,
    Hearing,
    Membership,
    Notice,
    Participation,
    ParticipationKind,
    Person,
    RequiredDocument,
)
from .workflow import DEFAULT_WORKFLOW, add_years

__all__ = [
    "CASEWORK_STAFF_GROUP",
    "DEMO_NOTE",
    "FIKTION_CASES",
    "PASSWORD",
    "USERS",
    "load",
    "temporary_protection_end",
    "title_valid_until",
]

#: Marks the demo's cases (so a second run skips them).
DEMO_NOTE = "Demo-Datensatz"
PASSWORD = "demo"  # noqa: S105 (local demo logins, documented in README)
CASEWORK_STAFF_GROUP = "Casework staff"
PERSONS = 260
SEED = 20260301

#: Departments, case types, checklists and the office's people: ``demo_data/*.yaml``.
DATA = Path(__file__).resolve().parent / "demo_data"


def _read(name: str):
    with open(DATA / name, encoding="utf-8") as file:
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


_catalogue = _read("catalogue.yaml")
_office = _read("office.yaml")
_documents = _catalogue["documents"]

# code, name, handles cases
DEPARTMENTS = [(d["code"], d["name"], d["handles_cases"]) for d in _catalogue["departments"]]
# code, name, legal basis, category, department, title fee (cents), card fee (cents),
# requires Belehrung, max validity (years), documents [(code, name)]
CASE_TYPES = [
    (
        t["code"],
        t["name"]["de"],
        t["legal_basis"],
        CaseCategory(t["category"]),
        t["department"],
        t["fee_title_cents"],
        t["fee_card_cents"],
        t["requires_belehrung"],
        t["max_validity_years"],
        [(code, _documents[code]["de"]) for code in t["documents"]],
    )
    for t in _catalogue["case_types"]
]
# The names of case types (by code) and checklist documents (by code) for applicants:
# (English, Ukrainian, Russian). German is the ``name`` of CASE_TYPES and the documents.
CASE_TYPE_NAMES = {
    t["code"]: (t["name"]["en"], t["name"]["uk"], t["name"]["ru"]) for t in _catalogue["case_types"]
}
DOCUMENT_NAMES = {code: (d["en"], d["uk"], d["ru"]) for code, d in _documents.items()}
#: Case types whose validity the catalogue says explicitly (else: all but permanent titles).
CASE_TYPE_LIMITED = {
    t["code"]: t["limited_validity"] for t in _catalogue["case_types"] if "limited_validity" in t
}
#: The workflow each case type's cases follow (the eAT unless the catalogue names another).
CASE_TYPE_WORKFLOWS = {
    t["code"]: t.get("workflow", DEFAULT_WORKFLOW) for t in _catalogue["case_types"]
}


def _translated(names: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("name_en", "name_uk", "name_ru"), names, strict=True))


# username, first name, last name, [(department code, role)], groups, superuser
USERS = [
    (
        u["username"],
        u["first_name"],
        u["last_name"],
        [(m["department"], Role(m["role"])) for m in u["memberships"]],
        u["groups"],
        u["superuser"],
    )
    for u in _office["users"]
]
#: Family names, given names (passport spelling), native spelling; by nationality.
NAMES = {
    nationality: [(tuple(n["family"]), tuple(n["given"])) for n in names]
    for nationality, names in _office["names"].items()
}
#: Which nationalities typically apply for which case types (others: any).
PREFERRED = _office["preferred_nationalities"]
TOWNS = _office["towns"]
STREETS = _office["streets"]
PREFERRED_LANGUAGE = {nat: Language(code) for nat, code in _office["preferred_language"].items()}
#: The mix of states: roughly how an office's open and closed cases spread.
STATE_WEIGHTS = [(CaseState(state), weight) for state, weight in _office["state_weights"].items()]
#: How long ago cases in each state typically arrived (days).
AGE_DAYS = {CaseState(state): tuple(days) for state, days in _office["age_days"].items()}
#: Earlier documents of some persons in the register (case type code -> persons, documents).
REGISTER_HISTORIES = {
    str(h["case_type"]): (h["persons"], h["documents"]) for h in _office["register_histories"]
}
OTHER_OFFICES = _office["other_offices"]


def _ensure_groups() -> dict[str, Group]:
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {}
    for name in (CASEWORK_STAFF_GROUP, OFFICE_ADMIN_GROUP):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[name] = group
    # Office management keeps the catalogue (names in four languages, fees, checklists).
    grant_office_admins(CaseType, ("view", "change"))
    grant_office_admins(RequiredDocument, ("view", "add", "change", "delete"))
    grant_office_admins(ParticipationKind, ("view", "add", "change", "delete"))
    return groups


def grant_office_admins(model, actions: tuple[str, ...]) -> None:
    """Give the demo's office management group model permissions (for the admin snippets).

    Other apps' demo loaders use this for their own catalogues (letter templates, services).
    """
    from django.contrib.contenttypes.models import ContentType

    group, _created = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{content_type.model}" for action in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type=content_type, codename__in=codenames)
    )


def _ensure_catalogue() -> dict[str, CaseType]:
    departments = {}
    for code, name, handles in DEPARTMENTS:
        departments[code], _created = Department.objects.update_or_create(
            code=code, defaults={"name": name, "handles_cases": handles}
        )
    types = {}
    for (
        code,
        name,
        basis,
        category,
        dept,
        fee_title,
        fee_card,
        belehrung,
        years,
        documents,
    ) in CASE_TYPES:
        case_type, _created = CaseType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                **_translated(CASE_TYPE_NAMES[code]),
                "legal_basis": basis,
                "category": category,
                "department": departments[dept],
                "fee_title_cents": fee_title,
                "fee_card_cents": fee_card,
                "requires_belehrung": belehrung,
                "max_validity_years": years,
                "limited_validity": CASE_TYPE_LIMITED.get(code, category != CaseCategory.PERMANENT),
                "workflow": CASE_TYPE_WORKFLOWS[code],
            },
        )
        for order, (doc_code, doc_name) in enumerate(documents):
            RequiredDocument.objects.update_or_create(
                case_type=case_type,
                code=doc_code,
                defaults={
                    "name": doc_name,
                    **_translated(DOCUMENT_NAMES[doc_code]),
                    "sort_order": order,
                },
            )
        # Items the demo's checklist no longer has (e.g. § 24's former "valid passport").
        case_type.required_documents.exclude(code__in=[c for c, _name in documents]).delete()
        types[code] = case_type
    return types


def _ensure_participation_kinds(types: dict[str, CaseType]) -> None:
    """Which other authorities take part for which case types (office management keeps it)."""
    for item in _catalogue.get("participations", ()):
        kind, _created = ParticipationKind.objects.update_or_create(
            code=item["code"],
            defaults={
                "authority": item["authority"],
                "name": item["name"],
                "legal_basis": item["legal_basis"],
                "deemed_consent_days": item["deemed_consent_days"],
            },
        )
        kind.case_types.set([types[str(code)] for code in item["case_types"] if str(code) in types])


def _ensure_users(groups: dict[str, Group]) -> dict[str, object]:
    user_model = get_user_model()
    users = {}
    password_hash = make_password(PASSWORD)  # hashed once: the hasher is slow by design
    for username, first, last, memberships, group_names, superuser in USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@abh.example.org",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        for code, role in memberships:
            Membership.objects.get_or_create(
                user=user, department=Department.objects.get(code=code), role=role
            )
        for name in group_names:
            user.groups.add(groups[name])
        users[username] = user
    return users


def _person(rng: random.Random, index: int, nationality: str) -> Person:
    # Family and given names drawn separately: more people from a short list.
    (family, family_native), _given = rng.choice(NAMES[nationality])
    _family, (given, given_native) = rng.choice(NAMES[nationality])
    today = timezone.localdate()
    age = rng.randint(6, 68)
    birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    town = rng.choice(TOWNS)
    return Person(
        family_name=family,
        given_names=given,
        family_name_native=family_native if family_native != family.title() else "",
        given_names_native=given_native,
        birth_date=birth,
        birth_place="",
        nationality=nationality,
        passport_number=f"{nationality[:1]}{index:08d}",
        passport_valid_until=today + dt.timedelta(days=rng.randint(200, 3000)),
        street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        postal_code=f"40{rng.randint(100, 999)}",
        town=town,
        email=f"person{index}@example.org",
        preferred_language=PREFERRED_LANGUAGE.get(nationality, Language.EN),
    )


# --- moving a case to its target state through the services --------------------------------

GRANTED = ["check", "take_biometrics", "approve_grant", "issue_grant"]

PATHS = {
    CaseState.RECEIVED: [],
    CaseState.DOCUMENTS_REQUESTED: ["request_documents"],
    CaseState.CHECKED: ["check"],
    CaseState.BIOMETRICS: ["check", "take_biometrics"],
    # Four eyes on the grant: the check drafts the grant notice, the supervisor approves it,
    # the caseworker issues it before the card is ordered.
    CaseState.PRODUCED: [*GRANTED, "order_card"],
    CaseState.PRODUCTION_FAILED: [*GRANTED, "order_card", "production_failed"],
    CaseState.HANDED_OVER: [*GRANTED, "order_card", "hand_over"],
    CaseState.HEARING: ["intend_refusal"],
    CaseState.REFUSAL_DRAFTED: ["intend_refusal", "answer_hearing", "draft_refusal"],
    CaseState.REFUSED: [
        "intend_refusal",
        "answer_hearing",
        "draft_refusal",
        "approve_refusal",
        "refuse",
    ],
    CaseState.WITHDRAWN: ["withdraw"],
    CaseState.FORWARDED: ["forward"],
}


def temporary_protection_end(today: dt.date) -> dt.date:
    """The end of temporary protection (§ 24) the demo's titles are granted until: the next
    4 March at least a month ahead (4 March 2027 as the EU decided for 2026)."""
    end = dt.date(today.year, 3, 4)
    while end <= today + dt.timedelta(days=30):
        end = end.replace(year=end.year + 1)
    return end


def title_valid_until(case_type: CaseType, today: dt.date, rng: random.Random) -> dt.date | None:
    """The validity a caseworker enters when checking a demo case (none for permanent titles).

    § 24 titles run until the end of temporary protection, so that an ordinance continuing
    them (operations' demo enters one) finds them; others one to the maximum years ahead.
    """
    if not case_type.limited_validity:
        return None
    if case_type.code == "24":
        return temporary_protection_end(today)
    years = rng.randint(1, case_type.max_validity_years)
    return add_years(today, years) - dt.timedelta(days=rng.randint(0, 90))


def _prepare_and_fire(case, name, *, rng, caseworker, counter, today, validity_rng=None):
    """Do what the office does before a step (documents, fees, photo), then fire it."""
    user = caseworker
    data: dict = {}
    note = ""
    if name == "check":
        # The checklist is data entry, not a decision: ticked in one go for the demo.
        case.documents.filter(received=False).update(received=True, received_at=timezone.now())
        if case.case_type.code == "104c":
            data = {"checked_25a": True, "checked_25b": True}
        until = title_valid_until(case.case_type, today, validity_rng or rng)
        if until is not None:
            data["granted_until"] = until
        note = "Allgemeine Erteilungsvoraussetzungen (§ 5 AufenthG) geprüft."
        for participation in case.participations.filter(status="requested"):
            services.answer_participation(
                participation=participation,
                user=caseworker,
                answer="consent",
                text=f"Zustimmung erteilt, Az. {rng.randint(10**5, 10**6 - 1)}",
            )
    elif name == "request_documents":
        missing = list(case.documents.values_list("code", flat=True)[:2])
        data = {"due_on": today + dt.timedelta(days=rng.randint(7, 28)), "documents": missing}
        note = "Fehlende Unterlagen angefordert."
    elif name == "take_biometrics":
        user = counter
        qr = rng.random() < 0.6
        services.record_biometrics(
            case=case,
            user=counter,
            photo_source=PhotoSource.QR_CODE if qr else PhotoSource.ON_SITE,
            photo_reference=f"QR-{rng.randint(10**7, 10**8 - 1)}" if qr else "",
            fingerprints_exempt=case.person.birth_date > today - dt.timedelta(days=6 * 365),
        )
    elif name == "order_card":
        open_cents = case.fee_due_cents - case.fee_paid_cents
        if open_cents > 0:
            services.record_fee_payment(case=case, user=counter, amount_cents=open_cents)
    elif name == "production_failed":
        data = {"failure_reason": "Chip-Fehler bei der Personalisierung"}
    elif name == "hand_over":
        services.record_card_delivered(case=case, user=counter)
        user = counter
        person = case.person
        data = {
            "collected_by": f"{person.given_names.title()} {person.family_name.title()}",
            "collected_by_authorised": False,
            "belehrung_handed_over": case.case_type.requires_belehrung,
            "belehrung_language": person.preferred_language
            if case.case_type.requires_belehrung
            else "",
        }
    elif name == "intend_refusal":
        data = {
            "grounds": rng.choice(
                [
                    "Der Lebensunterhalt ist nicht gesichert (§ 5 Abs. 1 Nr. 1 AufenthG): "
                    "das nachgewiesene Einkommen deckt den Bedarf nicht.",
                    "Die Identität ist nicht geklärt; ein Pass wurde nicht vorgelegt.",
                    "Erforderliche Unterlagen wurden trotz Fristsetzung nicht eingereicht.",
                ]
            ),
            # An old file's hearing is dated back afterwards (``_backdate``); the guard wants
            # at least 14 days from the real today.
            "due_on": max(today, timezone.localdate()) + dt.timedelta(days=21),
        }
        note = "Anhörung vor Ablehnung (§ 28 VwVfG)."
    elif name == "answer_hearing":
        services.record_hearing_answer(
            case=case,
            user=caseworker,
            answer="Schriftliche Stellungnahme: keine neuen Nachweise.",
            via="letter",
        )
        return case
    elif name == "draft_refusal":
        data = {
            "reason": "Die Stellungnahme enthält keine neuen Tatsachen; die Voraussetzungen "
            "liegen weiterhin nicht vor."
        }
    elif name in ("approve_refusal", "approve_grant"):
        # Four eyes: the department's supervisor, or office management where the department
        # has none (the demo's naturalisation and integration departments).
        supervisor = (
            Membership.objects.filter(department=case.department, role=Role.SUPERVISOR)
            .select_related("user")
            .first()
        )
        approver = (
            supervisor.user
            if supervisor
            else get_user_model()
            .objects.filter(groups__name=OFFICE_ADMIN_GROUP, is_active=True)
            .order_by("pk")
            .first()
        )
        kind = "refusal" if name == "approve_refusal" else "grant"
        notice = case.notices.get(kind=kind, status="drafted")
        services.approve_notice(notice=notice, user=approver)
        return case
    elif name == "issue_grant":
        notice = case.notices.get(kind="grant", status="approved")
        services.issue_notice(notice=notice, user=caseworker)
        return case
    elif name == "forward":
        data = {"forwarded_to": rng.choice(OTHER_OFFICES)}
        note = "Umzug; Akte abgegeben."
    elif name == "withdraw":
        note = "Antrag schriftlich zurückgenommen."
    return services.fire_transition(case=case, user=user, transition=name, note=note, data=data)


def _backdate(case: Case, received_at: dt.datetime, rng: random.Random, now) -> None:
    """Spread a case's history between its receipt and now, and date what each step wrote
    (checklist, deadlines, biometrics, card order, hand-over) at that step's moment."""
    rows = list(case.history.order_by("id").values_list("id", "transition"))
    if len(rows) <= 1:
        return
    span = max((now - received_at).total_seconds(), 3600)
    moments = [received_at] + sorted(
        received_at + dt.timedelta(seconds=rng.uniform(0, span)) for _ in rows[1:]
    )
    CaseHistory.objects.bulk_update(
        [
            CaseHistory(pk=row_id, at=moment)
            for (row_id, _name), moment in zip(rows, moments, strict=True)
        ],
        ["at"],
    )
    Case.objects.filter(pk=case.pk).update(last_transition_at=moments[-1])
    documents = CaseDocument.objects.filter(case=case)
    refusal = Notice.objects.filter(case=case, kind=NoticeKind.REFUSAL)
    for (_row_id, name), moment in zip(rows, moments, strict=True):
        if name == "check":
            documents.filter(received=True).update(received_at=moment - dt.timedelta(hours=2))
        elif name == "request_documents":
            due = timezone.localdate(moment) + dt.timedelta(days=rng.randint(14, 28))
            documents.filter(received=False).update(requested_at=moment, due_on=due)
        elif name == "take_biometrics":
            Case.objects.filter(pk=case.pk).update(biometrics_taken_at=moment)
        elif name in ("order_card", "reorder"):
            CardOrder.objects.filter(case=case).update(
                ordered_at=moment,
                expected_on=timezone.localdate(moment) + dt.timedelta(weeks=6),
            )
        elif name == "intend_refusal":
            Hearing.objects.filter(case=case).update(
                requested_at=moment, due_on=timezone.localdate(moment) + dt.timedelta(days=21)
            )
            Notice.objects.filter(case=case, kind=NoticeKind.HEARING).update(
                drafted_at=moment, approved_at=moment, issued_at=moment
            )
        elif name == HistoryEvent.HEARING_ANSWER:
            Hearing.objects.filter(case=case).update(answered_at=moment)
        elif name == "draft_refusal":
            refusal.update(drafted_at=moment)
        elif name == HistoryEvent.NOTICE_APPROVED:
            refusal.update(approved_at=moment)
        elif name == "refuse":
            refusal.filter(issued_at__isnull=False).update(issued_at=moment)
        elif name == HistoryEvent.PARTICIPATION_REQUESTED:
            for participation in Participation.objects.filter(case=case, answered_at=None):
                days = participation.kind.deemed_consent_days
                Participation.objects.filter(pk=participation.pk).update(
                    requested_at=moment,
                    deemed_on=None
                    if days is None
                    else timezone.localdate(moment) + dt.timedelta(days=days),
                )
        elif name == HistoryEvent.PARTICIPATION_CONSENTED:
            for participation in Participation.objects.filter(case=case, status="consented"):
                days = participation.kind.deemed_consent_days
                Participation.objects.filter(pk=participation.pk).update(
                    requested_at=received_at,
                    answered_at=moment,
                    deemed_on=None
                    if days is None
                    else timezone.localdate(received_at) + dt.timedelta(days=days),
                )
        elif name == "hand_over":
            HandOver.objects.filter(case=case).update(handed_over_at=moment)
            CardOrder.objects.filter(case=case, delivered_at__isnull=False).update(
                delivered_at=moment - dt.timedelta(days=2)
            )


def closed_demo_case(
    *,
    person: Person,
    case_type_code: str,
    outcome: str,
    received_at: dt.datetime,
    closed_at: dt.datetime,
    note: str = DEMO_NOTE,
    seed: int = SEED,
) -> Case:
    """A case that ended long ago, for other apps' demos (e.g. files due under retention).

    Created and moved to ``outcome`` (refused, withdrawn, forwarded) through the services by
    the department's demo caseworker, then dated back: its history lies between
    ``received_at`` and ``closed_at``.
    """
    rng = random.Random(seed)
    case_type = CaseType.objects.get(code=case_type_code)
    caseworker = (
        Membership.objects.filter(department=case_type.department, role=Role.CASEWORKER)
        .select_related("user")
        .order_by("user__username")
        .first()
        .user
    )
    counter = get_user_model().objects.get(username="servicepoint")
    if person.pk is None:
        person.save()
    case = services.create_case(
        person=person,
        case_type=case_type,
        channel=Channel.POST,
        received_at=received_at,
        user=caseworker,
        notes=note,
        assigned_to=caseworker,
    )
    for name in PATHS[outcome]:
        case = _prepare_and_fire(
            case,
            name,
            rng=rng,
            caseworker=caseworker,
            counter=counter,
            today=timezone.localdate(closed_at),
        )
    _backdate(case, received_at, rng, closed_at)
    return case


def _register_history(person, case_type, caseworker, received_at, histories) -> None:
    """The person's earlier documents (``register_histories`` in ``office.yaml``), entered
    through the register's service before their case arrives, while the case type still
    has persons to give them (``histories``: how many are left per case type code)."""
    if histories.get(case_type.code, 0) <= 0:
        return
    histories[case_type.code] -= 1
    received_on = timezone.localdate(received_at)
    for document in REGISTER_HISTORIES[case_type.code][1]:
        services.record_residence(
            person=person,
            user=caseworker,
            department=case_type.department,
            kind=document["kind"],
            legal_basis=document.get("legal_basis", ""),
            title=document.get("title", ""),
            valid_from=received_on + dt.timedelta(days=document["from"]),
            valid_until=received_on + dt.timedelta(days=document["until"]),
            card_number=document.get("card_number", ""),
            employment_permitted=document.get("employment_permitted"),
            conditions=document.get("conditions", ""),
            comment=document.get("comment", ""),
        )


def _create_cases(types, users, stdout, style) -> int:
    rng = random.Random(SEED)
    # Validity dates from a generator of their own: the rest of the demo stays as it was.
    validity_rng = random.Random(SEED + 1)
    now = timezone.now()
    today = timezone.localdate()
    caseworkers = {
        "aufenthalt": users["sachbearbeitung"],
        "asyl-eu": users["sachbearbeitung2"],
        "einbuergerung": users["einbuergerung"],
        "integration": users["integration"],
    }
    counter = users["servicepoint"]
    nationalities = list(NAMES)
    # The random mix is of eAT cases; the other procedures get a few cases of their own below.
    type_codes = [code for code in types if CASE_TYPE_WORKFLOWS[code] == DEFAULT_WORKFLOW]
    states = [s for s, _w in STATE_WEIGHTS]
    weights = [w for _s, w in STATE_WEIGHTS]

    # Every department and every state appears at least once; the rest is weighted.
    # One case type per department, rotated over the states: ten cases cover both.
    covering = ("18b", "24", "9", "25b")
    plan = [(covering[i % len(covering)], state) for i, state in enumerate(states)]
    while len(plan) < PERSONS:
        plan.append((rng.choice(type_codes), rng.choices(states, weights)[0]))
    # Cases further along arrived earlier; file numbers follow the order of receipt.
    received = [
        now - dt.timedelta(days=rng.randint(*AGE_DAYS[state]), minutes=rng.randint(0, 600))
        for _code, state in plan
    ]
    ordered = sorted(zip(received, plan, strict=True), key=lambda item: item[0])

    failures = 0
    histories = {code: persons for code, (persons, _docs) in REGISTER_HISTORIES.items()}
    for index, (received_at, (code, target)) in enumerate(ordered, start=1):
        case_type = types[code]
        pool = PREFERRED.get(code, nationalities)
        person = _person(rng, index, rng.choice(pool))
        person.save()
        channel = rng.choice(list(Channel))
        is_extension = code not in ("24",) and rng.random() < 0.4
        title_expires_on = None
        if is_extension:
            title_expires_on = timezone.localdate(received_at) + dt.timedelta(
                days=rng.randint(-20, 120)
            )
        caseworker = caseworkers[case_type.department.code]
        if not is_extension:
            _register_history(person, case_type, caseworker, received_at, histories)
        channel_town = rng.choice(TOWNS) if channel == Channel.BUERGERBUERO else ""
        assigned = rng.random() < 0.85
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=channel,
            received_at=received_at,
            # Online applications arrive without anyone in the office (as in real life).
            user=None if channel == Channel.ONLINE else caseworker,
            channel_town=channel_town,
            is_extension=is_extension,
            current_title=case_type.legal_basis if is_extension else "",
            title_expires_on=title_expires_on,
            notes=DEMO_NOTE,
            assigned_to=caseworker if assigned else None,
        )
        try:
            for name in PATHS[target]:
                case = _prepare_and_fire(
                    case,
                    name,
                    rng=rng,
                    caseworker=caseworker,
                    counter=counter,
                    today=today,
                    validity_rng=validity_rng,
                )
        except (TransitionNotAllowed, ConcurrentChange, ValidationError) as exc:
            failures += 1
            stdout.write(style.WARNING(f"  {case.file_number}: stopped before {target}: {exc}"))
        _backdate(case, received_at, rng, now)
    failures += _create_naturalisation_cases(
        types, caseworkers["einbuergerung"], now, today, stdout, style
    )
    failures += _create_duldung_cases(
        types, caseworkers["asyl-eu"], counter, now, today, stdout, style
    )
    failures += _create_fiktion_cases(types, caseworkers["aufenthalt"], now, stdout, style)
    if failures:
        stdout.write(style.WARNING(f"  {failures} case(s) did not reach their planned state."))
    # The background worker's part: consents whose deadline passed while the case waited.
    deemed = services.deem_due_participations(today=today)
    stdout.write(f"  casework: {deemed} consent(s) of other authorities deemed given.")
    return len(plan)


#: Duldung cases of the demo (§ 60a): target state, days since receipt, ground.
DULDUNG_CASES = [
    (CaseState.RECEIVED, 3, ""),
    (CaseState.RECEIVED, 9, ""),
    (CaseState.DOCUMENTS_REQUESTED, 20, ""),
    (CaseState.CERTIFICATE_TO_PRINT, 12, "60a2_1"),
    (CaseState.CERTIFICATE_PRINTED, 15, "60b"),
    (CaseState.CERTIFICATE_PRINTED, 18, "60c"),
    (CaseState.HANDED_OVER, 60, "60a2_1"),
    (CaseState.HEARING, 40, ""),
]
DULDUNG_PATHS = {
    CaseState.RECEIVED: [],
    CaseState.DOCUMENTS_REQUESTED: ["request_documents"],
    CaseState.CERTIFICATE_TO_PRINT: ["check"],
    CaseState.CERTIFICATE_PRINTED: ["check", "print_certificate"],
    CaseState.HANDED_OVER: ["check", "print_certificate", "hand_over"],
    CaseState.HEARING: ["intend_refusal"],
}


#: Earlier Duldungen of the demo's Duldung extensions (offset: years tolerated, a minor child
#: in the household): the target group page and the case file's hint find the § 25b candidates.
DULDUNG_HISTORIES = {1: (7, False), 3: (4, True), 5: (3, False)}
#: Persons the register knows without a case here (Duldungen of an earlier office, years
#: tolerated and a minor child): two § 25b candidates, one too short, one short with a child.
REGISTER_ONLY_TOLERATED = [(9, False), (6, False), (5, True), (2, False), (3, True)]


def _tolerated_history(person, department, caseworker, years, until, rng) -> None:
    """Duldungen of about six months each, one after the other, from ``years`` years ago
    (and a few weeks more) until ``until``, entered through the register's service."""
    from .target_groups import years_before

    start = years_before(timezone.localdate(), years) - dt.timedelta(days=rng.randint(0, 60))
    while True:
        end = start + dt.timedelta(days=181)
        if end >= until - dt.timedelta(days=30):
            end = until
        services.record_residence(
            person=person,
            user=caseworker,
            department=department,
            kind=RecordKind.DULDUNG,
            legal_basis="§ 60a Abs. 2 Satz 1 AufenthG",
            title="Duldung",
            valid_from=start,
            valid_until=end,
            comment=DEMO_NOTE,
        )
        if end == until:
            return
        start = end + dt.timedelta(days=1)


def _household_child(person, caseworker, rng, index) -> None:
    child = _person(rng, index, person.nationality)
    child.family_name = person.family_name
    child.birth_date = timezone.localdate() - dt.timedelta(days=7 * 365 + rng.randint(0, 900))
    child.email = ""
    child.save()
    services.record_household_child(person=person, child=child, user=caseworker)


def _create_register_only_tolerated(case_type, caseworker, rng) -> None:
    """Persons of the register without a case (e.g. imported): the target group finds them."""
    pool = PREFERRED.get("104c", list(NAMES))
    today = timezone.localdate()
    for offset, (years, child) in enumerate(REGISTER_ONLY_TOLERATED):
        person = _person(rng, PERSONS + 200 + offset, rng.choice(pool))
        person.birth_date = min(person.birth_date, today - dt.timedelta(days=25 * 365))
        person.save()
        until = today + dt.timedelta(days=rng.randint(20, 150))
        _tolerated_history(person, case_type.department, caseworker, years, until, rng)
        if child:
            _household_child(person, caseworker, rng, PERSONS + 250 + offset)


def _create_duldung_cases(types, caseworker, counter, now, today, stdout, style) -> int:
    """A few Duldung cases (issue or extension) in several states, drawn from a generator of
    their own so that the eAT cases of the demo stay as they were."""
    case_type = types.get("60a")
    if case_type is None:
        return 0
    rng = random.Random(SEED + 2)
    # The register's earlier Duldungen from a generator of their own (the cases stay as they were).
    history = random.Random(SEED + 3)
    _create_register_only_tolerated(case_type, caseworker, history)
    pool = PREFERRED.get("104c", list(NAMES))
    failures = 0
    for offset, (target, days, ground) in enumerate(DULDUNG_CASES):
        received_at = now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
        person = _person(rng, PERSONS + 1 + offset, rng.choice(pool))
        if ground == "60b":  # identity not clarified: no passport on file
            person.passport_number, person.passport_valid_until = "", None
        person.save()
        extension = offset % 2 == 1
        expires = timezone.localdate(received_at) + dt.timedelta(days=10)
        if offset in DULDUNG_HISTORIES:
            # Filed a month and a half before the Duldung runs out, after years of them.
            years, child = DULDUNG_HISTORIES[offset]
            expires = timezone.localdate(received_at) + dt.timedelta(days=45)
            person.birth_date = min(person.birth_date, today - dt.timedelta(days=25 * 365))
            person.save()
            _tolerated_history(person, case_type.department, caseworker, years, expires, history)
            if child:
                _household_child(person, caseworker, history, PERSONS + 300 + offset)
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=Channel.COUNTER,
            received_at=received_at,
            user=caseworker,
            is_extension=extension,
            current_title="Duldung (§ 60a AufenthG)" if extension else "",
            title_expires_on=expires if extension else None,
            notes=DEMO_NOTE,
            assigned_to=caseworker,
        )
        try:
            for name in DULDUNG_PATHS[target]:
                data, note, user = {}, "", caseworker
                if name == "check":
                    case.documents.filter(received=False).update(
                        received=True, received_at=timezone.now()
                    )
                    months = 12 if ground == "60c" else 3
                    data = {
                        "duldung_ground": ground,
                        "granted_until": today + dt.timedelta(days=30 * months),
                    }
                    note = "Identität und Abschiebungshindernis geprüft."
                elif name == "print_certificate":
                    note = "Bescheinigung über die Aussetzung der Abschiebung gedruckt."
                elif name == "hand_over":
                    user = counter
                    data = {
                        "collected_by": f"{person.given_names.title()} {person.family_name.title()}"
                    }
                elif name == "request_documents":
                    data = {"due_on": today + dt.timedelta(days=14)}
                    note = "Nachweis der Identität angefordert."
                elif name == "intend_refusal":
                    data = {
                        "grounds": "Die Abschiebung ist möglich; ein Abschiebungshindernis wurde "
                        "nicht glaubhaft gemacht.",
                        "due_on": today + dt.timedelta(days=21),
                    }
                    note = "Anhörung vor Ablehnung (§ 28 VwVfG)."
                case = services.fire_transition(
                    case=case, user=user, transition=name, note=note, data=data
                )
        except (TransitionNotAllowed, ConcurrentChange, ValidationError) as exc:
            failures += 1
            stdout.write(style.WARNING(f"  {case.file_number}: stopped before {target}: {exc}"))
        _backdate(case, received_at, rng, now)
    return failures


#: The demo's § 18b extensions and the Fiktionsbescheinigung (§ 81 (4), (5) AufenthG): label,
#: days since receipt, days until the old title expires (negative: expired), certificate
#: issued. Filed in time with the certificate issued (its record in the register), filed in
#: time with the certificate offered but not issued yet, filed too late (the case file says
#: why there is none).
FIKTION_CASES = [
    ("issued", 40, -10, True),
    ("offered", 15, 20, False),
    ("late", 10, -30, False),
]
#: Persons of these cases: ``person<FIKTION_PERSONS + offset>@example.org``.
FIKTION_PERSONS = 400


def _create_fiktion_cases(types, caseworker, now, stdout, style) -> int:
    """Three § 18b extensions (:data:`FIKTION_CASES`), each holder's old title entered in the
    register first (employment as a skilled worker), from a generator of their own."""
    case_type = types.get("18b")
    if case_type is None:
        return 0
    rng = random.Random(SEED + 4)
    failures = 0
    for offset, (_label, days, expires_in, issue) in enumerate(FIKTION_CASES):
        received_at = now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
        expires = timezone.localdate(now) + dt.timedelta(days=expires_in)
        person = _person(rng, PERSONS + FIKTION_PERSONS + offset, rng.choice(list(NAMES)))
        person.birth_date = min(person.birth_date, expires - dt.timedelta(days=30 * 365))
        person.save()
        services.record_residence(
            person=person,
            user=caseworker,
            department=case_type.department,
            kind=RecordKind.TITLE,
            legal_basis=case_type.legal_basis,
            title=f"Aufenthaltserlaubnis ({case_type.name})",
            valid_from=add_years(expires, -2) + dt.timedelta(days=1),
            valid_until=expires,
            card_number=f"Y{rng.randint(10**7, 10**8 - 1)}",
            employment_permitted=True,
            conditions="Beschäftigung nur als Fachkraft bei dem im Antrag genannten Arbeitgeber.",
            comment=DEMO_NOTE,
        )
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=Channel.POST,
            received_at=received_at,
            user=caseworker,
            is_extension=True,
            current_title=f"Aufenthaltserlaubnis {case_type.legal_basis}",
            title_expires_on=expires,
            notes=DEMO_NOTE,
            assigned_to=caseworker,
        )
        if not issue:
            continue
        try:
            services.issue_fiktion_certificate(case=case, user=caseworker)
        except ValidationError as exc:
            failures += 1
            stdout.write(style.WARNING(f"  {case.file_number}: no Fiktionsbescheinigung: {exc}"))
    return failures


#: Naturalisation cases of the demo (StAG § 10): target state, days since receipt.
NATURALISATION_CASES = [
    (CaseState.RECEIVED, 5),
    (CaseState.DOCUMENTS_REQUESTED, 30),
    (CaseState.DOCUMENTS_COMPLETE, 45),
    (CaseState.CERTIFICATES_RECORDED, 70),
    (CaseState.REQUIREMENTS_MET, 120),
    (CaseState.ASSURANCE_GIVEN, 200),
    (CaseState.HANDED_OVER, 240),
]
NATURALISATION_PATHS = {
    CaseState.RECEIVED: [],
    CaseState.DOCUMENTS_REQUESTED: ["request_documents"],
    CaseState.DOCUMENTS_COMPLETE: ["complete_documents"],
    CaseState.CERTIFICATES_RECORDED: ["complete_documents", "record_certificates"],
    CaseState.REQUIREMENTS_MET: ["complete_documents", "record_certificates", "check"],
    CaseState.ASSURANCE_GIVEN: [
        "complete_documents",
        "record_certificates",
        "check",
        "give_assurance",
    ],
    CaseState.HANDED_OVER: ["complete_documents", "record_certificates", "check", "hand_over"],
}


def _create_naturalisation_cases(types, caseworker, now, today, stdout, style) -> int:
    """A few naturalisation cases in several states (a generator of their own, as above)."""
    case_type = types.get("stag10")
    if case_type is None:
        return 0
    rng = random.Random(SEED + 3)
    failures = 0
    for offset, (target, days) in enumerate(NATURALISATION_CASES):
        received_at = now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
        person = _person(rng, PERSONS + 100 + offset, rng.choice(list(NAMES)))
        person.save()
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=Channel.POST,
            received_at=received_at,
            user=caseworker,
            notes=DEMO_NOTE,
            assigned_to=caseworker,
        )
        try:
            for name in NATURALISATION_PATHS[target]:
                data, note = {}, ""
                if name == "complete_documents":
                    case.documents.filter(received=False).update(
                        received=True, received_at=timezone.now()
                    )
                    note = "Unterlagen vollständig."
                elif name == "request_documents":
                    data = {"due_on": today + dt.timedelta(days=28)}
                    note = "Rentenversicherungsverlauf und Einkommensnachweise angefordert."
                elif name == "record_certificates":
                    data = {
                        "language_certificate": rng.choice(["B1", "B1", "B2", "C1"]),
                        "citizenship_test_passed_on": today
                        - dt.timedelta(days=rng.randint(30, 300)),
                    }
                elif name == "check":
                    note = "Voraussetzungen nach § 10 StAG erfüllt; Regelanfrage ohne Erkenntnisse."
                elif name == "give_assurance":
                    data = {"assurance_valid_until": add_years(today, 2) - dt.timedelta(days=1)}
                    note = "Der Herkunftsstaat verlangt die Entlassung aus der Staatsangehörigkeit."
                elif name == "hand_over":
                    name_shown = f"{person.given_names.title()} {person.family_name.title()}"
                    data = {"collected_by": name_shown, "declaration_signed": True}
                    note = "Urkunde in der Einbürgerungsfeier ausgehändigt."
                case = services.fire_transition(
                    case=case, user=caseworker, transition=name, note=note, data=data
                )
        except (TransitionNotAllowed, ConcurrentChange, ValidationError) as exc:
            failures += 1
            stdout.write(style.WARNING(f"  {case.file_number}: stopped before {target}: {exc}"))
        _backdate(case, received_at, rng, now)
    return failures


def load(*, stdout, style) -> None:
    with transaction.atomic():
        groups = _ensure_groups()
        types = _ensure_catalogue()
        _ensure_participation_kinds(types)
        users = _ensure_users(groups)
    if Case.objects.filter(notes=DEMO_NOTE).exists():
        stdout.write("  casework: demo cases exist, skipped.")
        return
    with transaction.atomic():
        count = _create_cases(types, users, stdout, style)
    open_count = Case.objects.exclude(state__in=FINAL_STATES).count()
    stdout.write(f"  casework: {count} cases created ({open_count} open).")
