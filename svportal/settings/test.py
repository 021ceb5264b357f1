"""Test settings: fast hashing, in-memory mail, static files served from source."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# Throttling is tested with its own rates; other tests must not trip over it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}

# Parallel test workers share one Redis: keep each worker's cache (and throttle counts) apart.
CACHES["default"]["KEY_PREFIX"] = "test-" + env.str("PYTEST_XDIST_WORKER", default="main")  # noqa: F405

# Tests roll the database back but not the cache: answers and searches are cached only in
# the tests of those caches, which turn them on.
SVPORTAL_RESPONSE_CACHE_SECONDS = 0
SVPORTAL_SEARCH_CACHE_SECONDS = 0
SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS = 0
SVPORTAL_LIST_COUNT_CACHE_SECONDS = 0
SVPORTAL_SIGNED_IN_API_CACHE_SECONDS = 0
SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS = 0

# A search's heaviest ranking runs in the request's thread: a second connection, held by a
# thread of the worker's own, would stay open to the test database after the test, which
# is then not dropped. The tests of core.db.alongside turn it on, and close it after.
SVPORTAL_STATEMENTS_ALONGSIDE = False
