"""What happens at the counter besides transitions: fees, biometrics, the delivered card."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import CardOrderStatus, HistoryEvent, NoticeKind, PhotoSource
from ..effects import send_letter
from ..models import CardOrder, Case
from ._common import _locked, _notify, _record_event, _require_editable, _sync, _text

#: Taking the digital photo at the office's terminal costs 6 EUR.
ON_SITE_PHOTO_FEE_CENTS = 600


def record_fee_payment(*, case: Case, user, amount_cents: int, reduction_reason: str = "") -> Case:
    """Record a payment. A reduction (only on an SGB II / SGB XII notice) waives the rest."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise ValidationError({"amount_cents": _("Enter the amount in cents (0 or more).")})
    reduction_reason = _text(
        reduction_reason, field="reduction_reason", required=False, max_length=200
    )
    if amount_cents == 0 and not reduction_reason:
        raise ValidationError({"amount_cents": _("Enter the amount paid.")})
    with transaction.atomic():
        locked = _locked(case)
        fields = ["fee_paid_cents"] + (["fee_reduction_reason"] if reduction_reason else [])
        _require_editable(locked, user, *fields)
        open_cents = max(locked.fee_due_cents - locked.fee_paid_cents, 0)
        if amount_cents > open_cents:
            raise ValidationError(
                {
                    "amount_cents": _("Only %(amount)s EUR are still due.")
                    % {"amount": f"{open_cents / 100:.2f}"}
                }
            )
        locked.fee_paid_cents += amount_cents
        if reduction_reason:
            locked.fee_reduction_reason = reduction_reason
            locked.fee_due_cents = locked.fee_paid_cents
            fields.append("fee_due_cents")
        locked.save(update_fields=[*fields, "updated_at"])
        _notify(locked, "fee_paid")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def record_biometrics(
    *,
    case: Case,
    user,
    photo_source: str,
    photo_reference: str = "",
    fingerprints_exempt: bool = False,
) -> Case:
    """Photo, fingerprints (everyone aged 6 and over) and signature, taken at the counter."""
    if photo_source not in {PhotoSource.QR_CODE, PhotoSource.ON_SITE}:
        raise ValidationError({"photo_source": _("Select where the photo comes from.")})
    photo_reference = _text(
        photo_reference, field="photo_reference", required=False, max_length=200
    )
    if photo_source == PhotoSource.QR_CODE and not photo_reference:
        raise ValidationError(
            {"photo_reference": _("Enter the reference of the photographer's code.")}
        )
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "photo_source", "photo_reference", "fingerprints_exempt")
        today = timezone.localdate()
        birth = locked.person.birth_date
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if fingerprints_exempt and age >= 6:
            raise ValidationError(
                {"fingerprints_exempt": _("Fingerprints are taken from everyone aged 6 and over.")}
            )
        fields = [
            "photo_source",
            "photo_reference",
            "fingerprints_exempt",
            "signature_taken",
            "biometrics_taken_at",
        ]
        if photo_source == PhotoSource.ON_SITE and locked.photo_source != PhotoSource.ON_SITE:
            locked.fee_due_cents += ON_SITE_PHOTO_FEE_CENTS
            fields.append("fee_due_cents")
        locked.photo_source = photo_source
        locked.photo_reference = photo_reference
        locked.fingerprints_exempt = bool(fingerprints_exempt)
        locked.signature_taken = True
        locked.biometrics_taken_at = timezone.now()
        locked.save(update_fields=[*fields, "updated_at"])
        _notify(locked, "biometrics")
    _sync(case, locked, [*fields, "updated_at"])
    return case


def record_card_delivered(*, case: Case, user) -> CardOrder:
    """The Bundesdruckerei delivered the card of the open order to the office."""
    with transaction.atomic():
        locked = _locked(case)
        _require_editable(locked, user, "card_orders")
        order = (
            locked.card_orders.select_for_update()
            .filter(status=CardOrderStatus.ORDERED)
            .order_by("-ordered_at", "-id")
            .first()
        )
        if order is None:
            raise ValidationError(_("There is no open card order for this case."))
        order.status = CardOrderStatus.DELIVERED
        order.delivered_at = timezone.now()
        order.save(update_fields=["status", "delivered_at"])
        # The applicant hears that the card waits for collection (letter, history row).
        letter = send_letter(locked, user, order.delivered_at, kind=NoticeKind.CARD_READY)
        _record_event(
            locked,
            HistoryEvent.LETTER_SENT,
            change="card_delivered",
            at=order.delivered_at,
            by=user,
            comment=str(letter.get_kind_display()),
        )
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("card_orders", None)
        case._prefetched_objects_cache.pop("notices", None)
    return order
