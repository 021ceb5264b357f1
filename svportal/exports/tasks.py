"""Celery tasks for exports. svportal/tasks.py imports them, so the worker finds them.

acks_late and reject_on_worker_lost (settings) mean a task whose worker dies mid-run is
not lost: the broker delivers it again and the run starts the file afresh.
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


@shared_task(name="svportal.exports.delete_expired_exports", ignore_result=True)
def delete_expired_exports():
    return services.exports_expire()
