"""Issue an API token for a user; the key is printed once and never stored."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.auth import issue_token, max_token_days


class Command(BaseCommand):
    help = "Create a bearer token for the JSON API (prints the key once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label for the token.")
        parser.add_argument(
            "--days",
            type=int,
            default=30,
            help="Days until it expires (at most API_TOKEN_MAX_DAYS).",
        )

    def handle(self, *args, username, name, days, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user {username!r}.") from exc
        if not 1 <= days <= max_token_days():
            raise CommandError(f"--days must be between 1 and {max_token_days()}.")
        expires_at = timezone.now() + dt.timedelta(days=days)
        _token, key = issue_token(user=user, name=name, expires_at=expires_at)
        self.stdout.write(key)
