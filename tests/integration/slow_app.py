"""The portal's Celery app for a worker whose exports write slowly.

`celery -A tests.integration.slow_app worker` is `celery -A svportal worker` with a pause
after each row (ITEST_ROW_DELAY seconds), so that a test can stop the worker while an
export is half written. Nothing else differs.
"""

import os
import time

from celery.signals import worker_init

from svportal.celery import app

__all__ = ["app"]


@worker_init.connect
def write_slowly(**kwargs):
    import django

    django.setup()
    from svportal.exports import services

    delay = float(os.environ.get("ITEST_ROW_DELAY", "0.2"))
    report = services.ProgressReport.__call__

    def slowly(self, rows):
        time.sleep(delay)
        return report(self, rows)

    services.ProgressReport.__call__ = slowly
