"""Test settings: fast hashing, mail kept in memory, tasks run immediately."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The demo office (`manage.py load_demo`) exists in development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("ABH_TEST_TASKS") != "database":  # worker processes started by tests
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("ABH_TEST_CACHE_DIR"):  # a worker sharing a browser test's cache
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["ABH_TEST_CACHE_DIR"],
        }
    }
# A test's own writes stay in its transaction: the outbox is written by the test's thread.
SEARCH_OUTBOX_THREAD = env_bool("SEARCH_OUTBOX_THREAD", False)  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
