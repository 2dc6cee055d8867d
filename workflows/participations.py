"""Participations of other authorities: a small lifecycle that runs beside an object's workflow.

Before some decisions another authority must take part: it consents or refuses, and for some
its silence counts as consent once a period has passed (the Federal Employment Agency's
consent is deemed given two weeks after the request, § 36 (2) BeschV). Each participation is
an object with its own declared lifecycle (:func:`participation_workflow`):

    requested ── consent ──▶ consented
              ── refuse ───▶ refused
              ── deem ─────▶ deemed consent   (only the system, from its deadline on)
              ── cancel ───▶ cancelled        (no longer needed)

The main workflow declares where participations begin (``Transition.opens_participations``
or ``State.opens_participations``: a step that opens them, or every entry into a state) and
stops its decision with :func:`participations_settled` until each is answered or deemed.

Nothing here knows what the objects are. A participation needs ``status``, ``authority``
(the name shown), ``requested_at`` (a datetime), ``deemed_on`` (a date or ``None``: no
deemed consent) and ``answered_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .engine import Guard, Input, Permission, State, Transition, Workflow

__all__ = [
    "ParticipationStatus",
    "deadline_reached",
    "describe_open",
    "is_system",
    "open_participations",
    "participation_workflow",
    "participations_settled",
]


class ParticipationStatus(models.TextChoices):
    REQUESTED = "requested", gettext_lazy("Requested")
    CONSENTED = "consented", gettext_lazy("Consent given")
    REFUSED = "refused", gettext_lazy("Consent refused")
    DEEMED = "deemed", gettext_lazy("Consent deemed given")
    CANCELLED = "cancelled", gettext_lazy("Cancelled (no longer needed)")


#: The outcomes a decision may build on.
SETTLED = frozenset({ParticipationStatus.CONSENTED, ParticipationStatus.DEEMED})


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d.%m.")


def is_system(user: Any, obj: Any) -> bool:
    """The permission of steps only the system takes (a background job): no user."""
    return user is None


def deadline_reached(participation: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
    """Silence counts as consent only where the law says so, and only from the deadline on."""
    if participation.deemed_on is None:
        return [_("%(authority)s: silence is no consent here") % _names(participation)]
    if timezone.localdate() < participation.deemed_on:
        return [
            _("%(authority)s: consent is deemed given only on %(deemed)s") % _names(participation)
        ]
    return []


def _names(participation: Any) -> dict[str, str]:
    return {
        "authority": str(participation.authority),
        "requested": _day(participation.requested_at),
        "deemed": _day(participation.deemed_on),
        "answered": _day(participation.answered_at),
    }


def describe_open(participation: Any) -> str:
    """``"Bundesagentur für Arbeit: requested 03.12., deemed consent on 17.12."``"""
    if participation.deemed_on is not None:
        return _("%(authority)s: requested %(requested)s, deemed consent on %(deemed)s") % _names(
            participation
        )
    return _("%(authority)s: requested %(requested)s, no answer yet") % _names(participation)


def open_participations(participations: Iterable[Any]) -> list[Any]:
    return [p for p in participations if p.status == ParticipationStatus.REQUESTED]


def participations_settled(
    related: str | Callable[[Any], Iterable[Any]] = "participations",
) -> Guard:
    """A guard for the decision: every participation answered with consent or deemed given.

    ``related`` names the object's related manager (read with ``.all()``, so a prefetch
    serves it) or is ``fn(obj) -> participations``.
    """

    def participations(obj: Any) -> list[Any]:
        if callable(related):
            return list(related(obj))
        return list(getattr(obj, related).all())

    def guard(obj: Any, user: Any, data: Mapping[str, Any] | None) -> list[str]:
        reasons = []
        for p in participations(obj):
            if p.status == ParticipationStatus.REQUESTED:
                reasons.append(describe_open(p))
            elif p.status == ParticipationStatus.REFUSED:
                reasons.append(_("%(authority)s refused consent on %(answered)s") % _names(p))
        return reasons

    guard.__name__ = "participations_settled"
    guard.__doc__ = "Every participation of other authorities is answered or deemed given."
    return guard


def participation_workflow(
    *,
    answer: Permission,
    roles: Callable[[Any, Any], set[str]] | str | None = None,
    name: str = "participation",
    title: str | Any = None,
) -> Workflow:
    """The lifecycle of one participation; ``answer`` says who records answers (roles or a
    predicate), the deemed consent is the system's (:func:`is_system`)."""
    status = ParticipationStatus
    return Workflow(
        name=name,
        title=title or gettext_lazy("Participation of another authority"),
        states=[
            State(status.REQUESTED, gettext_lazy("Requested")),
            State(status.CONSENTED, gettext_lazy("Consent given"), final=True),
            State(status.REFUSED, gettext_lazy("Consent refused"), final=True),
            State(status.DEEMED, gettext_lazy("Consent deemed given"), final=True),
            State(status.CANCELLED, gettext_lazy("Cancelled (no longer needed)"), final=True),
        ],
        transitions=[
            Transition(
                name="consent",
                title=gettext_lazy("Record consent"),
                sources=(status.REQUESTED,),
                target=status.CONSENTED,
                permission=answer,
                inputs=(
                    Input("answer", gettext_lazy("Answer (reference, conditions)"), required=False),
                ),
            ),
            Transition(
                name="refuse",
                title=gettext_lazy("Record refusal"),
                sources=(status.REQUESTED,),
                target=status.REFUSED,
                permission=answer,
                inputs=(Input("answer", gettext_lazy("Reasons given by the authority")),),
            ),
            Transition(
                name="deem",
                title=gettext_lazy("Consent deemed given (deadline passed)"),
                sources=(status.REQUESTED,),
                target=status.DEEMED,
                permission=is_system,
                guards=(deadline_reached,),
            ),
            Transition(
                name="cancel",
                title=gettext_lazy("Cancel the request"),
                sources=(status.REQUESTED,),
                target=status.CANCELLED,
                permission=answer,
                inputs=(Input("answer", gettext_lazy("Why it is no longer needed")),),
            ),
        ],
        initial=status.REQUESTED,
        roles=roles,
        state_attr="status",
    )
