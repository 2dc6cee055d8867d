"""Demo office: every demo account gets the same, published authenticator key.

A real office's test system keeps the second factor switched on (so it behaves like
production) and gives its test accounts a known key. The README shows the key; ``python
manage.py demo_otp_code`` prints the current code.
"""

import base64

from django.contrib.auth import get_user_model
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import TOTP_DEVICE_NAME

#: Published in the README: for the demo only, never in production.
DEMO_TOTP_SECRET = "ABHDEMOABHDEMOABHDEMOABHDEMOABHD"  # noqa: S105


def demo_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def load(*, stdout, style) -> None:
    key = demo_key_hex()
    enrolled = 0
    admin_access = Q(is_superuser=True) | Q(
        groups__permissions__codename="access_admin",
        groups__permissions__content_type__app_label="wagtailadmin",
    )
    for user in get_user_model().objects.filter(admin_access, is_active=True).distinct():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
            enrolled += 1
        elif device.key != key:
            continue  # someone set up their own app in the demo: keep it
    stdout.write(f"  authenticator key {DEMO_TOTP_SECRET} for {enrolled} new demo accounts")
