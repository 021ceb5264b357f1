from typing import TYPE_CHECKING, Any, Self

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
        return [area for area, _ in self.summary_rows_with()]

    def summary_rows_with(self, *also: str) -> list[tuple["AreaRow", tuple[Any, ...]]]:
        """As summary_rows, each area with its values of the columns ``also`` names
        (lookups from an area), read in the same query: what a reader needs of each area
        beside what its row shows."""
        from .models import AreaRow

        shown = 1 + len(SUMMARY_FIELDS)
        return [
            (AreaRow(*row[:shown]), row[shown:])
            for row in self.values_list("pk", *SUMMARY_FIELDS, *also)
        ]


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def for_listing(self) -> Self:
        return self.prefetch_related("members")
