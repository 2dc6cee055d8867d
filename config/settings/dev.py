"""Local development: DEBUG on, a fixed insecure key, SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405, S105
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo office's sign-in page says how to get the demo accounts' one-time codes.
ABH_DEMO_SIGN_IN_HINT = True
