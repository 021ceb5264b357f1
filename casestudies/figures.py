"""Each area's practice figures, kept current on every write (docs/decisions/0036).

The borough summary, the boroughs table and the exports read an area's published case
studies and how many interventions it uses (casestudies.plan_items) from
BoroughPracticeFigures instead of counting every case study and plan item on each
request. The receivers below count the areas concerned afresh whenever a case study, its
areas or interventions, a plan item's interventions, a plan, or an intervention is
written, by any path that sends signals: the page forms, the API, the CSV upload, the
admin and the loader. Paths that write without signals (bulk_create: the synthetic data
generator) call borough_practice_figures_refresh themselves.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from actionplans.models import ActionItem, ActionPlan
from boroughs.figures import (
    REMEMBERED,
    figures_columns,
    figures_of,
    figures_read,
    on_area_links_changed,
    refresh_areas_on_delete,
    refresh_remembered_areas,
    remember_areas_before_delete,
    rows_follow_areas,
    store_figures,
)

from .models import BoroughPracticeFigures, CaseStudy, Intervention, PlanItemIntervention
from .plan_items import InUseCounts, practice_counts

CaseStudyAreas = CaseStudy.boroughs.through
CaseStudyInterventions = CaseStudy.interventions.through


def borough_practice_figures_refresh(
    borough_ids: Iterable[int],
) -> dict[int, BoroughPracticeFigures]:
    """Count these areas' practice afresh (casestudies.plan_items.practice_counts) and
    store the figures: three queries. Returns them by area."""
    ids = {pk for pk in borough_ids if pk is not None}
    if not ids:
        return {}
    case_studies, in_use = practice_counts(ids)
    figures = {}
    for pk in ids:
        counts = in_use.get(pk, InUseCounts())
        figures[pk] = BoroughPracticeFigures(
            borough_id=pk,
            published_case_studies=case_studies.get(pk, 0),
            interventions_in_plan=counts.in_plan,
            interventions_in_case_studies=counts.in_case_studies,
            interventions_in_both=counts.in_both,
        )
    store_figures(BoroughPracticeFigures, list(figures.values()))
    return figures


def borough_practice_figures(
    borough_ids: Iterable[int], *, within: QuerySet[Any, Any] | None = None
) -> dict[int, Any]:
    """The practice figures of these areas, by area pk, each a row with
    BoroughPracticeFigures' fields (boroughs.figures.figures_of; ``within``, the query
    that chose the areas): one query (three more for areas not yet counted)."""
    return figures_of(
        BoroughPracticeFigures, borough_ids, borough_practice_figures_refresh, within=within
    )


def practice_figures_columns() -> list[str]:
    """The lookups from an area to its practice figures, to read them in the query that
    reads the areas (borough_practice_figures_read)."""
    return figures_columns(BoroughPracticeFigures)


def borough_practice_figures_read(read: Mapping[int, Sequence[Any]]) -> dict[int, Any]:
    """As borough_practice_figures, from the values of practice_figures_columns read with
    the areas, by area pk (boroughs.figures.figures_read): no query (three for areas not
    yet counted)."""
    return figures_read(BoroughPracticeFigures, read, borough_practice_figures_refresh)


def in_use_counts(figures: Any) -> InUseCounts:
    """From an area's practice figures (a row from borough_practice_figures)."""
    return InUseCounts(
        in_plan=figures.interventions_in_plan,
        in_case_studies=figures.interventions_in_case_studies,
        in_both=figures.interventions_in_both,
    )


# --- Which areas a write concerns ----------------------------------------------------------


def _areas_of_case_studies(case_studies: Iterable[int]) -> set[int]:
    return set(
        CaseStudyAreas.objects.filter(casestudy__in=list(case_studies)).values_list(
            "borough_id", flat=True
        )
    )


def _areas_of_items(items: Iterable[int]) -> set[int]:
    return set(
        ActionItem.objects.filter(pk__in=list(items)).values_list("plan__borough_id", flat=True)
    )


def _areas_of_intervention(intervention: Intervention) -> set[int]:
    return set(
        CaseStudyAreas.objects.filter(casestudy__interventions=intervention).values_list(
            "borough_id", flat=True
        )
    ) | set(
        PlanItemIntervention.objects.filter(intervention=intervention).values_list(
            "item__plan__borough_id", flat=True
        )
    )


def _refresh(areas: Iterable[int]) -> None:
    borough_practice_figures_refresh(areas)


# --- Case studies, their areas and the interventions they describe -------------------------


@receiver(post_save, sender=CaseStudy)
def _case_study_saved(sender, instance, created=False, **kwargs):
    if not created:  # a new case study has no areas yet
        _refresh(_areas_of_case_studies([instance.pk]))


refresh_areas_on_delete(
    CaseStudy,
    borough_practice_figures_refresh,
    lambda case_study: _areas_of_case_studies([case_study.pk]),
)


m2m_changed.connect(
    on_area_links_changed(
        borough_practice_figures_refresh,
        lambda case_study: _areas_of_case_studies([case_study.pk]),
    ),
    sender=CaseStudyAreas,
    weak=False,
    dispatch_uid="casestudies.figures.case_study_areas",
)


@receiver(m2m_changed, sender=CaseStudyInterventions)
def _case_study_interventions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A case study's interventions (or an intervention's case studies) changed: the
    areas of the case studies concerned are counted again."""
    if action == "pre_clear":
        areas = (
            _areas_of_intervention(instance) if reverse else _areas_of_case_studies([instance.pk])
        )
        remember_areas_before_delete(instance, areas)
    elif action in ("post_add", "post_remove"):
        _refresh(_areas_of_case_studies((pk_set or ()) if reverse else [instance.pk]))
    elif action == "post_clear":
        refresh_remembered_areas(instance, borough_practice_figures_refresh)


# --- The interventions plan items deliver, and the plans ----------------------------------


@receiver(post_save, sender=PlanItemIntervention)
@receiver(post_delete, sender=PlanItemIntervention)
def _link_written(sender, instance, **kwargs):
    _refresh(_areas_of_items([instance.item_id]))


@receiver(m2m_changed, sender=PlanItemIntervention)
def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Links made through Intervention.plan_items (add, remove, clear)."""
    if action == "pre_clear":
        areas = _areas_of_items([instance.pk]) if reverse else _areas_of_intervention(instance)
        remember_areas_before_delete(instance, areas)
    elif action in ("post_add", "post_remove"):
        _refresh(_areas_of_items([instance.pk] if reverse else (pk_set or ())))
    elif action == "post_clear":
        refresh_remembered_areas(instance, borough_practice_figures_refresh)


@receiver(pre_save, sender=ActionPlan)
def _plan_saving(sender, instance, **kwargs):
    """A plan moved to another area leaves its old one: remember which that was."""
    if instance.pk is not None:
        remember_areas_before_delete(
            instance,
            ActionPlan.objects.filter(pk=instance.pk).values_list("borough_id", flat=True),
        )


@receiver(post_save, sender=ActionPlan)
@receiver(post_delete, sender=ActionPlan)
def _plan_written(sender, instance, **kwargs):
    """Its status decides whether its items' interventions count as in use."""
    _refresh({*instance.__dict__.pop(REMEMBERED, ()), instance.borough_id})


# --- Interventions and areas deleted --------------------------------------------------------


refresh_areas_on_delete(Intervention, borough_practice_figures_refresh, _areas_of_intervention)


rows_follow_areas(BoroughPracticeFigures)
