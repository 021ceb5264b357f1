"""Case studies' Celery tasks: the saved-search digests, review notices, and filling the
search index.

Beat runs send_saved_search_digests once a day (settings.CELERY_BEAT_SCHEDULE); each
saved search decides whether it is due (daily, or weekly). Without a broker tasks run
eagerly, in the process that queues them.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import services
from .models import SavedSearch

logger = logging.getLogger(__name__)


def send_digests(now=None):
    """E-mail every due saved search's new matches; returns how many e-mails were sent
    and how many failed. One search's failure does not stop the others'."""
    now = now or timezone.now()
    try:
        # Case studies saved outside the services (loaded, or edited in the admin) have
        # no stored search document: store them, so searches use the index.
        services.case_studies_refresh_search_vectors(missing_only=True)
    except Exception:
        logger.exception("The missing search documents could not be stored")
    sent = failed = 0
    saved_searches = (
        SavedSearch.objects.filter(user__is_active=True).exclude(user__email="").order_by("pk")
    )
    for saved_search in saved_searches.iterator():
        if not services.saved_search_is_due(saved_search, now):
            continue
        try:
            if services.saved_search_send_digest(saved_search=saved_search, now=now):
                sent += 1
        except Exception:
            logger.exception("The digest for saved search %s could not be sent", saved_search.pk)
            failed += 1
    return {"sent": sent, "failed": failed}


@shared_task(name="casestudies.send_saved_search_digests", ignore_result=True)
def send_saved_search_digests():
    """The daily run: each saved search's digest, if it is due."""
    return send_digests()


@shared_task(
    name="casestudies.send_review_notice",
    ignore_result=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
)
def send_review_notice(notice_id):
    """E-mail one review notice (a submission to an editor, a reason or a publication to
    the author); sent once however often the task runs or is retried."""
    return services.review_notice_send(notice_id=notice_id)


@shared_task(name="casestudies.refresh_search_vectors", ignore_result=True)
def refresh_search_vectors(missing_only=True):
    """Store the search document of case studies without one (or of all)."""
    return services.case_studies_refresh_search_vectors(missing_only=missing_only)
