"""Staff sign-in: the second factor (TOTP and recovery codes) and the security event log.

Passwords are checked by Django and throttled by django-axes (see the settings); this module
adds what comes after the password: setting up an authenticator app (TOTP, RFC 6238, through
django-otp), confirming a one-time code or a recovery code, and writing every such event.
"""

from __future__ import annotations

import base64
import logging

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.client_ip import client_ip

from .constants import EventKind
from .models import SecurityEvent

__all__ = [
    "RECOVERY_CODE_COUNT",
    "confirm_totp",
    "create_recovery_codes",
    "has_second_factor",
    "pending_totp_device",
    "record_event",
    "reset_second_factor",
    "totp_qr_svg",
    "totp_secret",
    "verify_second_factor",
]

logger = logging.getLogger("abh.security")

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def record_event(
    kind: str, *, request=None, user=None, username: str = "", detail: str = ""
) -> SecurityEvent:
    """Write one security event (and the same line to the ``abh.security`` logger)."""
    if user is not None and getattr(user, "is_authenticated", False):
        username = username or user.get_username()
    else:
        user = None
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        ip_address=ip if ip and ip != "0.0.0.0" else None,  # noqa: S104 - a value, not a bind
        user_agent=agent,
        detail=detail[:300],
    )
    logger.info("%s user=%s ip=%s %s", kind, event.username, ip or "-", detail)
    return event


# -- second factor ----------------------------------------------------------------------------


def has_second_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The authenticator being set up: kept until confirmed, so reloading the page shows the
    same QR code the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key in Base32 groups of four, for typing into an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code, drawn here (no request to anyone)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, title=str(TOTP_DEVICE_NAME))


@transaction.atomic
def confirm_totp(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; returns fresh recovery codes, or
    ``None`` if the code is wrong. The new app replaces any earlier one."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_digits(token)):
        record_event(EventKind.OTP_FAILED, request=request, user=user, detail="set-up")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(EventKind.TOTP_ENROLLED, request=request, user=user)
    _mark_verified(request, device)
    return create_recovery_codes(request=request, user=user)


@transaction.atomic
def create_recovery_codes(*, request, user) -> list[str]:
    """Ten single-use codes for when the phone is lost; earlier codes stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_event(EventKind.RECOVERY_CODES_CREATED, request=request, user=user)
    return codes


def verify_second_factor(*, request, token: str, recovery: bool = False) -> bool:
    """Check a one-time code (or, with ``recovery``, a recovery code) for the signed-in user
    and mark the session as verified. Wrong codes slow down (django-otp's throttling)."""
    user = request.user
    token = token.strip().replace(" ", "").lower() if recovery else _digits(token)
    model = StaticDevice if recovery else TOTPDevice
    verified = None
    if token:
        with transaction.atomic():
            for device in model.objects.filter(user=user, confirmed=True).select_for_update():
                if device.verify_token(token):
                    verified = device
                    break
    if verified is None:
        record_event(
            EventKind.OTP_FAILED, request=request, user=user, detail="recovery" if recovery else ""
        )
        return False
    _mark_verified(request, verified)
    kind = EventKind.RECOVERY_CODE_USED if recovery else EventKind.OTP_VERIFIED
    remaining = StaticToken.objects.filter(device__user=user).count() if recovery else None
    record_event(
        kind,
        request=request,
        user=user,
        detail="" if remaining is None else f"{remaining} recovery codes left",
    )
    return True


@transaction.atomic
def reset_second_factor(*, request, user) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone): at the next sign-in
    they set up a new one. For office management and technical administration."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(
        EventKind.SECOND_FACTOR_RESET,
        request=request,
        user=user,
        detail=f"by {request.user.get_username()}" if request is not None else "",
    )


def _mark_verified(request, device) -> None:
    # A new session key once the second factor is confirmed (the privileges changed).
    request.session.cycle_key()
    django_otp.login(request, device)


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:10]


def idle_timeout_seconds() -> int:
    return int(getattr(settings, "STAFF_IDLE_TIMEOUT_MINUTES", 30)) * 60
