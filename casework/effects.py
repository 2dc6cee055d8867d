"""The database effects of the case workflow's transitions (``Transition.writes``).

:mod:`casework.workflow` names these by path next to each transition; the workflow resolves
and checks the paths when the application starts (:meth:`workflows.Workflow.resolve`).
:func:`casework.services.fire_transition` runs the transition's effect after the state change
is saved, in the same transaction, with ``(case, user, inputs, now)``; nothing else calls them.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import CardOrderStatus
from .models import CardOrder, Case, HandOver

__all__ = [
    "CARD_PRODUCTION_TIME",
    "hand_over",
    "new_card_order",
    "production_failed",
    "request_documents",
]

#: The Bundesdruckerei takes about four to six weeks.
CARD_PRODUCTION_TIME = dt.timedelta(weeks=6)


def request_documents(case: Case, user, data: Mapping[str, Any], now) -> None:
    codes = data.get("documents") or []
    documents = case.documents.all()
    if codes:
        unknown = set(codes) - set(documents.values_list("code", flat=True))
        if unknown:
            raise ValidationError(
                {
                    "documents": _("Not on this case's checklist: %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )
        documents = documents.filter(code__in=codes)
        documents.update(received=False, received_at=None)
    else:
        documents = documents.filter(received=False)
    documents.update(requested_at=now, due_on=data["due_on"])


def new_card_order(case: Case, user, data: Mapping[str, Any], now) -> None:
    number = case.card_orders.count() + 1
    CardOrder.objects.create(
        case=case,
        order_number=f"{case.file_number}-K{number}",
        ordered_at=now,
        expected_on=timezone.localdate(now) + CARD_PRODUCTION_TIME,
    )


def production_failed(case: Case, user, data: Mapping[str, Any], now) -> None:
    case.card_orders.filter(status=CardOrderStatus.ORDERED).update(
        status=CardOrderStatus.FAILED, failure_reason=data.get("failure_reason", "")[:200]
    )


def hand_over(case: Case, user, data: Mapping[str, Any], now) -> None:
    HandOver.objects.create(
        case=case,
        collected_by=data["collected_by"],
        collected_by_authorised=bool(data.get("collected_by_authorised")),
        belehrung_handed_over=bool(data.get("belehrung_handed_over")),
        belehrung_language=data.get("belehrung_language") or "",
        handed_over_at=now,
        handed_over_by=user,
    )
