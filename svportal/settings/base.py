"""Settings shared by every environment: Django's own here, each integration in its own
module under settings/components/ (database, cache, Celery, e-mail, storage, security,
API, logging, exports), imported below.

Configuration comes from the environment (django-environ). With no environment
at all the portal runs on a SQLite file, a local-memory cache, eager Celery and
console e-mail, so the README's one command needs nothing else installed.
"""

from .components.api import *  # noqa: F403
from .components.cache import *  # noqa: F403
from .components.celery import *  # noqa: F403
from .components.database import *  # noqa: F403
from .components.email import *  # noqa: F403
from .components.environment import BASE_DIR, env
from .components.exports import *  # noqa: F403
from .components.i18n import *  # noqa: F403
from .components.logging import *  # noqa: F403
from .components.security import *  # noqa: F403
from .components.storage import *  # noqa: F403

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
    # django-csp's, with the policy built once per process (core/csp.py).
    "core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GETs answered from the cache under the data version (core/response_cache.py),
    # before sessions, CSRF, authentication and messages, which they do not need.
    "core.response_cache.CachedAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets the change history name the signed-in user who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses what no field could take (NUL, not UTF-8, impossible dates, absurd numbers).
    "svportal.middleware.InputGuardMiddleware",
    # Keeps the answers to anonymous GETs that the cache did not have.
    "core.response_cache.ResponseCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]


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


# --- What the plan pages show from the apps above them (actionplans.panels) ------
# The interventions each item delivers and the plan's evidence profile (docs/decisions/0028).
PLAN_PANELS = {
    "plan": ["casestudies.plan_items.plan_evidence_panel"],
    "item": ["casestudies.plan_items.item_interventions_panel"],
}
# The changes to items recorded above actionplans, shown in an item's and its plan's
# history: the interventions an item delivers, added and removed.
PLAN_ITEM_CHANGES = ["casestudies.plan_items.item_link_changes"]

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
# Sessions are read from the cache (Redis) and kept in the database too: every signed-in
# request reads its session, and a cache that loses it, or does not answer, falls back to
# the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Password reset links work for this many hours.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_HOURS", default=1) * 60 * 60


# --- The service's operator ---------------------------------------------------------
# Named on the about, accessibility, privacy and contact pages.
PORTAL_OPERATOR = env.str("DJANGO_PORTAL_OPERATOR", default="The SV Portal team")
PORTAL_CONTACT_EMAIL = env.str("DJANGO_PORTAL_CONTACT_EMAIL", default="svportal@localhost")


# --- Real data --------------------------------------------------------------------
PORTAL_FIXTURES_DIR = BASE_DIR / "fixtures"
# `manage.py generate_synthetic` adds labelled synthetic records for benchmarks; never in
# production (settings/production.py turns it off).
SYNTHETIC_DATA_ALLOWED = True
# Every search's synonyms, kept as data (core/search/synonyms.py).
SVPORTAL_SEARCH_SYNONYMS = PORTAL_FIXTURES_DIR / "search_synonyms.toml"


# The public documents the real data was extracted from; tests check quotes against them.
SEED_DOCUMENTS_DIR = env.path("SVPORTAL_SEEDS_DIR", default=BASE_DIR.parent / "shared" / "seeds")
