"""Counters, services, release rules, slots, bookings and the waiting list.

The rules that must hold even when application code is bypassed live in the database:
one live booking per slot, one active booking per case, one slot per counter and start.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import LocalizedNameMixin, localized_name_fields

from .constants import BookingStatus, ServiceKind, WaitingStatus, Weekday


class Service(LocalizedNameMixin, models.Model):
    """A kind of appointment the office offers, e.g. biometrics or hand-over of the card."""

    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en, name_uk, name_ru = localized_name_fields()
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=15, validators=[MinValueValidator(5)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("appointment service")
        verbose_name_plural = _("appointment services")

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """A desk (Schalter) where appointments take place."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    services = models.ManyToManyField(Service, related_name="counters", verbose_name=_("services"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return self.name


class ReleaseRule(models.Model):
    """When the office releases slots, and which ones.

    A release on ``release_weekday`` at ``release_time`` (office wall-clock time) opens the
    slots of the calendar week that starts ``weeks_ahead`` weeks after the release week.
    """

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="release_rules")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="release_rules")
    release_weekday = models.PositiveSmallIntegerField(
        _("release weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    release_time = models.TimeField(_("release time (Europe/Berlin)"))
    weeks_ahead = models.PositiveSmallIntegerField(
        _("weeks ahead"), default=2, validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    open_weekdays = models.CharField(
        _("opening days"),
        max_length=20,
        default="0,1,2,3,4",
        help_text=_("Weekdays with slots, 0 = Monday … 6 = Sunday, comma-separated."),
    )
    follow_opening_hours = models.BooleanField(
        _("follow the office's opening hours"),
        default=True,
        help_text=_(
            "Slots lie within the opening hours of the office settings on the days above, "
            "including afternoons. Turn this off to use the times below instead."
        ),
    )
    day_start = models.TimeField(
        _("first slot starts"),
        help_text=_("Used when the rule does not follow the opening hours, or none are set."),
    )
    day_end = models.TimeField(_("last slot ends"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["counter", "service"]
        verbose_name = _("release rule")
        verbose_name_plural = _("release rules")

    def __str__(self) -> str:
        return f"{self.counter} – {self.service}"

    @property
    def weekdays(self) -> list[int]:
        return sorted({int(part) for part in self.open_weekdays.split(",") if part.strip()})

    def windows(self, opening_hours: dict) -> dict[int, list[tuple[dt.time, dt.time]]]:
        """The periods with slots per weekday (0 = Monday).

        ``opening_hours`` are the office's (weekday → periods). Following them, a weekday of
        the rule without opening hours gets no slots; an office without any opening hours
        falls back to the rule's own times.
        """
        if self.follow_opening_hours and opening_hours:
            return {day: list(opening_hours.get(day, [])) for day in self.weekdays}
        return {day: [(self.day_start, self.day_end)] for day in self.weekdays}

    def clean(self):
        try:
            days = self.weekdays
        except ValueError:
            days = [-1]
        if not days or any(day < 0 or day > 6 for day in days):
            raise ValidationError(
                {"open_weekdays": _("Give weekdays as numbers from 0 (Monday) to 6 (Sunday).")}
            )
        if self.day_start and self.day_end and self.day_start >= self.day_end:
            raise ValidationError({"day_end": _("The day must end after it starts.")})


class Slot(models.Model):
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="slots")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    released_at = models.DateTimeField(
        _("bookable from"), default=timezone.now, help_text=_("Hidden from applicants before.")
    )

    class Meta:
        ordering = ["start", "counter"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "start"], name="unique_slot_counter_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_end_after"),
        ]
        indexes = [models.Index(fields=["service", "start"])]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self) -> str:
        return f"{self.counter} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"


#: Statuses that occupy the slot. A no-show keeps its slot: nothing is freed retroactively.
SLOT_TAKEN = ~Q(status=BookingStatus.CANCELLED)
#: The booking a case may hold at most once.
CASE_ACTIVE = Q(status=BookingStatus.BOOKED)


class Booking(models.Model):
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="appointment_bookings"
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    #: SHA-256 of the cancellation key; the key itself is shown once and never stored.
    cancel_key_hash = models.CharField(max_length=64, editable=False)
    email = models.EmailField(_("e-mail for notices"), blank=True)
    from_waiting_list = models.BooleanField(_("assigned from the waiting list"), default=False)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    marked_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["slot__start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=SLOT_TAKEN, name="unique_live_booking_per_slot"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=CASE_ACTIVE, name="unique_active_booking_per_case"
            ),
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.case} @ {self.slot}"


class WaitingListEntry(models.Model):
    """A case waiting for a freed slot; freed slots go to who runs out of time first."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="appointment_waiting"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waiting")
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=12, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waiting_entry"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=Q(status=WaitingStatus.WAITING),
                name="unique_waiting_per_case_service",
            )
        ]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")

    def __str__(self) -> str:
        return f"{self.case} ({self.service})"
