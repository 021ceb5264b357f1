"""The cache, and the response cache kept in it."""

from .environment import env

# --- Cache ----------------------------------------------------------------------
# REDIS_URL, e.g. redis://127.0.0.1:6379/1; default local memory. While Redis does not
# answer, the cache misses and API throttling is off (core/cache.py): pages and the API
# still answer.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The release: what is kept in the cache beyond a request (answers, figures, fragments)
# names it, so that a release serves nothing the code of another made. The image sets it
# from the build (SVPORTAL_RELEASE build argument); when empty, each process takes a digest
# of the code, templates and committed data that make answers (core/release.py).
SVPORTAL_RELEASE = env.str("SVPORTAL_RELEASE", default="")

# Anonymous GET answers are kept this many seconds under a data version that every write
# to these apps moves on (core/response_cache.py); 0 turns the response cache off.
SVPORTAL_RESPONSE_CACHE_SECONDS = env.int("SVPORTAL_RESPONSE_CACHE_SECONDS", default=3600)
RESPONSE_CACHE_DATA_APPS = ("boroughs", "casestudies", "actionplans", "funding")

# The portal-wide search keeps, per search, kind and what the user may see, which records
# match and in which order (svportal/search.py), this many seconds under the same data
# version; 0 turns it off.
SVPORTAL_SEARCH_CACHE_SECONDS = env.int("SVPORTAL_SEARCH_CACHE_SECONDS", default=3600)
# A case-study search's facet counts and total (the same for its every page and sort), and
# the ids each page of it ordered by relevance picked, for every reader who may see the
# same drafts, what the case studies of a page of the API's list link to, and the
# interventions page's facet counts (casestudies/selectors.py,
# casestudies/api/pagination.py), are kept this many seconds under the same data version;
# 0 turns it off.
SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS = env.int(
    "SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS", default=3600
)
# How many rows a list has (every API list and paged page, keyed by its query, so by its
# filters and what the reader may see) is kept this many seconds under the same data
# version (core/api/pagination.py); 0 turns it off.
SVPORTAL_LIST_COUNT_CACHE_SECONDS = env.int("SVPORTAL_LIST_COUNT_CACHE_SECONDS", default=3600)
# A signed-in reader's answers to API GETs (a token or a session), after authentication,
# permissions and throttling, are kept per reader this many seconds under the same data
# version, which writes to users, groups, permissions and tokens move on too
# (core/api/answers.py); 0 turns it off.
SVPORTAL_SIGNED_IN_API_CACHE_SECONDS = env.int("SVPORTAL_SIGNED_IN_API_CACHE_SECONDS", default=3600)
# The pages a signed-in reader opens (those whose views say so) are kept this many seconds
# for that reader alone under the same data version (core/signed_in_pages.py); 0 turns it
# off.
SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS = env.int(
    "SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS", default=3600
)
#: Caches keyed by the data version, by the setting of their lifetime: while any is on,
#: every write moves the version on (core/response_cache.py).
DATA_VERSION_CACHE_SETTINGS = (
    "SVPORTAL_SEARCH_CACHE_SECONDS",
    "SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS",
    "SVPORTAL_LIST_COUNT_CACHE_SECONDS",
    "SVPORTAL_SIGNED_IN_API_CACHE_SECONDS",
    "SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS",
)
