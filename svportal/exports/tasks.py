"""Celery tasks for exports. svportal/tasks.py imports them, so the worker finds them.

A run beats while it writes; reap_stalled_exports (beat, every minute) queues again, or
fails, an export whose run has stopped beating because its worker died. acks_late and
reject_on_worker_lost (settings) mean the broker also delivers such a task again, after its
visibility timeout; services say why either is safe.
"""

from celery import shared_task

from . import services


@shared_task(
    name="svportal.exports.run_export",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_export(job_id):
    job = services.export_job_run(job_id)
    return job.status if job else None


@shared_task(name="svportal.exports.reap_stalled_exports", ignore_result=True)
def reap_stalled_exports():
    return services.exports_reap_stalled()


@shared_task(name="svportal.exports.delete_expired_exports", ignore_result=True)
def delete_expired_exports():
    return services.exports_expire()
