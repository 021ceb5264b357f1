"""A web worker loads what its requests would and freezes it before the first request."""

import pytest

from .test_settings import import_production

pytestmark = pytest.mark.no_database

STARTED_WORKER = """
import gc
import svportal.wsgi
from django.template import engines

loader = engines["django"].engine.template_loaders[0]
print(gc.get_freeze_count(), len(gc.get_objects()), len(loader.get_template_cache))
"""


def test_a_worker_freezes_what_it_keeps_before_its_first_request():
    """A full collection walks only what requests made since: the modules, views and
    compiled templates loaded at start are frozen, so a pause no longer grows with them;
    a page's first visit finds its template compiled."""
    result = import_production(STARTED_WORKER, DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    frozen, tracked, compiled = map(int, result.stdout.split())
    assert frozen > 50 * tracked
    assert compiled > 50
