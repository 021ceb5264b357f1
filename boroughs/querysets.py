from typing import Self

from django.db import models

#: Kinds of local authority district: the places England is divided into (GSS codes
#: E06 unitary, E07 non-metropolitan district, E08 metropolitan district, E09 London).
DISTRICT_KINDS = (
    "london_borough",
    "city_of_london",
    "metropolitan_district",
    "unitary",
    "district",
)


class BoroughQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(kind__in=DISTRICT_KINDS)

    def in_region(self, region: str) -> Self:
        return self.filter(region=region)

    def london(self):
        return self.in_region("london")


class PartnershipQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("members")
