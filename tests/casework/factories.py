"""Factories for case data.

Tests build cases with :class:`WorkflowCaseFactory` (``WorkflowCaseFactory(checked=True)``):
it takes every step through the casework services, so history, effects and the change signal
are those of the real system. :class:`CaseFactory` writes a case row directly; use it only
where a test needs a state the services cannot produce (a corrupt index, history at fixed past
dates, bulk rows for a search benchmark) and say why in a ``# low-level: …`` comment on the
line of the call (``tests/test_factory_guard.py`` checks this).
"""

import datetime as dt
from collections import deque

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.constants import CaseCategory, CaseState, Channel, Role
from casework.models import Case, CaseType, Department, Membership, ParticipationKind, Person
from casework.workflow import CASE_WORKFLOWS, DEFAULT_WORKFLOW


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("demo")
    is_staff = True


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Role.CASEWORKER

    @factory.post_generation
    def casework_staff(self, create, extracted, **kwargs):
        """Department members are in "Casework staff" (admin access), as in a real office;
        ``MembershipFactory(casework_staff=False)`` for a member whose access was taken away."""
        if not create or extracted is False:
            return
        from django.contrib.auth.models import Group, Permission

        group, _created = Group.objects.get_or_create(name="Casework staff")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        self.user.groups.add(group)


class CaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"type-{n}")
    name = "Aufenthaltserlaubnis zur Beschäftigung"
    legal_basis = "§ 18b AufenthG"
    category = CaseCategory.EMPLOYMENT
    department = factory.SubFactory(DepartmentFactory)
    fee_title_cents = 10000

    class Params:
        #: Temporary protection (§ 24 AufenthG), the titles a continuation ordinance extends.
        section_24 = factory.Trait(
            code="24",
            name="Vorübergehender Schutz",
            legal_basis="§ 24 AufenthG",
            category=CaseCategory.HUMANITARIAN,
        )
        chancen = factory.Trait(
            code="104c",
            name="Chancen-Aufenthaltsrecht",
            legal_basis="§ 104c AufenthG",
            category=CaseCategory.HUMANITARIAN,
            requires_belehrung=True,
        )
        #: Duldung issue or extension (§ 60a AufenthG): its own workflow, no fees, no card.
        duldung = factory.Trait(
            code="60a",
            name="Duldung (Aussetzung der Abschiebung)",
            legal_basis="§ 60a AufenthG",
            category=CaseCategory.HUMANITARIAN,
            workflow="duldung",
            fee_title_cents=0,
            fee_card_cents=0,
        )
        #: Naturalisation (StAG § 10): its own workflow, the certificate, no card.
        naturalisation = factory.Trait(
            code="stag10",
            name="Einbürgerung",
            legal_basis="§ 10 StAG",
            category=CaseCategory.OTHER,
            workflow="naturalisation",
            fee_title_cents=25500,
            fee_card_cents=0,
            limited_validity=False,
        )


class ParticipationKindFactory(factory.django.DjangoModelFactory):
    """Another authority that takes part, by default the Federal Employment Agency's consent
    (deemed given after 14 days); ``case_types=[…]`` says for which case types."""

    class Meta:
        model = ParticipationKind
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "ba-39"
    authority = "Bundesagentur für Arbeit"
    name = "Zustimmung zur Beschäftigung"
    legal_basis = "§ 39 AufenthG"
    deemed_consent_days = 14

    class Params:
        security = factory.Trait(
            code="sicherheit-73",
            authority="Sicherheitsbehörden",
            name="Sicherheitsbefragung",
            legal_basis="§ 73 AufenthG",
            deemed_consent_days=None,
        )

    @factory.post_generation
    def case_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.case_types.add(*extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = factory.Faker("last_name")
    given_names = factory.Faker("first_name")
    birth_date = factory.Faker("date_of_birth", minimum_age=6, maximum_age=80)
    nationality = "UKR"
    passport_number = factory.Sequence(lambda n: f"FA{n:07d}")
    passport_valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=3 * 365)
    )


def valid_until(days: int = 365) -> dt.date:
    """A plausible validity date of a new title (required when checking most case types)."""
    return timezone.localdate() + dt.timedelta(days=days)


#: States a case reaches only through "check" (the validity date is entered there).
CHECKED_OR_LATER = frozenset(
    {
        CaseState.CHECKED,
        CaseState.BIOMETRICS,
        CaseState.PRODUCED,
        CaseState.PRODUCTION_FAILED,
        CaseState.HANDED_OVER,
    }
)


class CaseFactory(factory.django.DjangoModelFactory):
    """A raw case row; ``state=CaseState.X`` writes the protected field (bypasses the workflow,
    its history and effects, and the change signal). Low-level only: see the module docstring."""

    class Meta:
        model = Case

    file_number = factory.Sequence(lambda n: f"ABH-2026-{n + 1:06d}")
    person = factory.SubFactory(PersonFactory)
    case_type = factory.SubFactory(CaseTypeFactory)
    department = factory.LazyAttribute(lambda o: o.case_type.department)
    channel = Channel.ONLINE
    received_at = factory.LazyFunction(timezone.now)
    fee_due_cents = factory.LazyAttribute(
        lambda o: o.case_type.fee_title_cents + o.case_type.fee_card_cents
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        state = kwargs.pop("state", CaseState.RECEIVED)
        case = model_class(*args, **kwargs)
        # The state field is protected: set it through the instance dict for fixtures.
        case.__dict__["state"] = state
        case.save()
        # Like a case from before the register: the register takes its data over (the old
        # title it extends, the title it handed over), as the data migration did.
        from casework.services.register import take_over_case_data

        take_over_case_data([case.pk])
        return case


#: Steps the office takes before a transition that are no transitions themselves (services
#: of their own): the applicant's answer to the hearing, the second person's approval, the
#: grant notice approved by a supervisor and issued before the card is ordered (four eyes).
STEPS_BEFORE = {
    "draft_refusal": ("answer_hearing",),
    "refuse": ("approve_refusal",),
    "order_card": ("approve_grant", "issue_grant"),
}


def _paths(workflow) -> dict[str, tuple[str, ...]]:
    """The steps that bring a new case into each state of ``workflow``, as the office takes
    them: the fewest transitions from the initial state, in the order they are declared (a
    procedure's own main line before the shared side paths)."""
    paths: dict[str, tuple[str, ...]] = {workflow.initial: ()}
    queue = deque([workflow.initial])
    while queue:
        state = queue.popleft()
        for transition in workflow.transitions.values():
            if state in transition.sources and transition.target not in paths:
                before = STEPS_BEFORE.get(transition.name, ())
                paths[transition.target] = (*paths[state], *before, transition.name)
                queue.append(transition.target)
    return paths


#: Per workflow key: state -> the steps into it, derived from each workflow's declaration.
WORKFLOW_PATHS = {key: _paths(workflow) for key, workflow in CASE_WORKFLOWS.items()}
#: The eAT's.
STATE_PATHS = WORKFLOW_PATHS[DEFAULT_WORKFLOW]


def state_path(case_type, state) -> tuple[str, ...]:
    """The steps that bring a new case of ``case_type`` into ``state``."""
    return WORKFLOW_PATHS[case_type.workflow][state]


def _staff(department, role):
    from casework.models import Membership

    membership = (
        Membership.objects.filter(department=department, role=role).select_related("user").first()
    )
    if membership is not None:
        return membership.user
    if role == Role.SERVICE_POINT:
        counter_dept = DepartmentFactory(
            code="service-point", name="Service Point", handles_cases=False
        )
        membership = Membership.objects.filter(department=counter_dept, role=role).first()
        if membership is not None:
            return membership.user
        return MembershipFactory(department=counter_dept, role=role).user
    return MembershipFactory(department=department, role=role).user


def _step(case, name, caseworker, counter, inputs=None):
    """Do what the office does before a step (documents, fees, photo), then fire it."""
    from casework import services
    from casework.constants import PhotoSource

    today = timezone.localdate()
    user, data, note = caseworker, {}, ""
    duldung = case.workflow_key == "duldung"
    naturalisation = case.workflow_key == "naturalisation"
    if naturalisation and name in ("complete_documents", "check"):
        for code in case.documents.filter(received=False).values_list("code", flat=True):
            services.mark_document_received(case=case, user=caseworker, code=code)
    elif name == "record_certificates":
        data = {"language_certificate": "B1", "citizenship_test_passed_on": today}
    elif name == "give_assurance":
        data = {"assurance_valid_until": today + dt.timedelta(days=365)}
    elif name == "hand_over" and naturalisation:
        data = {
            "collected_by": case.person.family_name,
            "declaration_signed": True,
            "release_proven": case.renunciation_required,
        }
    elif name == "check" and duldung:
        for code in case.documents.filter(received=False).values_list("code", flat=True):
            services.mark_document_received(case=case, user=caseworker, code=code)
        data = {"duldung_ground": "60a2_1", "granted_until": today + dt.timedelta(days=90)}
    elif name == "hand_over" and duldung:
        user = counter
        data = {"collected_by": case.person.family_name}
    elif name == "check":
        for code in case.documents.filter(received=False).values_list("code", flat=True):
            services.mark_document_received(case=case, user=caseworker, code=code)
        # Other authorities the case type needs (none unless a test configures them) consent.
        for participation in case.participations.filter(status="requested"):
            services.answer_participation(
                participation=participation, user=caseworker, answer="consent"
            )
        if case.case_type.limited_validity:
            data["granted_until"] = valid_until()
        if case.case_type.code == "104c":
            data.update(checked_25a=True, checked_25b=True)
    elif name == "request_documents":
        data = {"due_on": today + dt.timedelta(days=14)}
    elif name == "take_biometrics":
        user = counter
        services.record_biometrics(case=case, user=counter, photo_source=PhotoSource.ON_SITE)
    elif name == "order_card":
        open_cents = case.fee_due_cents - case.fee_paid_cents
        if open_cents > 0:
            services.record_fee_payment(case=case, user=counter, amount_cents=open_cents)
    elif name == "production_failed":
        data = {"failure_reason": "Chip"}
    elif name == "hand_over":
        services.record_card_delivered(case=case, user=counter)
        user = counter
        data = {
            "collected_by": case.person.family_name,
            "belehrung_handed_over": case.case_type.requires_belehrung,
            "belehrung_language": "de" if case.case_type.requires_belehrung else "",
        }
    elif name == "intend_refusal":
        data = {
            "grounds": "Der Lebensunterhalt ist nicht gesichert.",
            "due_on": today + dt.timedelta(days=14),
        }
    elif name == "answer_hearing":
        # Not a transition: the applicant's answer, recorded by the caseworker.
        services.record_hearing_answer(
            case=case, user=caseworker, answer="Ich suche Arbeit.", via="letter"
        )
        return case
    elif name == "draft_refusal":
        data = {"reason": "Lebensunterhalt nicht gesichert."}
    elif name == "approve_refusal":
        # Four eyes: the department's supervisor approves the caseworker's draft.
        supervisor = _staff(case.department, Role.SUPERVISOR)
        notice = case.notices.get(kind="refusal", status="drafted")
        services.approve_notice(notice=notice, user=supervisor)
        return case
    elif name == "approve_grant":
        # Not a transition: the supervisor approves the grant notice the check drafted.
        supervisor = _staff(case.department, Role.SUPERVISOR)
        notice = case.notices.get(kind="grant", status="drafted")
        services.approve_notice(notice=notice, user=supervisor)
        return case
    elif name == "issue_grant":
        notice = case.notices.get(kind="grant", status="approved")
        services.issue_notice(notice=notice, user=caseworker)
        return case
    elif name == "forward":
        data = {"forwarded_to": "Landkreis Nachbarort"}
    elif name == "withdraw":
        note = "Antrag zurückgenommen."
    for key, value in (inputs or {}).items():
        if STEP_INPUTS[key] == name:
            data[{"refusal_reason": "reason"}.get(key, key)] = value
    return services.fire_transition(case=case, user=user, transition=name, note=note, data=data)


#: Keywords :func:`casework.services.create_case` takes (besides person, type and channel).
CREATE_KWARGS = frozenset(
    {
        "received_at",
        "channel_town",
        "is_extension",
        "current_title",
        "title_expires_on",
        "notes",
        "assigned_to",
        "filed_with",
        "family_relation",
        "photo_source",
        "photo_reference",
    }
)

#: Inputs of the steps on the way (``WorkflowCaseFactory(checked=True, granted_until=…)``).
STEP_INPUTS = {
    "granted_until": "check",
    "checked_25a": "check",
    "checked_25b": "check",
    "refusal_reason": "draft_refusal",
    "forwarded_to": "forward",
    "failure_reason": "production_failed",
    "due_on": "request_documents",
}


def advance(case, *steps):
    """Take further steps on a case of :class:`WorkflowCaseFactory` as the office would
    (``advance(case, "take_biometrics")``), each through the services."""
    caseworker = _staff(case.department, Role.CASEWORKER)
    counter = _staff(case.department, Role.SERVICE_POINT)
    for name in steps:
        case = _step(case, name, caseworker, counter)
    return case


class WorkflowCaseFactory(factory.Factory):
    """A case brought into its state through the services, as the office would: received by
    ``create_case``, then each step of :data:`STATE_PATHS` with what it needs (documents,
    fees, biometrics, card) and its history row; nothing writes the protected state field.

    ``WorkflowCaseFactory(checked=True)``, ``WorkflowCaseFactory(handed_over=True, case_type=…)``;
    the department's caseworker and a Service Point member are created if missing.

    - ``online=True``: filed through the online service (channel online, no staff user);
    - ``section_24=True``: a § 24 case type (temporary protection);
    - ``granted_until=…``: the validity date entered at the check (default: a year ahead
      for types of limited validity), ``refusal_reason``, ``forwarded_to`` likewise;
    - ``documents=[(code, name), (code, name, received), …]``: checklist items of the case
      type (added to it if missing); received ones are marked so by the caseworker;
    - ``card_delivered=True`` with ``produced=True``: the card has arrived at the office;
    - ``booked=slot``: the applicant booked that appointment slot (``appointments``' service);
    - ``at=datetime``: everything happens then (time travel): received, each step and its
      history row, e.g. a title granted in 2024 that an ordinance continues in 2025;
    - ``serial=262``: the file number's running number in the year of receipt (the office's
      counter continues there, as after a migration), e.g. ``ABH-2026-000262``;
    - everything else ``create_case`` takes (``received_at``, ``assigned_to``, ``filed_with`` …).
    """

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    case_type = factory.SubFactory(CaseTypeFactory)
    channel = Channel.POST
    state = CaseState.RECEIVED
    documents = ()
    card_delivered = False
    booked = None
    serial = None
    at = None

    class Params:
        received = factory.Trait(state=CaseState.RECEIVED)
        documents_requested = factory.Trait(state=CaseState.DOCUMENTS_REQUESTED)
        checked = factory.Trait(state=CaseState.CHECKED)
        biometrics = factory.Trait(state=CaseState.BIOMETRICS)
        produced = factory.Trait(state=CaseState.PRODUCED)
        production_failed = factory.Trait(state=CaseState.PRODUCTION_FAILED)
        handed_over = factory.Trait(state=CaseState.HANDED_OVER)
        hearing = factory.Trait(state=CaseState.HEARING)
        refusal_drafted = factory.Trait(state=CaseState.REFUSAL_DRAFTED)
        refused = factory.Trait(state=CaseState.REFUSED)
        withdrawn = factory.Trait(state=CaseState.WITHDRAWN)
        forwarded = factory.Trait(state=CaseState.FORWARDED)
        certificate_to_print = factory.Trait(state=CaseState.CERTIFICATE_TO_PRINT)
        certificate_printed = factory.Trait(state=CaseState.CERTIFICATE_PRINTED)
        documents_complete = factory.Trait(state=CaseState.DOCUMENTS_COMPLETE)
        certificates_recorded = factory.Trait(state=CaseState.CERTIFICATES_RECORDED)
        requirements_met = factory.Trait(state=CaseState.REQUIREMENTS_MET)
        assurance_given = factory.Trait(state=CaseState.ASSURANCE_GIVEN)
        online = factory.Trait(channel=Channel.ONLINE)
        section_24 = factory.Trait(case_type=factory.SubFactory(CaseTypeFactory, section_24=True))
        duldung = factory.Trait(case_type=factory.SubFactory(CaseTypeFactory, duldung=True))
        naturalisation = factory.Trait(
            case_type=factory.SubFactory(CaseTypeFactory, naturalisation=True)
        )

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        state,
        person,
        case_type,
        channel,
        documents,
        card_delivered,
        booked,
        serial,
        at,
        **kwargs,
    ):
        if at is not None:
            import time_machine

            if not isinstance(at, dt.datetime):
                at = dt.datetime.combine(at, dt.time(12), tzinfo=dt.UTC)
            with time_machine.travel(at, tick=False):
                return cls._create(
                    model_class,
                    state=state,
                    person=person,
                    case_type=case_type,
                    channel=channel,
                    documents=documents,
                    card_delivered=card_delivered,
                    booked=booked,
                    serial=serial,
                    at=None,
                    **kwargs,
                )
        from casework import services
        from casework.models import RequiredDocument

        inputs = {name: kwargs.pop(name) for name in list(kwargs) if name in STEP_INPUTS}
        path = state_path(case_type, state)
        skipped = {name for name in inputs if STEP_INPUTS[name] not in path}
        if skipped:
            raise TypeError(
                f"{sorted(skipped)} are entered at steps a {state} case has not taken: "
                "choose a later state (e.g. checked=True for granted_until)."
            )
        unknown = set(kwargs) - CREATE_KWARGS
        if unknown:
            raise TypeError(
                f"WorkflowCaseFactory takes no {sorted(unknown)}: a case gets them through "
                "the services (see the docstring)."
            )
        department = case_type.department
        caseworker = _staff(department, Role.CASEWORKER)
        counter = _staff(department, Role.SERVICE_POINT)
        items = [(item[0], item[1], bool(item[2:] and item[2])) for item in documents]
        for code, name, _received in items:
            RequiredDocument.objects.get_or_create(
                case_type=case_type, code=code, defaults={"name": name}
            )
        if serial is not None:
            from casework.models import FileNumberSequence

            received = kwargs.get("received_at") or timezone.now()
            FileNumberSequence.objects.update_or_create(
                year=timezone.localdate(received).year, defaults={"last": serial - 1}
            )
        online = channel == Channel.ONLINE
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=channel,
            user=None if online else caseworker,
            **kwargs,
        )
        if serial is not None and not case.file_number.endswith(f"-{serial:06d}"):
            raise ValueError(f"{case.file_number}: serial {serial} is taken in that year.")
        for code, _name, received in items:
            if received:
                services.mark_document_received(case=case, user=caseworker, code=code)
        for name in path:
            case = _step(case, name, caseworker, counter, inputs)
        if card_delivered:
            services.record_card_delivered(case=case, user=counter)
        if booked is not None:
            from appointments.services import book_slot

            book_slot(case=case, slot=booked, email="applicant@example.org")
        case.refresh_from_db()
        case.person, case.case_type = person, case_type  # read already, as callers expect
        return case

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("WorkflowCaseFactory creates cases through the services only.")
