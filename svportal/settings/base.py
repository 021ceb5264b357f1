"""Settings shared by every environment.

Configuration comes from the environment (django-environ). With no environment
at all the portal runs on a SQLite file, a local-memory cache, eager Celery and
console e-mail, so the README's one command needs nothing else installed.
"""

import ipaddress
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "simple_history",
    "svportal",
    "boroughs",
    "actionplans",
    "funding",
    "casestudies",
]

MIDDLEWARE = [
    # First: forwarded headers count only from the proxies named in DJANGO_TRUSTED_PROXIES.
    "core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets the change history name the signed-in user who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses what no field could take (NUL, not UTF-8, impossible dates, absurd numbers).
    "svportal.middleware.InputGuardMiddleware",
    # Anonymous GETs answered from the cache under the data version (core/response_cache.py).
    "core.response_cache.ResponseCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Reverse proxies ------------------------------------------------------------
# DJANGO_TRUSTED_PROXIES: addresses or networks of the reverse proxies in front of the
# portal (e.g. 172.28.0.10 or 10.0.0.0/8), comma-separated; default none. Only requests
# from them may say, in X-Forwarded-For and X-Forwarded-Proto, who the client is and that
# it came over HTTPS; from anyone else those headers are dropped (core/proxies.py). The
# API's throttling, the sign-in lockout and Django's HTTPS checks all use that answer.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from _error
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content Security Policy (django-csp) --------------------------------------------
# Scripts and styles only from our own static files, or inline with the page's nonce
# ({{ request.csp_nonce }}): never 'unsafe-inline'. No framing by any site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "svportal.urls"
WSGI_APPLICATION = "svportal.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/svportal; default a SQLite file.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
# Keep each worker's connection between requests (a new one costs more than most reads),
# checked before reuse so that a database restart costs one failed check, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- What the plan pages show from the apps above them (actionplans.panels) ------
# The interventions each item delivers and the plan's evidence profile (docs/decisions/0028).
PLAN_PANELS = {
    "plan": ["casestudies.plan_items.plan_evidence_panel"],
    "item": ["casestudies.plan_items.item_interventions_panel"],
}

# --- Users and permissions ----------------------------------------------------
AUTH_USER_MODEL = "svportal.User"
# The publication every sourced record points at (core.models.SourcedModel).
SOURCE_MODEL = "boroughs.Source"
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (portal and admin) from a locked-out user or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# A signed-in session lasts this many hours from sign-in.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_HOURS", default=8) * 60 * 60
# Password reset links work for this many hours.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_HOURS", default=1) * 60 * 60

# Sign-in lockout (django-axes), on the portal's sign-in and the admin's: after
# DJANGO_LOGIN_FAILURE_LIMIT failures within DJANGO_LOGIN_COOLOFF_MINUTES, the username is
# refused from every address and the address is refused for every username, answered with
# a 429 page, until the cool-off has passed since the last failure or someone unlocks it
# (manage.py axes_reset_username NAME / axes_reset_ip ADDRESS / axes_reset).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "svportal.accounts.locked_out"
AXES_HTTP_RESPONSE_CODE = HTTPStatus.TOO_MANY_REQUESTS
AXES_CLIENT_IP_CALLABLE = "core.proxies.client_address"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# --- Cache ----------------------------------------------------------------------
# REDIS_URL, e.g. redis://127.0.0.1:6379/1; default local memory. While Redis does not
# answer, the cache misses and API throttling is off (core/cache.py): pages and the API
# still answer.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous GET answers are kept this many seconds under a data version that every write
# to these apps moves on (core/response_cache.py); 0 turns the response cache off.
SVPORTAL_RESPONSE_CACHE_SECONDS = env.int("SVPORTAL_RESPONSE_CACHE_SECONDS", default=3600)
RESPONSE_CACHE_DATA_APPS = ("boroughs", "casestudies", "actionplans", "funding")

# --- Celery ---------------------------------------------------------------------
# CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0; default none, and tasks run eagerly.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# --- The service's operator ---------------------------------------------------------
# Named on the about, accessibility, privacy and contact pages.
PORTAL_OPERATOR = env.str("DJANGO_PORTAL_OPERATOR", default="The SV Portal team")
PORTAL_CONTACT_EMAIL = env.str("DJANGO_PORTAL_CONTACT_EMAIL", default="svportal@localhost")

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# Where the file backend (django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=BASE_DIR / "sent-emails")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="SV Portal <noreply@localhost>")

# --- REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so a missing or bad token is answered 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "core.api.csv.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": ("core.api.negotiation.PortalContentNegotiation"),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.portal_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    # Clients are told apart by core.proxies.client_address; this keeps any other DRF
    # throttle from believing X-Forwarded-For either.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("DJANGO_API_THROTTLE_USER", default="1200/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "SEARCH_PARAM": "q",
    "ORDERING_PARAM": "ordering",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "SV Portal API",
    "DESCRIPTION": (
        "Boroughs' knife-crime action plans, interventions, case studies, funding and "
        "stock-takes. Every list is paginated (page, page_size up to 500), filterable, "
        "orderable (ordering), searchable (q) and takes modified_after for incremental "
        "sync; add format=csv for a spreadsheet of the whole filtered list. Errors share "
        "one shape: {status, code, detail, errors}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents the errors the conventions give (400, 401, 404, 429, 503…).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "core.models.DatePrecision",
        "RegionEnum": "boroughs.models.Region",
        "ItemStatusEnum": "actionplans.models.ItemStatus",
        "BoroughKindEnum": "boroughs.models.Borough.Kind",
        "PartnershipKindEnum": "boroughs.models.Partnership.Kind",
        "OrganisationKindEnum": "boroughs.models.Organisation.Kind",
        "FunderKindEnum": "funding.models.Funder.Kind",
        "PlanStatusEnum": "actionplans.models.ActionPlan.Status",
        "CaseStudyStatusEnum": "casestudies.models.CaseStudy.Status",
        "EvaluationStatusEnum": "casestudies.evidence.EvaluationStatus",
        "EvaluatedByEnum": "casestudies.evidence.EvaluatedBy",
        "EvaluationDesignEnum": "casestudies.evidence.EvaluationDesign",
    },
}

# 360Giving: grant identifiers are this prefix, a hyphen and the award's slug.
GRANTS_360_IDENTIFIER_PREFIX = env.str("SVPORTAL_360G_PREFIX", default="360G-svportal")

# --- Real data --------------------------------------------------------------------
PORTAL_FIXTURES_DIR = BASE_DIR / "fixtures"
# `manage.py generate_synthetic` adds labelled synthetic records for benchmarks; never in
# production (settings/production.py turns it off).
SYNTHETIC_DATA_ALLOWED = True
# Every search's synonyms, kept as data (core/search/synonyms.py).
SVPORTAL_SEARCH_SYNONYMS = PORTAL_FIXTURES_DIR / "search_synonyms.toml"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

# The public documents the real data was extracted from; tests check quotes against them.
SEED_DOCUMENTS_DIR = env.path("SVPORTAL_SEEDS_DIR", default=BASE_DIR.parent / "shared" / "seeds")

# --- Exports and notices ----------------------------------------------------------------
# Export files live in the "exports" storage under random names and are served only through
# views that check who is asking. By default that is MEDIA_ROOT/exports/, which the web
# process and every worker must share. With SVPORTAL_EXPORT_S3_BUCKET it is that bucket of
# an S3-compatible object store (AWS S3, MinIO, …; django-storages), under exports/, and web
# and workers can run on separate machines. Without the key settings boto3 finds
# credentials its usual ways (environment, instance role).
SVPORTAL_EXPORT_S3_BUCKET = env.str("SVPORTAL_EXPORT_S3_BUCKET", default="")
if SVPORTAL_EXPORT_S3_BUCKET:
    STORAGES["exports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SVPORTAL_EXPORT_S3_BUCKET,
            "endpoint_url": env.str("SVPORTAL_EXPORT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SVPORTAL_EXPORT_S3_REGION", default="") or None,
            "access_key": env.str("SVPORTAL_EXPORT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SVPORTAL_EXPORT_S3_SECRET_ACCESS_KEY", default="") or None,
            # MinIO and most self-hosted stores want path-style addresses.
            "addressing_style": env.str("SVPORTAL_EXPORT_S3_ADDRESSING_STYLE", default="path"),
            # The name is the export's random token: a run again replaces its own file.
            "file_overwrite": True,
            "default_acl": None,
        },
    }
else:
    STORAGES["exports"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# A finished export can be downloaded for
# SVPORTAL_EXPORT_TTL_HOURS; the cleanup then deletes its file. Its record (status, what
# was asked for) is kept for SVPORTAL_EXPORT_RECORD_DAYS.
SVPORTAL_EXPORT_TTL_HOURS = env.int("SVPORTAL_EXPORT_TTL_HOURS", default=24)
SVPORTAL_EXPORT_RECORD_DAYS = env.int("SVPORTAL_EXPORT_RECORD_DAYS", default=30)
# Queued or running exports one user may have at once.
SVPORTAL_EXPORT_MAX_ACTIVE = env.int("SVPORTAL_EXPORT_MAX_ACTIVE", default=5)
# A running export says it is alive every SVPORTAL_EXPORT_HEARTBEAT_SECONDS; one silent for
# SVPORTAL_EXPORT_STALL_SECONDS has lost its worker. Beat's reaper (every
# SVPORTAL_EXPORT_REAPER_SECONDS) queues it again, up to SVPORTAL_EXPORT_MAX_ATTEMPTS runs in
# all, then fails it with a message; an export no worker has started within
# SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS fails too. Stalled exports do not count against
# SVPORTAL_EXPORT_MAX_ACTIVE.
SVPORTAL_EXPORT_HEARTBEAT_SECONDS = env.int("SVPORTAL_EXPORT_HEARTBEAT_SECONDS", default=15)
SVPORTAL_EXPORT_STALL_SECONDS = env.int("SVPORTAL_EXPORT_STALL_SECONDS", default=120)
SVPORTAL_EXPORT_REAPER_SECONDS = env.int("SVPORTAL_EXPORT_REAPER_SECONDS", default=60)
SVPORTAL_EXPORT_MAX_ATTEMPTS = env.int("SVPORTAL_EXPORT_MAX_ATTEMPTS", default=3)
SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS = env.int(
    "SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS", default=60 * 60
)
# The portal's address as users reach it, for links in e-mails.
SVPORTAL_BASE_URL = env.str("SVPORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Outgoing mail for the notices, when DJANGO_EMAIL_BACKEND is the SMTP backend.
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
# Redis gives an unacknowledged task back to the queue after this many seconds: a task
# whose worker died is run again then. Keep it longer than the longest export.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("SVPORTAL_TASK_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ExportKindEnum": "svportal.models.ExportJob.Kind",
        "ExportFormatEnum": "svportal.models.ExportJob.Format",
        "ExportStatusEnum": "svportal.models.ExportJob.Status",
    }
)

# Celery beat (docker compose's beat service), in CELERY_TIMEZONE (Europe/London).
CELERY_BEAT_SCHEDULE = {
    "lead-notices-daily": {
        "task": "svportal.send_lead_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    # Expired files are refused from the moment they expire; this deletes them from disk.
    "delete-expired-exports-daily": {
        "task": "svportal.exports.delete_expired_exports",
        "schedule": crontab(hour=2, minute=30),
    },
    # Exports whose worker died are queued again or failed, within minutes.
    "reap-stalled-exports": {
        "task": "svportal.exports.reap_stalled_exports",
        "schedule": float(SVPORTAL_EXPORT_REAPER_SECONDS),
        # While no worker runs, rounds pile up in the queue: only the latest is worth running.
        "options": {"expires": float(SVPORTAL_EXPORT_REAPER_SECONDS)},
    },
    # Each saved search decides whether it is due: daily ones every day, weekly ones weekly.
    "saved-search-digests-daily": {
        "task": "casestudies.send_saved_search_digests",
        "schedule": crontab(hour=7, minute=15),
    },
}
