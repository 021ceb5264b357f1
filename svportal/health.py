"""/healthz and /readyz, for compose's health checks and for orchestrators.

/healthz says the process answers, and touches nothing else: a liveness probe that never
fails because a service behind the portal is down. /readyz checks what the portal needs to
do its work — the database, the cache and the task broker — and answers 503 naming the
ones that do not answer.
"""

import logging
from http import HTTPStatus

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .exports.services import broker_answers

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    check = getattr(cache, "check", None)
    if check is not None:  # Redis: ask it directly, past its fail-safe wrapper
        check()
        return True
    cache.set("svportal-readyz", "ok", 10)
    return cache.get("svportal-readyz") == "ok"


CHECKS = {"database": database_answers, "cache": cache_answers, "broker": broker_answers}


@never_cache
@require_safe
def readyz(request):
    checks = {}
    for name, answers in CHECKS.items():
        try:
            ok = answers()
        except Exception as error:  # whatever the driver raises, the service is not ready
            logger.warning("Readiness: the %s does not answer (%s)", name, error)
            ok = False
        checks[name] = "ok" if ok else "unavailable"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE,
    )
