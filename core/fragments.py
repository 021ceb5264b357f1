"""HTML built once per set of figures: a map, its table, the boroughs table's rows.

A fragment is kept in the cache under a digest of everything it shows, so a page whose
figures have not changed only reads them and joins the stored HTML, and the fragment is
built again exactly when a figure changes: nothing to invalidate, and nothing stale. The
key also names the release (`core.release`: the code and templates that build fragments),
so a release that changes their markup builds its fragments afresh instead of serving the
old markup for a day.
"""

import hashlib
import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .release import release

logger = logging.getLogger(__name__)

CACHE_PREFIX = "svportal:fragment"
CACHE_SECONDS = 24 * 60 * 60


def built_once(shown: object, build: Callable[[], str]) -> SafeString:
    """``build()``, kept in the cache under a digest of ``shown`` (everything the fragment
    depends on, JSON-able; dates are taken as their ISO text) and of the release (the code
    and templates that build it). ``build`` must escape every text it writes."""
    text = json.dumps([release(), shown], ensure_ascii=False, default=str)
    key = f"{CACHE_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()}"
    try:
        fragment: str | None = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that does not answer only loses its use
        logger.warning("The fragment cache did not answer", exc_info=True)
        fragment = None
    if fragment is None:
        fragment = str(build())
        try:
            cache.set(key, fragment, CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("The fragment cache did not take a fragment", exc_info=True)
    return mark_safe(fragment)  # noqa: S308 - build escapes what it writes


def rendered_once(template: str, context: dict[str, object]) -> SafeString:
    """``template`` rendered with ``context`` (plain values, which the template escapes),
    kept once per set of them (`built_once`): the template's name and its context are
    everything the fragment shows."""
    return built_once([template, context], lambda: render_to_string(template, context))
