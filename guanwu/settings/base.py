"""Settings shared by every tier. Safe for production on their own; dev and test relax them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

import dj_database_url

from .env import BASE_DIR, VAR_DIR, env_bool, env_int, env_list, env_str

PROJECT_DIR = BASE_DIR / "guanwu"

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "guanwu.core",
    "guanwu.organization",
    "guanwu.disclosure",
    "guanwu.cases",
    "guanwu.calendar",
    "guanwu.printing",
    "guanwu.oversight",
    "guanwu.audit",
    "guanwu.portal",
    "guanwu.api",
    "guanwu.demo",
    "guanwu.accounts",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    # wagtail.users with the separation of duties in its user forms (issue 8).
    "guanwu.organization.users_config.GuanwuUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Staff authentication (issue 8): lockout and the second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    # First, so every later middleware, view and log line sees the request id.
    "guanwu.core.request_id.RequestIDMiddleware",
    # Before the page cache: its HTTPS redirect must win over a cached copy.
    "django.middleware.security.SecurityMiddleware",
    # Anonymous public pages: a hit skips every middleware below (most of a hit's cost); the
    # stored response carries the headers they added on the miss (guanwu/portal/cache.py).
    "guanwu.portal.cache.PublicPageCacheMiddleware",
    # Inside the page cache, so its header is stored with each cached page (no nonces), and
    # outside everything that answers by itself (the NUL guard's 400, static files).
    "csp.middleware.CSPMiddleware",
    # NUL (PostgreSQL cannot hold it): a Chinese 400 in the path, dropped from the query.
    "guanwu.core.nul_guard.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "guanwu.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # The request for audit receivers, and one audit event per 403 (guanwu/audit/middleware.py).
    "guanwu.audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Second factor required, idle and absolute timeouts of staff sessions (issue 8).
    "guanwu.accounts.middleware.StaffSessionMiddleware",
    # Anonymous public reads may go to the read replica (DATABASE_REPLICA_URL; issue 9).
    "guanwu.core.db_router.PublicReadMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused by the lockout into the Chinese 429 page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guanwu.urls"
WSGI_APPLICATION = "guanwu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "guanwu.core.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, with SQLite under var/ as the embedded default.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'guanwu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE transactions take the write
    # lock up front so concurrent writers wait (up to the timeout) instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Issue 9: an optional PostgreSQL streaming replica for anonymous public reads
# (guanwu/core/db_router.py); writes, staff requests, commands and tasks use the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["guanwu.core.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages are cached for this long at most; any publication purges them at once.
GUANWU_PAGE_CACHE_SECONDS = env_int("GUANWU_PAGE_CACHE_SECONDS", 300)
# Processes a handbook's chapters are laid out in (guanwu.printing.parts). Two halve the
# time on two cores but add a second WeasyPrint layout in memory: a 500-item book peaks at
# about 760 MiB in one process and about 1.2-1.4 GiB in two (bench/README.md).
GUANWU_HANDBOOK_PROCESSES = env_int("GUANWU_HANDBOOK_PROCESSES", 1)

# Cache: Redis when REDIS_URL is set (shared between hosts), otherwise files under var/cache,
# shared by every process of this host (gunicorn workers, task workers, the daily commands),
# so a publication in any of them purges the cached pages all of them serve.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "guanwu.core.rediscache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "guanwu",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "guanwu.core.filecache.HostFileCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese by default, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files from the public (case attachments): outside MEDIA_ROOT and the web root, served only
# through a permission-checked staff view.
# A submission carries at most 5 files (cases.attachments); refuse absurd multipart bodies
# before they are parsed.
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Background work (django-tasks). "default" runs a task right after the transaction commits,
# in the same process (short jobs: e-mails). "background" stores it in the database for a
# worker (`manage.py db_worker --backend background`, started by `make run`): PDF builds take
# seconds to minutes and never run inside a request.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# Public submissions a minute from one address (website, kiosk, API): guanwu/cases/throttle.py.
# Unset or 0: the default of 10. Raise it only for a load test from one address.
GUANWU_INTAKE_PER_MINUTE = env_int("GUANWU_INTAKE_PER_MINUTE", 0)
GUANWU_CASE_FILES_ROOT = env_str("GUANWU_CASE_FILES_ROOT", str(VAR_DIR / "case-files"))
# Text messages to askers: a dotted path to a class with ``send(number, text) -> str``.
# The default only logs (masked number, length); plug in the carrier's gateway here.
GUANWU_SMS_BACKEND = env_str("GUANWU_SMS_BACKEND", "guanwu.cases.sms.LoggingSMSBackend")
# Field encryption (issue 8): Fernet keys for reporters' names and contacts, comma-separated;
# the first encrypts, all decrypt (rotation: put a new key first, run `rotate_field_key`).
# Keep them apart from the database and its backups: a restore needs them.
GUANWU_FIELD_KEYS = env_list("GUANWU_FIELD_KEYS")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage (issue 9: several web hosts share one media store):
# Wagtail images and documents, printed editions. Objects stay private (the bucket's default
# ACL, never public-read) and are reached through signed URLs that expire, since documents may
# sit in restricted collections and editions are staff-only. Case attachments never go here:
# they use their own storage under GUANWU_CASE_FILES_ROOT (docs/deploy.md).
GUANWU_S3_BUCKET = env_str("GUANWU_S3_BUCKET", "")
if GUANWU_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GUANWU_S3_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "") or None,
            "location": env_str("GUANWU_S3_PREFIX", "media"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            # Longer than any cached page that carries such a URL (GUANWU_PAGE_CACHE_SECONDS).
            "querystring_expire": env_int("GUANWU_S3_URL_SECONDS", 3600),
            # Django's rule: a new file never replaces another one of the same name.
            "file_overwrite": False,
        },
    }
# Issue 8 input limits: non-file request bodies up to 2.5 MB; beyond it, or beyond the field
# count, the visitor gets the Chinese 400 page. The field count stays at 10,000, not Django's
# 1,000: a Wagtail page edit form with a long StreamField and inline panels posts thousands.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "guanwu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Security defaults that hold on every tier; production adds the HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (issue 8): django-csp. The public site runs no inline script and no
# inline style (kiosk behaviour is static/js/kiosk.js, configured through data- attributes), so
# an injected <script> or on*= attribute cannot run even if escaping ever failed. Excluded:
# the Wagtail admin, whose panels and date widgets emit inline <script> and style="" (an
# enforced strict policy would break editing; it relies on Django/Wagtail escaping, tested by
# tests/e2e/test_xss_corpus.py), and the Swagger UI page of the API, which is drf-spectacular's
# template with an inline bootstrap script and <style>.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ("/admin/", "/api/v1/docs/"),
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Wagtail.
WAGTAIL_SITE_NAME = env_str("GUANWU_SITE_NAME", "关务公开平台")
WAGTAILADMIN_BASE_URL = env_str("GUANWU_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Seed 六.四: publication happens only when legal review approves (see disclosure/guard.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "guanwu.disclosure.finish.publish_approved_revision"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True
# Target for the expedited legal review of immediate (随时公开) items, in hours.
GUANWU_EXPEDITED_REVIEW_HOURS = env_int("GUANWU_EXPEDITED_REVIEW_HOURS", 2)

# Django REST framework: the public contract is paginated {count, next, previous, results}.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "guanwu.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "guanwu.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guanwu API v1 (关务公开平台)",
    "DESCRIPTION": "Public disclosure content and case intake of the customs district.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Only /api/v1/ is the contract; Wagtail's admin API stays out of it (guanwu/api/schema.py).
    "PREPROCESSING_HOOKS": ["guanwu.api.schema.only_api_v1"],
    # One name per choice set, however many serializers use it.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "guanwu.cases.enums.CaseKind",
        "UnitKindEnum": "guanwu.organization.enums.UnitKind",
        "ContactLineKindEnum": "guanwu.organization.enums.ContactLineKind",
    },
}

# The demo district's password for every demo login (load_demo refuses production settings).
GUANWU_DEMO_PASSWORD = env_str("GUANWU_DEMO_PASSWORD", "guanwu-demo")
GUANWU_ENVIRONMENT = "base"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "guanwu.core.request_id.RequestIDFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs a line per laid-out page at INFO.
        "weasyprint": {"level": "WARNING"},
        "wagtail": {"level": env_str("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

# Translation label used by the language switcher.
LANGUAGE_SWITCH_LABEL = _("语言")

# Staff authentication (issue 8): lockout, second factor, session limits (docs/security.md).
# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
# Hours, as axes reads a float: 15 minutes.
AXES_COOLOFF_TIME = 0.25
# Counted per account and, separately, per address: either reaching 5 locks.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# Logins are recorded once, in the audit log (hash-chained, retained 184 days); axes keeps only
# the failure counters, deleted when the cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
# The same Chinese 429 page (or JSON under /api/) for every username, existing or not.
AXES_LOCKOUT_CALLABLE = "guanwu.accounts.lockout.lockout_response"
# No usernames or addresses in axes' own log lines (they go to the audit log as digests).
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# The address is REMOTE_ADDR: the proxy in front must pass the client's (docs/security.md).
# The second factor (django-otp TOTP) for accounts that publish, review or read integrity
# reports, and superusers (guanwu.accounts.policy.requires_second_factor).
GUANWU_OTP_REQUIRED = env_bool("GUANWU_OTP_REQUIRED", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Consecutive wrong codes after which the half-signed-in session is ended.
GUANWU_OTP_MAX_FAILURES = 5
# Staff sessions: 30 minutes idle, 12 hours at most from the password step.
GUANWU_SESSION_IDLE_SECONDS = env_int("GUANWU_SESSION_IDLE_SECONDS", 30 * 60)
GUANWU_SESSION_MAX_SECONDS = env_int("GUANWU_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = GUANWU_SESSION_MAX_SECONDS
