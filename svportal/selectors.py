"""Portal-wide reads that span apps: the home page's headline figures."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from actionplans.models import ActionPlan
from casestudies.models import CaseStudy
from funding.models import Award

FUNDING_ENDING_SOON_DAYS = 90


@dataclass(frozen=True)
class HomeFigures:
    boroughs_with_active_plan: int
    published_case_studies: int
    awards: int
    total_funding: Decimal
    total_funding_is_minimum: bool


def home_figures():
    """The headline figures in three queries, whatever the size of the data."""
    awards = Award.objects.aggregate(
        count=Count("id"),
        total=Sum("amount"),
        minimums=Count("id", filter=Q(amount_is_minimum=True)),
    )
    return HomeFigures(
        boroughs_with_active_plan=ActionPlan.objects.active()
        .filter(borough__isnull=False)
        .values("borough")
        .distinct()
        .count(),
        published_case_studies=CaseStudy.objects.published().count(),
        awards=awards["count"],
        total_funding=awards["total"] or Decimal("0"),
        # Any "over £…" award makes the sum a minimum too.
        total_funding_is_minimum=awards["minimums"] > 0,
    )


def latest_case_studies(limit=5):
    return (
        CaseStudy.objects.published()
        .for_listing()
        .order_by("-published_at", "-year", "title")[:limit]
    )


def funding_ending_soon(today=None, days=FUNDING_ENDING_SOON_DAYS):
    today = today or timezone.localdate()
    return (
        Award.objects.for_listing()
        .ending_between(today, today + dt.timedelta(days=days))
        .order_by("ends_on")
    )
