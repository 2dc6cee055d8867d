"""Settings shared by every environment; values come from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # project apps
    "cms",
    "workflows",
    "casework",
    "search",
    "operations",
    "applications",
    "appointments",
    "privacy",
    "register_import",
    # before django_tasks_db: its db_worker command (leases on tasks) replaces the library's
    "background",
    "accounts",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # third party
    "ninja",  # serves the API docs' Swagger UI from our static files (no CDN)
    "guardian",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Django's form templates for config.forms.PublicFormRenderer (TemplatesSetting).
    "django.forms",
]

MIDDLEWARE = [
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    # The booking API's "none free" once every service is sold out, before all that follows.
    "appointments.middleware.SoldOutMiddleware",
    "config.middleware.RejectControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, reading the device with the account and its profile (one query).
    "accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Reads the policy before Wagtail asks its permission questions (see the module).
    "casework.middleware.PolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a lock-out into its answer page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo runs the web server and the background worker side by side:
    # write-ahead logging lets them read while the other writes, IMMEDIATE transactions wait
    # for the write lock up front (with a timeout) instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before the password is even checked.
    "accounts.backends.LockoutBackend",
    # Django's ModelBackend, reading the account with its Wagtail profile (one query).
    "accounts.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Content-Security-Policy on every response (django-csp): nothing from other hosts, no inline
# script or style on our pages. The Wagtail admin initialises some of its widgets (date
# pickers, inline panels) with inline scripts and sets inline styles; Swagger UI sets inline
# styles: only there are these allowed. A response that sets its own policy (document
# downloads: "default-src 'none'; sandbox") keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
ABH_CSP_RELAXED_PATHS = {
    "/admin/": {
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
    },
    "/api/v1/docs": {"style-src": ["'self'", "'unsafe-inline'"]},
}

# Staff sign-in (BSI IT-Grundschutz ORP.4): django-axes locks an account name after
# AXES_FAILURE_LIMIT wrong passwords for AXES_COOLOFF_TIME (per account name, wherever the
# attempts come from, so a whole office behind one proxy address is not locked at once);
# every back-office account confirms a TOTP code (django-otp) after the password; a session
# without activity ends after STAFF_IDLE_TIMEOUT_MINUTES and any session after
# SESSION_COOKIE_AGE. Every event goes to accounts.SecurityEvent and the abh.security logger.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that locking without the address can be dodged by rotating user agents or
# cookies; our lock is per account name, which rotating neither changes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # accounts.SecurityEvent is the one sign-in log
AXES_VERBOSE = False
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Ausländerbehörde")
#: API tokens expire after at most this many days.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "90"))
STAFF_IDLE_TIMEOUT_MINUTES = int(os.environ.get("STAFF_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(10 * 60 * 60)))

# Internationalisation: German is the default; the public site is also in English,
# Ukrainian and Russian.
LANGUAGE_CODE = "de"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = True
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded case documents live outside the web root and are served only through views
# that check the object permission.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
APPLICATION_UPLOAD_MAX_BYTES = int(os.environ.get("APPLICATION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "abh",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# E-mail
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "auslaenderbehoerde@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs (django-tasks with its database backend)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker renews its lease on the running task every TASKS_HEARTBEAT_SECONDS; a task whose
# worker was silent for TASKS_LEASE_SECONDS is queued again (at most TASKS_MAX_ATTEMPTS
# times). A task that lost the database is retried after TASKS_RETRY_SECONDS (doubling).
TASKS_LEASE_SECONDS = float(os.environ.get("TASKS_LEASE_SECONDS", "60"))
TASKS_HEARTBEAT_SECONDS = float(os.environ.get("TASKS_HEARTBEAT_SECONDS", "10"))
TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", "5"))
TASKS_RETRY_SECONDS = float(os.environ.get("TASKS_RETRY_SECONDS", "5"))

# Scheduled publishing (cms.scheduling): the background worker looks for pages to put live
# or take offline every CMS_PUBLISH_SCHEDULED_INTERVAL seconds.
CMS_PUBLISH_SCHEDULED_INTERVAL = int(os.environ.get("CMS_PUBLISH_SCHEDULED_INTERVAL", "60"))

# The public site's address for links in e-mails, calendar files and letters (config.links).
# Empty: the default Wagtail site's host name and port (Settings → Sites in the admin).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

# Wagtail
WAGTAIL_SITE_NAME = "Ausländerbehörde"
# Links in Wagtail's own e-mails to editors (moderation).
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL") or PUBLIC_BASE_URL or "http://127.0.0.1:8000"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Videos (WebM, MP4) and their captions (WebVTT) for the sign-language page: served from this
# site, played inline by the browser's own player.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "webm", "mp4", "vtt"]
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf",
    "text/plain",
    "video/webm",
    "video/mp4",
    "text/vtt",
]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: staff e-mail hashes must not go to a third party, and an office
# network may not reach it. Wagtail shows its default avatar (or an uploaded one).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]

# Case search backend (see search/backends). The database is the default; offices that
# outgrow one machine set ELASTICSEARCH_URL (the cluster's nodes, comma-separated) and
# CASE_SEARCH_BACKEND=elasticsearch to search there. With ELASTICSEARCH_URL alone the index
# is kept current (through the outbox and the background worker) but searches stay on the
# database, e.g. while the first index is built.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
CASE_SEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backends.database"},
}
if ELASTICSEARCH_URL:
    _elasticsearch = {
        "BACKEND": "search.backends.elasticsearch",
        "URL": ELASTICSEARCH_URL,
        "INDEX": os.environ.get("ELASTICSEARCH_INDEX", "abh-cases"),
    }
    if os.environ.get("CASE_SEARCH_BACKEND", "database") == "elasticsearch":
        CASE_SEARCH_BACKENDS = {
            "default": _elasticsearch,
            "database": {"BACKEND": "search.backends.database"},
        }
    else:
        CASE_SEARCH_BACKENDS["elasticsearch"] = _elasticsearch
# Changed cases are written to the search outbox by a thread of each process (off the request
# path, see search.sync.OutboxWriter); off: by the request after its commit.
SEARCH_OUTBOX_THREAD = env_bool("SEARCH_OUTBOX_THREAD", True)

# Rate limits key on the client address; behind N proxies of our own set TRUSTED_PROXY_COUNT=N
# so the address comes from X-Forwarded-For (see config/client_ip.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"

# Per-IP limit for applicant POSTs on the booking pages ("off" disables, e.g. for bench runs).
APPOINTMENTS_RATE_LIMIT = os.environ.get("APPOINTMENTS_RATE_LIMIT", "10/m")

# Office operations: a case without a change of state for longer than this many days is
# flagged as over the office's service standard (worklists, dashboard).
OPERATIONS_SERVICE_STANDARD_DAYS = int(os.environ.get("OPERATIONS_SERVICE_STANDARD_DAYS", "42"))

# While the database cannot be reached, requests are answered 503 with this Retry-After.
DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "30"))

# Bulk continuation: cases per transaction, and letters per print file (each with a cover).
OPERATIONS_CONTINUATION_CHUNK = int(os.environ.get("OPERATIONS_CONTINUATION_CHUNK", "200"))
OPERATIONS_PRINT_BATCH = int(os.environ.get("OPERATIONS_PRINT_BATCH", "500"))

# guardian
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler's level too: Django's own loggers (e.g. django.request's warning for every
    # 4xx answer) pass records on to it whatever the root logger's level.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
