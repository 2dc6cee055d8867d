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
