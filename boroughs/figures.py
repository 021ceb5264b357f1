"""Figures per area kept current on write (docs/decisions/0036): what the apps above
share to store them, read them, and count them again when records linked to areas change.

An app keeps a table with one row per area (its ``borough`` the primary key) and a
``refresh(borough_ids)`` that counts those areas afresh and stores them with
``store_figures``. Its receivers call ``refresh`` on every write that can change a count;
the relations between its records and areas send ``m2m_changed``, handled by
``on_area_links_changed``; deleting a record, whose links go with it without a signal,
is handled by ``refresh_areas_on_delete`` (built on ``remember_areas_before_delete`` and
``refresh_remembered_areas``, which the m2m receivers use too).
"""

import functools
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete

from .models import Borough

Refresh = Callable[[Iterable[int]], dict[int, Any]]

#: Where a record keeps, between its pre_delete and post_delete, the areas it was linked to.
REMEMBERED = "_figures_areas_before"


def store_figures(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert the areas' figures, or update those already there: one query."""
    if not rows:
        return
    fields = [field.name for field in model._meta.concrete_fields if not field.primary_key]
    model._default_manager.bulk_create(
        rows, update_conflicts=True, unique_fields=["borough"], update_fields=fields
    )


def rows_follow_areas(model: type[models.Model]) -> None:
    """Give each new area its row of ``model`` at once, all none (it has no record yet),
    and remove the row with the area (the table has no foreign-key constraint)."""

    def area_saved(sender, instance, created=False, **kwargs):
        if created:
            store_figures(model, [model(borough_id=instance.pk)])

    def area_deleted(sender, instance, **kwargs):
        model._default_manager.filter(pk=instance.pk).delete()

    label = model._meta.label_lower
    post_save.connect(area_saved, sender=Borough, weak=False, dispatch_uid=f"{label}.saved")
    post_delete.connect(area_deleted, sender=Borough, weak=False, dispatch_uid=f"{label}.deleted")


def figures_of(
    model: type[models.Model],
    borough_ids: Iterable[int],
    refresh: Refresh,
    *,
    within: models.QuerySet[Any, Any] | None = None,
) -> dict[int, Any]:
    """The stored figures of these areas, by area pk: one query; those of areas that have
    none (added without signals and not yet counted) are counted and stored now.

    Each is read as a row that names the model's fields (a named tuple), not as a model
    instance: a table of every council read hundreds of them, and building the instances
    cost several times the query. ``within``, the query that chose the areas, selects them
    in the database instead of a list of hundreds of ids to send."""
    wanted = set(borough_ids)
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model._default_manager.filter(pk__in=wanted if within is None else within)
    found: dict[int, Any] = {row.borough_id: row for row in rows.values_list(*names, named=True)}
    missing = wanted - found.keys()
    if missing:
        found.update(refresh(missing))
    return {pk: found[pk] for pk in wanted}


def figures_columns(model: type[models.Model]) -> list[str]:
    """The lookups from an area to each field of its row of ``model``, in the order of
    the rows figures_of reads: to read an area's figures in the query that reads the
    areas (figures_read), joined by the row's key, the area's."""
    area = model._meta.get_field("borough")
    if not isinstance(area, models.OneToOneField):
        raise TypeError(f"{model.__name__} keeps no row per area")
    to_row = area.related_query_name()
    return [f"{to_row}__{field.name}" for field in model._meta.concrete_fields]


def figures_read(
    model: type[models.Model], read: Mapping[int, Sequence[Any]], refresh: Refresh
) -> dict[int, Any]:
    """As figures_of, for figures read with their areas: ``read``, area pk -> its values
    of figures_columns(model), all none where the area has no row (added without signals
    and not yet counted: counted and stored now). Each as figures_of reads it."""
    row, key = _row_of(model)
    found = {pk: row._make(values) for pk, values in read.items() if values[key] is not None}
    missing = read.keys() - found.keys()
    if missing:
        found.update(refresh(missing))
    return {pk: found[pk] for pk in read}


@functools.cache
def _row_of(model: type[models.Model]) -> tuple[Any, int]:
    """The named tuple of a row of ``model`` as figures_read builds it, named as those of
    figures_of (by the fields' attnames), and the place of its key among its values."""
    fields = model._meta.concrete_fields
    row = namedtuple(f"{model.__name__}Row", [field.attname for field in fields])  # type: ignore[misc]  # noqa: PYI024
    return row, [field.primary_key for field in fields].index(True)


def on_area_links_changed(
    refresh: Refresh, areas_of: Callable[[Any], Iterable[int]]
) -> Callable[..., None]:
    """An m2m_changed receiver for a relation between records and areas: the areas added
    or removed are counted again; a clear, the areas the record had (``areas_of``)."""

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if action == "pre_clear":
            setattr(instance, REMEMBERED, {instance.pk} if reverse else set(areas_of(instance)))
        elif action in ("post_add", "post_remove"):
            refresh({instance.pk} if reverse else set(pk_set or ()))
        elif action == "post_clear":
            refresh(instance.__dict__.pop(REMEMBERED, set()))

    return changed


def remember_areas_before_delete(instance: Any, areas: Iterable[int]) -> None:
    setattr(instance, REMEMBERED, set(areas))


def refresh_remembered_areas(instance: Any, refresh: Refresh) -> None:
    refresh(instance.__dict__.pop(REMEMBERED, set()))


def refresh_areas_on_delete(
    sender: type[models.Model], refresh: Refresh, areas_of: Callable[[Any], Iterable[int]]
) -> None:
    """Once a record of ``sender`` is deleted, count again the areas it was linked to:
    ``areas_of(record)``, read before the delete takes its links with it."""

    def deleting(sender, instance, **kwargs):
        remember_areas_before_delete(instance, areas_of(instance))

    def deleted(sender, instance, **kwargs):
        refresh_remembered_areas(instance, refresh)

    uid = f"{sender._meta.label_lower}.{refresh.__module__}.{refresh.__name__}"
    pre_delete.connect(deleting, sender=sender, weak=False, dispatch_uid=f"{uid}.deleting")
    post_delete.connect(deleted, sender=sender, weak=False, dispatch_uid=f"{uid}.deleted")
