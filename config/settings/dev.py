"""Local development: DEBUG on, a fixed insecure key, SQLite unless DATABASE_URL is set."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env_bool

# The demo office (`manage.py load_demo`) exists in development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405, S105
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo office's sign-in page says how to get the demo accounts' one-time codes.
ABH_DEMO_SIGN_IN_HINT = True

# The web server and the background worker (`make run`) share one cache without Redis, so
# that a page the worker publishes on schedule replaces the server's cached copy at once.
if not os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
        }
    }
