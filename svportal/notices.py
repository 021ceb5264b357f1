"""The daily notice to borough leads: their boroughs' overdue action items and the awards
to their boroughs that end within 90 days.

Each thing a lead is told about is recorded as a LeadNotice, unique per user, kind,
object and day. A thing is claimed (its row inserted) in the same transaction that sends
the e-mail, so if beat fires twice, or two workers run the task at once, the second finds
everything claimed and sends nothing; if sending fails the claims roll back and the next
run tries again.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import BoroughRole
from funding.models import Award

from .models import LeadNotice
from .selectors import FUNDING_ENDING_SOON_DAYS

logger = logging.getLogger(__name__)


@dataclass
class BoroughNotice:
    borough: object
    overdue_items: list = field(default_factory=list)
    awards_ending: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.overdue_items or self.awards_ending)


def lead_notices_due(today, days=FUNDING_ENDING_SOON_DAYS):
    """{lead: [BoroughNotice, …]} for every active lead with an e-mail address whose
    borough has something to tell. Three queries at any size."""
    roles = list(
        BoroughRole.objects.filter(role=BoroughRole.Role.LEAD, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "borough")
        .order_by("user_id", "borough__name")
    )
    borough_ids = {role.borough_id for role in roles}
    if not borough_ids:
        return {}
    items = defaultdict(list)
    for item in (
        ActionItem.objects.filter(
            plan__status=ActionPlan.Status.ACTIVE, plan__borough__in=borough_ids
        )
        .overdue(today)
        .select_related("plan", "theme")
        .order_by("due_date", "title", "pk")
    ):
        items[item.plan.borough_id].append(item)
    awards = defaultdict(list)
    for recipient in (
        Award.recipient_boroughs.through.objects.filter(
            borough__in=borough_ids,
            award__ends_on__gte=today,
            award__ends_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("award__stream")
        .order_by("award__ends_on", "award__title")
    ):
        awards[recipient.borough_id].append(recipient.award)

    due = defaultdict(list)
    users = {}
    for role in roles:
        notice = BoroughNotice(
            borough=role.borough,
            overdue_items=items[role.borough_id],
            awards_ending=awards[role.borough_id],
        )
        if notice:
            users[role.user_id] = role.user
            due[role.user_id].append(notice)
    return {users[user_id]: notices for user_id, notices in due.items()}


def _claim(user, kind, object_id, today):
    """Record that the user is told about this today; False if they already were."""
    try:
        with transaction.atomic():
            LeadNotice.objects.create(user=user, kind=kind, object_id=object_id, sent_on=today)
    except IntegrityError:
        return False
    return True


def send_lead_notices(today=None):
    """Send today's notices; returns how many e-mails were sent and how many failed."""
    today = today or timezone.localdate()
    sent = failed = 0
    for user, notices in lead_notices_due(today).items():
        try:
            with transaction.atomic():
                claimed = [
                    BoroughNotice(
                        borough=notice.borough,
                        overdue_items=[
                            item
                            for item in notice.overdue_items
                            if _claim(user, LeadNotice.Kind.OVERDUE_ITEM, item.pk, today)
                        ],
                        awards_ending=[
                            award
                            for award in notice.awards_ending
                            if _claim(user, LeadNotice.Kind.AWARD_ENDING, award.pk, today)
                        ],
                    )
                    for notice in notices
                ]
                claimed = [notice for notice in claimed if notice]
                if not claimed:
                    continue
                lead_notice_message(user, claimed, today).send()
                sent += 1
        except Exception:  # one lead's failure must not stop the others' notices
            logger.exception("The daily notice to %s could not be sent", user)
            failed += 1
    return {"sent": sent, "failed": failed}


def notice_subject(notices, days=FUNDING_ENDING_SOON_DAYS):
    names = [notice.borough.name for notice in notices]
    where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    items = sum(len(notice.overdue_items) for notice in notices)
    awards = sum(len(notice.awards_ending) for notice in notices)
    parts = []
    if items:
        parts.append(f"{items} overdue action item{'s' if items != 1 else ''}")
    if awards:
        parts.append(f"{awards} award{'s' if awards != 1 else ''} ending within {days} days")
    return f"{where}: {' and '.join(parts)} – SV Portal"


def lead_notice_message(user, notices, today, days=FUNDING_ENDING_SOON_DAYS):
    base_url = settings.SVPORTAL_BASE_URL.rstrip("/")
    context = {
        "user": user,
        "notices": [
            {
                "borough": notice.borough,
                "overdue_items": [
                    {"item": item, "days_overdue": (today - item.due_date).days}
                    for item in notice.overdue_items
                ],
                "awards_ending": [
                    {"award": award, "days_left": (award.ends_on - today).days}
                    for award in notice.awards_ending
                ],
            }
            for notice in notices
        ],
        "today": today,
        "days": days,
        "base_url": base_url,
    }
    message = EmailMultiAlternatives(
        subject=notice_subject(notices, days),
        body=render_to_string("emails/lead_notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("emails/lead_notice.html", context), "text/html")
    return message
