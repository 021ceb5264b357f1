from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    # Named (as strings) in the type arguments of the querysets below.
    from .models import AreaRow, Borough, Partnership  # noqa: F401

#: Kinds of local authority district: the places England is divided into (GSS codes
#: E06 unitary, E07 non-metropolitan district, E08 metropolitan district, E09 London).
DISTRICT_KINDS = (
    "london_borough",
    "city_of_london",
    "metropolitan_district",
    "unitary",
    "district",
)


#: What a row of a table of every council shows of an area.
SUMMARY_FIELDS = ("name", "slug", "gss_code", "kind", "region")


class BoroughQuerySet(models.QuerySet["Borough"]):
    def districts(self) -> Self:
        return self.filter(kind__in=DISTRICT_KINDS)

    def in_region(self, region: str) -> Self:
        return self.filter(region=region)

    def london(self) -> Self:
        return self.in_region("london")

    def for_summary(self) -> Self:
        """What a row of a table of every council shows of each area (name, codes, kind,
        region and its link), without the columns no such row reads."""
        return self.only(*SUMMARY_FIELDS)

    def summary_rows(self) -> list["AreaRow"]:
        """The areas as AreaRow values, in this query's order: what for_summary reads,
        without a model instance for each."""
        from .models import AreaRow

        return [AreaRow(*row) for row in self.values_list("pk", *SUMMARY_FIELDS)]


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def for_listing(self) -> Self:
        return self.prefetch_related("members")
