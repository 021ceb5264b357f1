"""Each area's award figures, kept current on every write (docs/decisions/0036).

The borough summary, the boroughs table, a borough's profile, compare and the funding
map read an area's awards, their total and whether it is a floor from
BoroughAwardFigures instead of adding up every award on each request. The receivers
below count the areas of an award afresh whenever it is saved or deleted or its
recipients change, by any path that sends signals: the page forms, the API, the admin
and the loader. Paths that write without signals (bulk_create: the synthetic data
generator) call borough_award_figures_refresh themselves.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from boroughs.figures import (
    figures_columns,
    figures_of,
    figures_read,
    on_area_links_changed,
    refresh_areas_on_delete,
    rows_follow_areas,
    store_figures,
)

from .models import Award, BoroughAwardFigures

Recipients = Award.recipient_boroughs.through


def borough_award_figures_refresh(borough_ids: Iterable[int]) -> dict[int, BoroughAwardFigures]:
    """Count the awards to these areas afresh and store the figures: two queries (the
    count, and one insert that updates the rows already there). Returns them by area."""
    figures = {pk: BoroughAwardFigures(borough_id=pk) for pk in set(borough_ids)}
    if not figures:
        return figures
    for row in (
        Recipients.objects.filter(borough__in=list(figures))
        .values("borough")
        .annotate(
            awards=Count("award"),
            total=Sum("award__amount"),
            at_least=Count("award", filter=Q(award__amount_is_minimum=True)),
            not_stated=Count("award", filter=Q(award__amount__isnull=True)),
        )
        .order_by()
    ):
        found = figures[row["borough"]]
        found.awards = row["awards"]
        found.total = row["total"] or Decimal("0")
        found.amounts_at_least = row["at_least"]
        found.amounts_not_stated = row["not_stated"]
    store_figures(BoroughAwardFigures, list(figures.values()))
    return figures


def borough_award_figures(
    borough_ids: Iterable[int], *, within: QuerySet[Any, Any] | None = None
) -> dict[int, Any]:
    """The award figures of these areas, by area pk, each a row with BoroughAwardFigures'
    fields (boroughs.figures.figures_of; ``within``, the query that chose the areas): one
    query (two more for areas not yet counted)."""
    return figures_of(
        BoroughAwardFigures, borough_ids, borough_award_figures_refresh, within=within
    )


def award_figures_columns() -> list[str]:
    """The lookups from an area to its award figures, to read them in the query that reads
    the areas (borough_award_figures_read)."""
    return figures_columns(BoroughAwardFigures)


def borough_award_figures_read(read: Mapping[int, Sequence[Any]]) -> dict[int, Any]:
    """As borough_award_figures, from the values of award_figures_columns read with the
    areas, by area pk (boroughs.figures.figures_read): no query (two for areas not yet
    counted)."""
    return figures_read(BoroughAwardFigures, read, borough_award_figures_refresh)


def _recipients_of(award: Award) -> list[int]:
    return list(Recipients.objects.filter(award=award).values_list("borough_id", flat=True))


@receiver(post_save, sender=Award)
def _award_saved(sender, instance, created=False, **kwargs):
    if not created:  # a new award has no recipients yet
        borough_award_figures_refresh(_recipients_of(instance))


refresh_areas_on_delete(Award, borough_award_figures_refresh, _recipients_of)


m2m_changed.connect(
    on_area_links_changed(borough_award_figures_refresh, _recipients_of),
    sender=Recipients,
    weak=False,
    dispatch_uid="funding.figures.recipients",
)


rows_follow_areas(BoroughAwardFigures)
