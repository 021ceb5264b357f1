"""The portal's Celery tasks, where the worker's autodiscovery looks for them.

Beat runs the daily ones (settings.CELERY_BEAT_SCHEDULE); without a broker every task
runs eagerly, in the process that queues it.
"""

from celery import shared_task

from .exports.tasks import delete_expired_exports, run_export
from .notices import send_lead_notices

__all__ = ["delete_expired_exports", "run_export", "send_daily_lead_notices"]


@shared_task(name="svportal.send_lead_notices", ignore_result=True)
def send_daily_lead_notices():
    """Tell each lead of their borough's overdue items and awards ending soon."""
    return send_lead_notices()
