"""What a web worker does once at start, before its first request (docs/decisions/0037).

A worker holds some 225,000 objects the garbage collector tracks for as long as it lives:
modules, views, serializers, URL patterns, compiled templates. Most are loaded by the
first requests, not at import. Python's full collection walks all of them each time,
and a request that leaves cycles behind (model instances and their prefetched lists
point at one another) sets one off every few requests: a pause of 100 ms or more in
the middle of some request, its p99. Loading them here and freezing them (gc.freeze)
takes them out of every later collection, and a worker's first visit to a page no
longer compiles its templates and imports its views.
"""

import gc
from pathlib import Path

from django.core.cache import caches
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver


def prepare_worker() -> None:
    """Import every view, compile every template of the portal, set up the cache client,
    then freeze what is there. About two seconds of a worker's start."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  # imports every view and what it names
    resolver.reverse_dict  # noqa: B018  # the index every reverse() reads
    for directory in engines["django"].dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*.html")):
            get_template(path.relative_to(root).as_posix())
    caches["default"]  # noqa: B018  # imports the cache's client library
    gc.collect()
    gc.freeze()
