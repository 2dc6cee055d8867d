"""Factories for case data; ``CaseFactory(state=...)`` places a case in any state directly."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.constants import CaseCategory, CaseState, Channel, Role
from casework.models import Case, CaseType, Department, Membership, Person


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
        chancen = factory.Trait(
            code="104c",
            name="Chancen-Aufenthaltsrecht",
            legal_basis="§ 104c AufenthG",
            category=CaseCategory.HUMANITARIAN,
            requires_belehrung=True,
        )


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
    """A case; pass ``state=CaseState.X`` to start it in that state (bypasses the workflow)."""

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
        return case


#: The steps that bring a new case into each state, as the office takes them.
STATE_PATHS = {
    CaseState.RECEIVED: (),
    CaseState.DOCUMENTS_REQUESTED: ("request_documents",),
    CaseState.CHECKED: ("check",),
    CaseState.BIOMETRICS: ("check", "take_biometrics"),
    CaseState.PRODUCED: ("check", "take_biometrics", "order_card"),
    CaseState.PRODUCTION_FAILED: ("check", "take_biometrics", "order_card", "production_failed"),
    CaseState.HANDED_OVER: ("check", "take_biometrics", "order_card", "hand_over"),
    CaseState.REFUSED: ("refuse",),
    CaseState.WITHDRAWN: ("withdraw",),
    CaseState.FORWARDED: ("forward",),
}


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


def _step(case, name, caseworker, counter):
    """Do what the office does before a step (documents, fees, photo), then fire it."""
    from casework import services
    from casework.constants import PhotoSource

    today = timezone.localdate()
    user, data, note = caseworker, {}, ""
    if name == "check":
        for code in case.documents.filter(received=False).values_list("code", flat=True):
            services.mark_document_received(case=case, user=caseworker, code=code)
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
    elif name == "refuse":
        data = {"reason": "Lebensunterhalt nicht gesichert."}
    elif name == "forward":
        data = {"forwarded_to": "Landkreis Nachbarort"}
    elif name == "withdraw":
        note = "Antrag zurückgenommen."
    return services.fire_transition(case=case, user=user, transition=name, note=note, data=data)


class WorkflowCaseFactory(factory.Factory):
    """A case brought into its state through the services, as the office would: received by
    ``create_case``, then each step of :data:`STATE_PATHS` with what it needs (documents,
    fees, biometrics, card) and its history row; nothing writes the protected state field.

    ``WorkflowCaseFactory(checked=True)``, ``WorkflowCaseFactory(handed_over=True, case_type=…)``;
    the department's caseworker and a Service Point member are created if missing.
    """

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    case_type = factory.SubFactory(CaseTypeFactory)
    channel = Channel.POST
    state = CaseState.RECEIVED

    class Params:
        received = factory.Trait(state=CaseState.RECEIVED)
        documents_requested = factory.Trait(state=CaseState.DOCUMENTS_REQUESTED)
        checked = factory.Trait(state=CaseState.CHECKED)
        biometrics = factory.Trait(state=CaseState.BIOMETRICS)
        produced = factory.Trait(state=CaseState.PRODUCED)
        production_failed = factory.Trait(state=CaseState.PRODUCTION_FAILED)
        handed_over = factory.Trait(state=CaseState.HANDED_OVER)
        refused = factory.Trait(state=CaseState.REFUSED)
        withdrawn = factory.Trait(state=CaseState.WITHDRAWN)
        forwarded = factory.Trait(state=CaseState.FORWARDED)

    @classmethod
    def _create(cls, model_class, *, state, person, case_type, channel, **kwargs):
        from casework import services

        department = case_type.department
        caseworker = _staff(department, Role.CASEWORKER)
        counter = _staff(department, Role.SERVICE_POINT)
        case = services.create_case(
            person=person, case_type=case_type, channel=channel, user=caseworker, **kwargs
        )
        for name in STATE_PATHS[state]:
            case = _step(case, name, caseworker, counter)
        return case

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("WorkflowCaseFactory creates cases through the services only.")
