"""Factories for appointments: services, counters, slots (released and in the future)."""

import datetime as dt

import factory
from django.utils import timezone

from appointments.constants import ServiceKind
from appointments.models import Counter, ReleaseRule, Service, Slot


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("kind",)

    kind = ServiceKind.BIOMETRICS
    name = factory.LazyAttribute(lambda o: str(ServiceKind(o.kind).label))
    duration_minutes = 15


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"counter-{n}")
    name = factory.Sequence(lambda n: f"Schalter {n + 1}")
    location = "Erdgeschoss"


class SlotFactory(factory.django.DjangoModelFactory):
    """A released slot starting ``days`` days ahead (default: tomorrow) at a distinct time."""

    class Meta:
        model = Slot

    counter = factory.SubFactory(CounterFactory)
    service = factory.SubFactory(ServiceFactory)
    start = factory.Sequence(
        lambda n: (
            timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=1, minutes=15 * n)
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=15))
    released_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class ReleaseRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseRule

    counter = factory.SubFactory(CounterFactory)
    service = factory.SubFactory(ServiceFactory)
    release_weekday = 0
    release_time = dt.time(7, 30)
    weeks_ahead = 2
    open_weekdays = "0,1,2,3,4"
    day_start = dt.time(8, 0)
    day_end = dt.time(12, 0)
