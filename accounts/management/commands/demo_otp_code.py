"""Print the current one-time code of the demo accounts (demo office only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from accounts.demo import DEMO_TOTP_SECRET, demo_key_hex


class Command(BaseCommand):
    help = "Print the current one-time code for the demo accounts (local demo only)."

    def handle(self, *args, **options):
        if (settings.SETTINGS_MODULE or "").endswith("production"):
            raise CommandError("Refusing to print demo codes with production settings.")
        key = bytes.fromhex(demo_key_hex())
        now = time.time()
        code = totp(key, step=30, t0=0, digits=6, drift=0)
        left = 30 - int(now) % 30
        self.stdout.write(f"{code:06d}")
        self.stderr.write(
            f"(demo key {DEMO_TOTP_SECRET}; valid for another {left} s, the next one is "
            f"{totp(key, step=30, t0=0, digits=6, drift=1):06d})"
        )
