import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db import models

from core.querysets import rows_pointing_here

if TYPE_CHECKING:
    from boroughs.models import Borough

    # Named (as strings) in the type arguments of the querysets below.
    from .models import Award, FundingStream  # noqa: F401


class FundingStreamQuerySet(models.QuerySet["FundingStream"]):
    def with_award_count(self) -> Self:
        """Each stream's ``award_count``: counted by the awards' stream index for each
        stream, not a join of every award grouped by stream (at national scale 20,000
        awards read from the table, 86 ms, against 2 ms)."""
        from .models import Award

        return self.annotate(award_count=rows_pointing_here(Award, "stream"))

    def active_on(self, day: dt.date) -> Self:
        return self.filter(
            models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=day),
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day),
        )


class AwardQuerySet(models.QuerySet["Award"]):
    def for_listing(self) -> Self:
        return self.select_related(
            "stream__funder", "recipient_partnership", "recipient_organisation", "source"
        ).prefetch_related("recipient_boroughs")

    def ending_between(self, start: dt.date, end: dt.date) -> Self:
        return self.filter(ends_on__gte=start, ends_on__lte=end)

    def for_borough(self, borough: "Borough") -> Self:
        return self.filter(recipient_boroughs=borough)

    def through_covering(self, borough: "Borough", covering: "list[Borough]") -> Self:
        """Awards to the areas covering ``borough`` (a county council, a combined
        authority) that are not also to the borough itself."""
        return (
            self.filter(recipient_boroughs__in=covering)
            .exclude(recipient_boroughs=borough)
            .distinct()
        )
