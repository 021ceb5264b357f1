"""Celery: the broker, how tasks are acknowledged, and beat's schedule."""

from celery.schedules import crontab

from .environment import env
from .exports import SVPORTAL_EXPORT_REAPER_SECONDS
from .i18n import TIME_ZONE

# --- Celery ---------------------------------------------------------------------
# CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0; default none, and tasks run eagerly.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# Redis gives an unacknowledged task back to the queue after this many seconds: a task
# whose worker died is run again then. Keep it longer than the longest export.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("SVPORTAL_TASK_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
}

# Celery beat (docker compose's beat service), in CELERY_TIMEZONE (Europe/London).
CELERY_BEAT_SCHEDULE = {
    "lead-notices-daily": {
        "task": "svportal.send_lead_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    # Expired files are refused from the moment they expire; this deletes them from disk.
    "delete-expired-exports-daily": {
        "task": "svportal.exports.delete_expired_exports",
        "schedule": crontab(hour=2, minute=30),
    },
    # Exports whose worker died are queued again or failed, within minutes.
    "reap-stalled-exports": {
        "task": "svportal.exports.reap_stalled_exports",
        "schedule": float(SVPORTAL_EXPORT_REAPER_SECONDS),
        # While no worker runs, rounds pile up in the queue: only the latest is worth running.
        "options": {"expires": float(SVPORTAL_EXPORT_REAPER_SECONDS)},
    },
    # Each saved search decides whether it is due: daily ones every day, weekly ones weekly.
    "saved-search-digests-daily": {
        "task": "casestudies.send_saved_search_digests",
        "schedule": crontab(hour=7, minute=15),
    },
}
