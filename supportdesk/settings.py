"""Supportdesk settings: one module, driven by the environment.

Every variable is documented in README.md. Local runs need none of them: the
defaults give SQLite, a broker that needs no server and DEBUG on. A bad value
fails loudly at start-up rather than at the first request.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import django_stubs_ext
import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from supportdesk.env import StrictEnv

# Django's generic classes (ModelAdmin, Feed, ModelChoiceField) accept type arguments, as django-stubs has them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = StrictEnv()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
_INSECURE_DEV_KEY = "django-insecure-local-development-key-never-used-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
VENDOR_NAME = env.str("VENDOR_NAME", default="Supportdesk")
TICKET_PREFIX = env.str("TICKET_PREFIX", default="SD")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, whose forms it extends with a column per language
    "supportdesk.admin_site.SupportdeskAdminConfig",  # the Django admin, for Administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.forms",  # its widget templates, found by FORM_RENDERER beside our overrides
    "django_htmx",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "customers",
    "sla",
    "tickets",
    "incidents",
    "notifications",
    "notices",
    "monitoring",
    "mail",
    "portal",
    "desk",
    "audit",
    "api",
    "webhooks",
    "backups",
    "retention",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and auth: the public status JSON, once cached, needs none of them.
    "incidents.middleware.StatusJsonFastPath",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "customers.middleware.CustomerMembershipMiddleware",
    # After authentication: the profile's language comes first (accounts/languages.py).
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "supportdesk.urls"
WSGI_APPLICATION = "supportdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supportdesk.context_processors.product",
            ],
        },
    },
]
# Widgets render through TEMPLATES, so templates/django/forms/ can override Django's (the select box).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "supportdesk.sqlite"  # Django's, less the PostgreSQL-only indexes
    # Web, worker and beat share the file: wait for locks instead of failing,
    # and take the write lock at BEGIN so that two writers never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run in memory, one database per test process (as Django does for its own SQLite backend).
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # .iterator() (every select box of a form uses it) would open a server-side cursor: three
    # round trips for a few rows, and unsafe behind a transaction-pooling PgBouncer.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Let the planner reorder at most six joins: the ticket pages' select_related joins eight
    # tables, and searching every order of them took PostgreSQL 4 ms to plan a 0.3 ms query.
    # An "options" parameter in DATABASE_URL replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c join_collapse_limit=6")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "supportdesk.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "supportdesk",
            # Fail fast when Redis is away: a page must not wait on its cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions read from the cache and written through to the database (Django's cached_db): a signed-in request
# no longer reads its session row. Only with Redis, which every worker shares: a per-process cache would keep
# a signed-out session alive in the other workers.
SESSION_CACHE = env.bool("SESSION_CACHE", default=False)
if SESSION_CACHE:
    if not REDIS_URL:
        raise ImproperlyConfigured("SESSION_CACHE=true needs REDIS_URL: every worker must read the same sessions.")
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en"
# Brazilian Portuguese, not European: the vendor's Portuguese-speaking customers are in Brazil (seed 003).
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pt-br", _("Brazilian Portuguese"))]
# One catalog for the whole project (locale/es, locale/pt_BR), built by `make messages`.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch remembers an anonymous visitor's choice for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Admin-written texts a customer reads (severities, ticket types and their fields, product areas,
# status components and groups) get a column per language, edited side by side in the admin;
# an empty translation falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "es", "pt-br")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# --- Static files and uploads ------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Attachments live outside the web root and are served only through a
    # permission-checked view; MEDIA_URL is deliberately not routed.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "uploads")))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- What a customer's comment does ------------------------------------------------
# A comment on a ticket resolved less than this long ago reopens it; a later one (or one on a
# closed ticket) opens a new ticket linked to it.
TICKET_REOPEN_WINDOW = timedelta(days=env.int("TICKET_REOPEN_WINDOW_DAYS", default=14))
# Who hears of a customer comment on a ticket nobody is assigned to. Empty: every active agent.
SUPPORT_TEAM_EMAIL = env.str("SUPPORT_TEAM_EMAIL", default="")
# How long the signed ticket link mailed to a contact without a login keeps working.
TICKET_LINK_MAX_AGE = timedelta(days=env.int("TICKET_LINK_MAX_AGE_DAYS", default=30))

# --- Email -------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:1025")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{VENDOR_NAME} <support@supportdesk.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="supportdesk.example")
# Mail is never given up for a fault on our side (our SMTP server away, refusing us): it is retried
# without end. After this many failed attempts of one email, the desk shows an operator alert.
OUTBOX_ALERT_AFTER_ATTEMPTS = env.int("OUTBOX_ALERT_AFTER_ATTEMPTS", default=5, minimum=1)
# The first retry waits this long; each further one twice as long, up to an hour.
OUTBOX_RETRY_BASE = timedelta(seconds=env.int("OUTBOX_RETRY_BASE_SECONDS", default=30))
# A row claimed for sending longer ago than this is presumed lost with its
# worker and is sent again: the only window in which a duplicate can happen.
OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=300))
# A row handed to the broker and not yet taken by a worker is left alone by the
# sweep for this long; after it, the task is presumed lost and queued again.
OUTBOX_REQUEUE_AFTER = timedelta(seconds=env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=60))
# Forms that mail an address somebody typed (notifications/floodgate.py): at most this many
# mails a day from one form to one address, and this many requests an hour from one client.
MAIL_PER_ADDRESS_PER_DAY = env.int("MAIL_PER_ADDRESS_PER_DAY", default=3)
MAIL_PER_CLIENT_PER_HOUR = env.int("MAIL_PER_CLIENT_PER_HOUR", default=10)

# --- Inbound mail (the email channel) -------------------------------------------------------
# Replies come back to INBOUND_ADDRESS with a signed "+token" (support+1042-…@domain); new mail
# to it opens tickets. Only these addresses (and their +tokens) are accepted by the SMTP intake.
INBOUND_ADDRESS = env.str("INBOUND_ADDRESS", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "support@supportdesk.example")
INBOUND_ESCALATION_ADDRESS = env.str(
    "INBOUND_ESCALATION_ADDRESS",
    default="support.escalate@" + INBOUND_ADDRESS.rpartition("@")[2],
)
# Above the attachment limit: base64 makes a 25 MB file 34 MB of message.
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=40 * 1024 * 1024)
INBOUND_SMTP_HOST = env.str("INBOUND_SMTP_HOST", default="127.0.0.1")
INBOUND_SMTP_PORT = env.int("INBOUND_SMTP_PORT", default=2525)
# imaps://user:password@imap.example.com:993/INBOX (imap:// for plain, tests only). Empty: no polling.
INBOUND_IMAP_URL = env.str("INBOUND_IMAP_URL", default="")
# More messages than this in an hour from one sender, or on one ticket, are held: a mail loop.
INBOUND_HOURLY_LIMIT = env.int("INBOUND_HOURLY_LIMIT", default=20)
# A message still unprocessed after this long (its task lost) is queued again by the sweep.
INBOUND_REQUEUE_AFTER = timedelta(seconds=env.int("INBOUND_REQUEUE_AFTER_SECONDS", default=60))

# --- Celery ----------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, int | str | bool] = {
        # Above the longest task (an SMTP send with its timeout), so that a
        # slow task is not redelivered while it still runs.
        "visibility_timeout": 3600,
    }
else:
    # A broker that needs no server: messages are files under var/broker.
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Exchange bindings too, or kombu writes them to ./control wherever the process started.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must never hang on a broker outage: publishing fails fast and the
# periodic sweeps pick up whatever was recorded in the database meanwhile.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": 20.0},
    # Warnings, breaches, escalations and their reminders: due times are stored, so a
    # missed tick is caught up by the next one.
    "sla-tick": {"task": "sla.tasks.sla_tick", "schedule": 60.0},
    # Seed 001's publication rules: 30 minutes to publish, 10 stable minutes to resolve.
    "status-page-sweep": {"task": "incidents.tasks.status_page_sweep", "schedule": 60.0},
    "idempotency-keys-purge": {"task": "api.tasks.idempotency_keys_purge", "schedule": 3600.0},
    "webhook-deliveries-sweep": {"task": "webhooks.tasks.deliveries_sweep", "schedule": 30.0},
    "retention-sweep": {"task": "retention.tasks.retention_sweep", "schedule": 86400.0},
    # Inbound mail whose processing task was lost; and the IMAP mailbox, when one is configured.
    "inbound-sweep": {"task": "mail.tasks.inbound_sweep", "schedule": 30.0},
    "imap-poll": {"task": "mail.tasks.imap_poll", "schedule": 30.0},
}

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Bearer keys first: their WWW-Authenticate header makes "not signed in" a 401. A service key is
    # tried before a personal token, which refuses any bearer it does not know.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ServiceKeyAuthentication",
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsAuthenticatedPerson"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumbers",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.rate("API_THROTTLE_RATE", default="120/minute")},
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{VENDOR_NAME} API",
    "DESCRIPTION": (
        "File and follow tickets, comment, attach files, read the timeline and manage your organisation's contacts. "
        "Support staff and monitoring systems raise proactive notices and run status-page incidents. "
        "Authenticate with a personal token (`Authorization: Bearer sdk_…`) or the browser session; "
        "monitoring systems with a service key, which opens the notice, incident and component routes only. "
        'Every error answers `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN, and the CSP allows it
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status", "kind" or "impact": each choice set gets a name of its own
    # (the tickets' keeps the name it was published with).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tickets.models.Ticket.Status",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "IncidentOpenStatusEnum": "api.status_serializers.OPEN_STATUS_CHOICES",
        "IncidentImpactEnum": "incidents.models.Incident.Impact",
        "IncidentKindEnum": "incidents.models.Incident.Kind",
        "IncidentCauseEnum": "incidents.models.Incident.Cause",
        "IncidentSourceEnum": "incidents.models.Incident.Source",
        "ComponentStatusEnum": "incidents.models.ComponentStatus",
        "NoticeKindEnum": "notices.models.Notice.Kind",
    },
}
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))

# --- Outgoing webhooks ------------------------------------------------------------------
# Hosts that may resolve to private or loopback addresses (the SSRF guard refuses them otherwise).
WEBHOOK_ALLOWED_PRIVATE_HOSTS = env.list("WEBHOOK_ALLOWED_PRIVATE_HOSTS", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_BACKOFF_SECONDS = env.int("WEBHOOK_BACKOFF_SECONDS", default=30)
WEBHOOK_CLAIM_TIMEOUT_SECONDS = env.int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=300)

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
# How many reverse proxies stand in front of the web process, each appending to X-Forwarded-For.
# The client's address (sign-in throttling) is the entry the nearest of them wrote; with 0 the
# header is ignored, as anyone can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Support staff sign in with a second factor (accounts/second_factor.py); on by default in production.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = VENDOR_NAME
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# Scripts and styles come only from our own static files; the rare inline
# script carries the request's nonce ({{ request.csp_nonce }}). Stored XSS that
# slips past escaping still cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.log_level("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
