"""Claimdesk settings: one module, configured only by environment variables.

Development defaults (SQLite, DEBUG) need ``DEBUG=1``; without it the module
behaves as production and refuses to start without a ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int_or_off(name: str, default: int) -> int | None:
    value = os.environ.get(name, str(default)).strip().lower()
    return None if value in {"", "off", "none"} else int(value)


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=1 for local development).")
    # Only ever used with DEBUG on, so a leaked value cannot sign production sessions.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Derived dashboard counts are neither dumped nor loaded (curation/routers.py).
DATABASE_ROUTERS = ["curation.routers.TalliesRouter"]

INSTALLED_APPS = [
    # First: its templates/admin/base_site.html frames every admin page (issue 14).
    "curation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "curation.api.middleware.RequestSizeLimitMiddleware",
    "curation.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # SECURE_CSP below for every page; the workspace pages narrow it per view.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: turns a login refused for too many failures into 429 (curation/security.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a command writes; a busy timeout
    # turns short lock waits into waits instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own backend: CONN_HEALTH_CHECKS (above) checks a reused connection
    # before a request uses it. psycopg's options: parameters travel apart from
    # the statement (server-side binding), so a statement a connection runs again
    # and again (token lookup, list pages, the claim INSERT) is prepared on its
    # DATABASE_PREPARE_THRESHOLD-th run and no longer parsed and planned on every
    # request. Set it to "off" behind a pooler in transaction mode that does not
    # track prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env_int_or_off("DATABASE_PREPARE_THRESHOLD", 5),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Background jobs (release cuts, bulk imports): Django's Tasks framework, queued in
# this database; `manage.py worker` runs them (README: Workers).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job whose worker died is queued again this many seconds after it started at the
# earliest, and given up (failed) after this many attempts.
CLAIMDESK_JOB_RECOVER_AFTER = float(os.environ.get("CLAIMDESK_JOB_RECOVER_AFTER", "10"))
CLAIMDESK_JOB_MAX_ATTEMPTS = int(os.environ.get("CLAIMDESK_JOB_MAX_ATTEMPTS", "3"))
# Seconds between two progress writes of a running job.
CLAIMDESK_JOB_PROGRESS_SECONDS = float(os.environ.get("CLAIMDESK_JOB_PROGRESS_SECONDS", "0.5"))

# Notifications (issue 14) are in-app; email copies are optional and off by default.
# Delivery is Django's: configure a mailer (MAILERS) here when switching this on.
CLAIMDESK_NOTIFY_BY_EMAIL = env_bool("CLAIMDESK_NOTIFY_BY_EMAIL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "claimdesk@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule on passwords: its password_changed() hook revokes the user's API tokens.
    {"NAME": "curation.security.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Documents arrive as uploads of a few MB at most; larger bodies answer 413.
CLAIMDESK_MAX_DOCUMENT_BYTES = int(os.environ.get("CLAIMDESK_MAX_DOCUMENT_BYTES", 5 * 1024 * 1024))
CLAIMDESK_MAX_REQUEST_BYTES = int(
    os.environ.get("CLAIMDESK_MAX_REQUEST_BYTES", CLAIMDESK_MAX_DOCUMENT_BYTES * 2)
)
CLAIMDESK_MAX_BULK_CLAIMS = 1000
# A bulk import (POST /api/v1/imports/, the admin's import page): the whole upload,
# and what a zip may unpack to.
CLAIMDESK_MAX_IMPORT_BYTES = int(os.environ.get("CLAIMDESK_MAX_IMPORT_BYTES", 100 * 1024 * 1024))
CLAIMDESK_MAX_ZIP_ENTRIES = int(os.environ.get("CLAIMDESK_MAX_ZIP_ENTRIES", 20000))
CLAIMDESK_MAX_ZIP_UNPACKED_BYTES = int(
    os.environ.get("CLAIMDESK_MAX_ZIP_UNPACKED_BYTES", 500 * 1024 * 1024)
)
DATA_UPLOAD_MAX_MEMORY_SIZE = CLAIMDESK_MAX_REQUEST_BYTES
# Longer URLs answer 414 (the server in front may cut them shorter).
CLAIMDESK_MAX_URL_CHARS = int(os.environ.get("CLAIMDESK_MAX_URL_CHARS", "8192"))
FILE_UPLOAD_MAX_MEMORY_SIZE = CLAIMDESK_MAX_DOCUMENT_BYTES

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns a bad token into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "curation.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["curation.api.permissions.IsActiveUser"],
    # DRF's parsers, answering 400 JSON to over-deep JSON and over-long forms.
    "DEFAULT_PARSER_CLASSES": [
        "curation.api.parsers.JSONParser",
        "curation.api.parsers.FormParser",
        "curation.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "curation.api.filters.FilterBackend",
        "curation.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "curation.api.pagination.ClaimdeskCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["curation.api.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "curation.api.schema.ClaimdeskAutoSchema",
    "EXCEPTION_HANDLER": "curation.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `?format=` names a release's export format, not a renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claimdesk API",
    "DESCRIPTION": (
        "Documents, passages, claims, evidence and reviews. Offsets count Unicode code "
        "points of the normalised document text. Claims carry a version and an ETag: "
        "writes with a stale one answer 412."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page: anyone in development, signed-in users in production.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if env_bool("CLAIMDESK_PUBLIC_API_DOCS", DEBUG)
        else "curation.api.permissions.IsActiveUser"
    ],
    # Swagger UI assets from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "curation.choices.ClaimKind",
        "SourceKindEnum": "curation.choices.SourceKind",
        "ClaimStatusEnum": "curation.choices.ClaimStatus",
        "CredibilityEnum": "curation.choices.Credibility",
        "ReliabilityEnum": "curation.choices.Reliability",
        "ExportFormatEnum": "curation.choices.ExportFormat",
        "StanceEnum": "curation.choices.Stance",
        "RoleEnum": "curation.choices.Role",
        "ReleaseStatusEnum": "curation.choices.ReleaseStatus",
        "ImportStatusEnum": "curation.choices.ImportStatus",
        "ImportKindEnum": "curation.choices.ImportKind",
    },
}

# Security: secure defaults in production; DEBUG (local) runs over plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Every HTML page: nothing from elsewhere, and nothing inline but what the admin's
# own templates mark with this response's nonce ({% csp_nonce_attr %}).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Failed logins (API token and admin alike) are counted in the database, which every
# worker shares, per account and per client address: 10 in 15 minutes lock both for
# the rest of the window, even with the right password. Superusers clear a lockout in
# the admin (Access attempts) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Attempts refused during a lockout do not extend it: it ends with its window.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "curation.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "curation.security.client_address"
# How many reverse proxies append to X-Forwarded-For in front of the app; 0 (the
# default) means the client is REMOTE_ADDR and the header is ignored (a client sets it).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# API tokens: stored hashed (knox), one per login, revoked on password change
# (curation.security.RevokeTokensOnPasswordChange). API_TOKEN_TTL_HOURS sets an
# expiry; unset, tokens last until revoked.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": (
        timedelta(hours=float(os.environ["API_TOKEN_TTL_HOURS"]))
        if os.environ.get("API_TOKEN_TTL_HOURS")
        else None
    ),
}
if env_bool("SECURE_HSTS_PRELOAD") is False and not DEBUG:
    # Preload is a commitment operators opt into; say so instead of warning.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]


def one_line_for_refusals(record) -> bool:
    """A 403 (PermissionDenied, an expected refusal) logs its one line, no traceback."""
    if getattr(record, "status_code", None) == 403:
        record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_for_refusals": {
            "()": "django.utils.log.CallbackFilter",
            "callback": one_line_for_refusals,
        }
    },
    "loggers": {"django.request": {"filters": ["one_line_for_refusals"]}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
