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

# Anonymous GET answers are kept this many seconds under a data version that every write
# to these apps moves on (core/response_cache.py); 0 turns the response cache off.
SVPORTAL_RESPONSE_CACHE_SECONDS = env.int("SVPORTAL_RESPONSE_CACHE_SECONDS", default=3600)
RESPONSE_CACHE_DATA_APPS = ("boroughs", "casestudies", "actionplans", "funding")
