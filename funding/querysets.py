from typing import Self

from django.db import models


class FundingStreamQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=day),
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day),
        )


class AwardQuerySet(models.QuerySet):
    def for_listing(self) -> Self:
        return self.select_related(
            "stream__funder", "recipient_partnership", "recipient_organisation", "source"
        ).prefetch_related("recipient_boroughs")

    def ending_between(self, start, end):
        return self.filter(ends_on__gte=start, ends_on__lte=end)

    def for_borough(self, borough):
        return self.filter(recipient_boroughs=borough)
