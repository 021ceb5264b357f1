"""The search's facet counts over every published case study, kept current on write
(docs/decisions/0044).

The case-study list and search count, beside each facet's values, how many case studies
match. Over every published case study (what most readers list first, and the larger
part of any common search) those counts are stored in PublishedFacetCount instead of
being counted on each request. CaseStudyFacetValue holds what each case study counts
under (its areas, their regions, its approaches, ..., its year, its age range, and one
"total" row), so a write compares a case study's rows before and after, keeps the new
ones and counts afresh only the values that changed.

The receivers below do that for the case studies a write concerns whenever a case study,
its outcomes or its links are written, or a record whose name, slug or region a facet
shows (an area, approach, setting, intervention, award, funding stream), by any path that
sends signals: the page forms, the API, the CSV upload, the admin and the loader. Paths
that write without signals (bulk_create: the synthetic data generator) call
case_study_facets_refresh themselves.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db import connections, router
from django.db.models import F, Model, Q, QuerySet, Value
from django.db.models.aggregates import Count
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from boroughs.models import Borough
from funding.models import Award, FundingStream

from .cost import CostModel
from .evidence import EvidenceModel
from .models import (
    Approach,
    CaseStudy,
    CaseStudyFacetValue,
    Intervention,
    Outcome,
    PublishedFacetCount,
    Setting,
)

#: For each facet counted through another table: that table, the value and label of a row
#: of it, and the name of its column pointing at the case study.
LINKED_FACETS: dict[str, tuple[type[Model], str, str, str]] = {
    "borough": (CaseStudy.boroughs.through, "borough__slug", "borough__name", "casestudy"),
    "region": (CaseStudy.boroughs.through, "borough__region", "borough__region", "casestudy"),
    "approach": (CaseStudy.approaches.through, "approach__slug", "approach__name", "casestudy"),
    "category": (
        CaseStudy.interventions.through,
        "intervention__category",
        "intervention__category",
        "casestudy",
    ),
    "funding_stream": (
        CaseStudy.awards.through,
        "award__stream__slug",
        "award__stream__name",
        "casestudy",
    ),
    "outcome_type": (Outcome, "outcome_type", "outcome_type", "case_study"),
    "setting": (CaseStudy.settings.through, "setting__slug", "setting__name", "casestudy"),
}
#: The facets that count a case study's own column (as text, so all facets' rows union).
COLUMN_FACETS = ("year", "evidence_level", "evaluation_design", "cost_band")
#: The case study's columns what it counts under is read from (the evidence level and cost
#: band are generated from the evidence and cost columns).
COUNTED_COLUMNS = frozenset(
    {"status", "year", "min_age", "max_age"}
    | {field.name for field in EvidenceModel._meta.local_fields}
    | {field.name for field in CostModel._meta.local_fields}
)
#: The facets' rows that are not a facet: the age ranges counted (value the lowest age,
#: label the highest, either "" when open), and the total.
AGE_RANGES = "age ranges"
TOTAL = "total"

#: (case study, published, facet, value, label)
FacetValueRow = tuple[int, bool, str, str, str]
#: (facet, value, label)
FacetKey = tuple[str, str, str]
#: (facet, value, label, count)
FacetCountRow = tuple[str, str, str, int]

#: Rows written in one statement (PostgreSQL takes 65,535 parameters at most).
_BATCH = 5000
#: Above this many values changed at once, every value is counted again (one query)
#: rather than each by name.
_COUNTED_BY_NAME = 200


def _linked_values(ids: set[int] | None) -> list[tuple[int, str, str, str, str]]:
    """(case study, status, facet, value, label) of every linked facet: one query."""
    using = router.db_for_read(CaseStudyFacetValue)
    connection = connections[using]
    parts = []
    for name, (link, value_path, label_path, case_study) in LINKED_FACETS.items():
        queryset: QuerySet[Any] = link._default_manager.all()
        if ids is not None:
            queryset = queryset.filter(**{f"{case_study}__in": ids})
        if name == "outcome_type":
            queryset = queryset.exclude(outcome_type="")
        sql, params = (
            queryset.annotate(
                facet_case_study=F(f"{case_study}_id"),
                facet_status=F(f"{case_study}__status"),
                facet=Value(name),
                facet_value=F(value_path),
                facet_label=F(label_path),
            )
            .values_list("facet_case_study", "facet_status", "facet", "facet_value", "facet_label")
            .order_by()
            .query.get_compiler(using=using)
            .as_sql()
        )
        parts.append((sql, tuple(params)))
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in parts),
            tuple(param for _, params in parts for param in params),
        )
        return cursor.fetchall()


def _facet_values(ids: set[int] | None) -> set[FacetValueRow]:
    """What these case studies (all, for None) count under now: two queries."""
    published = CaseStudy.Status.PUBLISHED
    studies = CaseStudy.objects.all() if ids is None else CaseStudy.objects.filter(pk__in=ids)
    rows: set[FacetValueRow] = set()
    for pk, status, *columns, low, high in studies.values_list(
        "pk", "status", *COLUMN_FACETS, "min_age", "max_age"
    ).order_by():
        is_published = status == published
        for name, value in zip(COLUMN_FACETS, columns, strict=True):
            if value is None or (name == "evaluation_design" and value == ""):
                continue
            rows.add((pk, is_published, name, str(value), str(value)))
        ages = ("" if low is None else str(low), "" if high is None else str(high))
        rows.add((pk, is_published, AGE_RANGES, *ages))
        rows.add((pk, is_published, TOTAL, "", ""))
    for pk, status, name, value, label in _linked_values(ids):
        rows.add((pk, status == published, name, str(value), str(label)))
    return rows


def _value_ids(keys: set[FacetKey]) -> dict[FacetKey, int]:
    """The id of each of these values in PublishedFacetCount, those not there yet added
    (counting none): one query when all are there, three when some are not."""

    def stored() -> dict[FacetKey, int]:
        rows = PublishedFacetCount.objects.filter(
            reduce(or_, (Q(facet=facet, value=value, label=label) for facet, value, label in keys))
        ).values_list("facet", "value", "label", "pk")
        return {(facet, value, label): pk for facet, value, label, pk in rows}

    if not keys:
        return {}
    ids = stored()
    if keys - ids.keys():
        PublishedFacetCount.objects.bulk_create(
            [
                PublishedFacetCount(facet=facet, value=value, label=label, count=0)
                for facet, value, label in keys - ids.keys()
            ],
            ignore_conflicts=True,
        )
        ids = stored()
    return ids


def _store_counts(counts: dict[int, int]) -> None:
    """Set these values' counts ({id: count}): one query."""
    PublishedFacetCount.objects.bulk_update(
        [PublishedFacetCount(pk=pk, count=count) for pk, count in counts.items()],
        ["count"],
        batch_size=_BATCH,
    )


def _published_counts(value_ids: set[int] | None) -> dict[int, int]:
    """How many published case studies count under each of these values (every value, for
    None), by id, from their stored rows: one query, two for None."""
    rows = CaseStudyFacetValue.objects.filter(published=True)
    if value_ids is not None:
        rows = rows.filter(value_id__in=value_ids)
    everything = (
        PublishedFacetCount.objects.values_list("pk", flat=True) if value_ids is None else value_ids
    )
    counted = dict.fromkeys(everything, 0)
    for value_id, count in rows.values_list("value_id").annotate(count=Count("pk")).order_by():
        counted[value_id] = count
    return counted


def case_study_facets_refresh(case_study_ids: Iterable[int] | None = None) -> None:
    """Bring these case studies' facet values (every case study's, for None) up to date,
    and count again the published case studies under each value that changed: three
    queries when nothing changed, seven when something did (one more to look up a value
    none of them counted under, three when it is new); every value counted again and
    stored for None."""
    ids = None if case_study_ids is None else {pk for pk in case_study_ids if pk is not None}
    if ids is not None and not ids:
        return
    if ids is None:
        rows = _facet_values(None)
        counts = Counter(
            (facet, value, label) for _, published, facet, value, label in rows if published
        )
        CaseStudyFacetValue.objects.all().delete()
        PublishedFacetCount.objects.all().delete()
        values = PublishedFacetCount.objects.bulk_create(
            [
                PublishedFacetCount(
                    facet=facet, value=value, label=label, count=counts[facet, value, label]
                )
                for facet, value, label in {(TOTAL, "", ""), *(row[2:] for row in rows)}
            ],
            batch_size=_BATCH,
        )
        value_ids = {(value.facet, value.value, value.label): value.pk for value in values}
        CaseStudyFacetValue.objects.bulk_create(
            [
                CaseStudyFacetValue(
                    case_study_id=pk, published=published, value_id=value_ids[facet, value, label]
                )
                for pk, published, facet, value, label in rows
            ],
            batch_size=_BATCH,
        )
        return
    stored = {
        (pk, published, facet, value, label): (row_pk, value_id)
        for row_pk, pk, published, value_id, facet, value, label in (
            CaseStudyFacetValue.objects.filter(case_study_id__in=ids).values_list(
                "pk",
                "case_study_id",
                "published",
                "value_id",
                "value__facet",
                "value__value",
                "value__label",
            )
        )
    }
    now = _facet_values(ids)
    gone = stored.keys() - now
    new = now - stored.keys()
    if not gone and not new:
        return
    if gone:
        CaseStudyFacetValue.objects.filter(pk__in=[stored[row][0] for row in gone]).delete()
    changed = {stored[row][1] for row in gone if row[1]}
    if new:
        # A value these case studies count under already is known by its id (a case study
        # published or withdrawn keeps its values); others are looked up, or added.
        value_ids = {row[2:]: value_id for row, (_, value_id) in stored.items()}
        value_ids |= _value_ids({row[2:] for row in new} - value_ids.keys())
        CaseStudyFacetValue.objects.bulk_create(
            CaseStudyFacetValue(
                case_study_id=pk, published=published, value_id=value_ids[facet, value, label]
            )
            for pk, published, facet, value, label in new
        )
        changed |= {value_ids[row[2:]] for row in new if row[1]}
    if changed:
        _store_counts(_published_counts(changed if len(changed) <= _COUNTED_BY_NAME else None))


def published_facet_counts() -> list[FacetCountRow]:
    """(facet, value, label, count) of every value some published case study counts
    under: one query (every case study counted and stored first, if none ever was)."""
    rows = list(PublishedFacetCount.objects.values_list("facet", "value", "label", "count"))
    if not rows:
        case_study_facets_refresh()
        rows = list(PublishedFacetCount.objects.values_list("facet", "value", "label", "count"))
    return [row for row in rows if row[3]]


#: The parts of published_counts_matching's query, each row led by the name of its part.
_STORED, _MATCHES, _MATCHING, _LEFT_OUT = "stored", "matches", "matching", "left out"


def published_counts_matching(matching: QuerySet[Any]) -> list[FacetCountRow]:
    """(facet, value, label, count), every count above 0, over the published case studies
    among `matching` (a subquery of one column of ids, `record`, whatever their status):
    ONE query, where the stored counts (published_facet_counts), how many match and the
    counts of the fewer side took three.

    Whichever side of the published is the smaller is counted from what each case study
    counts under: those that match, or, when more than half of all of them match (a word
    most case studies use), those that do not, taken off the stored counts. The query
    reads the matches, counts them, and reads the stored values of that side alone: the
    other side's condition is false before any row of it is read. Each side is counted by
    the values' ids, and named from the stored counts' rows the same query reads."""
    using = matching.db
    connection = connections[using]
    quote = connection.ops.quote_name
    matching_sql, matching_params = matching.query.get_compiler(using=using).as_sql()
    counted_matches, stored = quote("facet_matches"), quote("facet_stored")
    studies, values = quote(CaseStudy._meta.db_table), quote(CaseStudyFacetValue._meta.db_table)
    value_id, count = quote("value_id"), quote("count")
    columns = ", ".join(quote(name) for name in ("id", "facet", "value", "label"))
    matches = f"(SELECT {count} FROM {counted_matches})"  # noqa: S608
    total = (
        f"(SELECT COALESCE(SUM({count}), 0) FROM {stored} WHERE {quote('facet')} = %s "  # noqa: S608
        f"AND {quote('value')} = '' AND {quote('label')} = '')"
    )
    # Each side reads the matches where it joins them, not from a common table expression
    # of them, whose rows PostgreSQL plans without their statistics: taking half the
    # published as left out where a few were, it read every stored value, not those few's.
    matching_alias, record = quote("facet_matching"), quote("record")
    # The matches' own stored values (those of the published: `published` is the case
    # study's status when its values were last written, as the stored counts hold it),
    # looked up in the order of their ids: one word's postings give them in that order,
    # and the values' index is then walked from one end to the other, not at random
    # (2,300 matches at national scale: about a quarter less time than by the studies'
    # status and the matches in any order). Each match once: a study may hold two words.
    matched_ids = quote("facet_matched_ids")
    matching_side = (
        f"SELECT %s, {values}.{value_id}, '', '', '', COUNT(*) FROM {counted_matches} "  # noqa: S608
        f"INNER JOIN (SELECT DISTINCT {matching_alias}.{record} "
        f"FROM ({matching_sql}) AS {matching_alias} ORDER BY {matching_alias}.{record}) "
        f"AS {matched_ids} ON {counted_matches}.{count} * 2 <= {total} INNER JOIN {values} "
        f"ON {values}.{quote('case_study_id')} = {matched_ids}.{record} "
        f"WHERE {values}.{quote('published')} GROUP BY {values}.{value_id}"
    )
    # Those left out: the published case studies that do not match, each found by its
    # status and read from the stored values of those few. The side joins the count of
    # the matches rather than testing it in a subquery: read with no rows of its own, it
    # is planned without parallel workers, which PostgreSQL otherwise starts for a side
    # it then never reads (counted by integer ids, the side costs too little for a seq scan
    # alone; a worker's start took longer than counting `?q=loftus`).
    left_out_side = (
        f"SELECT %s, {values}.{value_id}, '', '', '', COUNT(*) FROM {counted_matches} "  # noqa: S608
        f"INNER JOIN {values} ON {counted_matches}.{count} * 2 > {total} "
        f"WHERE {values}.{quote('published')} "
        f"AND {values}.{quote('case_study_id')} IN (SELECT {studies}.{quote('id')} "
        f"FROM {studies} WHERE {studies}.{quote('status')} = %s AND NOT EXISTS (SELECT 1 "
        f"FROM ({matching_sql}) AS {matching_alias} "
        f"WHERE {matching_alias}.{record} = {studies}.{quote('id')})) "
        f"GROUP BY {values}.{value_id}"
    )
    # Names only (tables and columns named in code); every value is a parameter.
    sql = (
        f"WITH {counted_matches} AS (SELECT COUNT(*) AS {count} "  # noqa: S608
        f"FROM ({matching_sql}) AS {matching_alias}), "
        f"{stored} AS (SELECT {columns}, {count} "
        f"FROM {quote(PublishedFacetCount._meta.db_table)}) "
        f"SELECT %s, {columns}, {count} FROM {stored} "
        f"UNION ALL SELECT %s, 0, '', '', '', {matches} "
        f"UNION ALL {matching_side} UNION ALL {left_out_side}"
    )
    published = CaseStudy.Status.PUBLISHED
    params = (
        *matching_params,
        _STORED,
        _MATCHES,
        *(_MATCHING, *matching_params, TOTAL),
        *(_LEFT_OUT, TOTAL, published, *matching_params),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    named: dict[int, FacetKey] = {}
    parts: dict[str, dict[int, int]] = {_STORED: {}, _MATCHING: {}, _LEFT_OUT: {}}
    how_many = 0
    for part, pk, facet, value, label, counted in rows:
        if part == _MATCHES:
            how_many = counted
        else:
            if part == _STORED:
                named[pk] = (facet, value, label)
            parts[part][pk] = counted
    if not parts[_STORED]:  # never counted and stored: count and store them now
        case_study_facets_refresh()
        return published_counts_matching(matching)
    counts = parts[_STORED]
    if how_many * 2 <= sum(count for pk, count in counts.items() if named[pk] == (TOTAL, "", "")):
        counts = parts[_MATCHING]
    else:
        for pk, left_out in parts[_LEFT_OUT].items():
            counts[pk] -= left_out
    return [(*named[pk], number) for pk, number in counts.items() if number > 0]


# --- Which case studies a write concerns ------------------------------------------------------

#: Where a record keeps, between a pre_ and post_ signal, the case studies it concerned.
_REMEMBERED = "_facet_case_studies_before"


def _refresh_case_study(sender, instance, **kwargs):
    case_study_facets_refresh([instance.pk])


def _outcome_saving(sender, instance, **kwargs):
    """An outcome moved to another case study leaves its old one: remember which."""
    if instance.pk is not None:
        setattr(
            instance,
            _REMEMBERED,
            set(Outcome.objects.filter(pk=instance.pk).values_list("case_study_id", flat=True)),
        )


def _outcome_written(sender, instance, **kwargs):
    case_study_facets_refresh({*instance.__dict__.pop(_REMEMBERED, ()), instance.case_study_id})


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A case study's areas, approaches, settings, interventions or awards changed (or
    those of an area, approach, ...: `reverse`)."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            case_study_facets_refresh([instance.pk])
    elif action == "pre_clear":
        accessor = next(
            field.remote_field.get_accessor_name()
            for field in CaseStudy._meta.many_to_many
            if field.remote_field.through is sender
        )
        setattr(
            instance, _REMEMBERED, set(getattr(instance, accessor).values_list("pk", flat=True))
        )
    elif action in ("post_add", "post_remove"):
        case_study_facets_refresh(pk_set or ())
    elif action == "post_clear":
        case_study_facets_refresh(instance.__dict__.pop(_REMEMBERED, ()))


def _follow_named_record(model: type[Model], case_studies_of: Callable[[Any], QuerySet[Any]]):
    """A record whose name, slug, region, category or stream a facet shows: its case
    studies are counted again when it is saved, and when it is deleted (its links go with
    it without a signal)."""

    def ids(instance: Any) -> set[int]:
        return set(case_studies_of(instance).values_list("pk", flat=True))

    def saved(sender, instance, created=False, **kwargs):
        if not created:  # a new record has no case study yet
            case_study_facets_refresh(ids(instance))

    def deleting(sender, instance, **kwargs):
        setattr(instance, _REMEMBERED, ids(instance))

    def deleted(sender, instance, **kwargs):
        case_study_facets_refresh(instance.__dict__.pop(_REMEMBERED, ()))

    label = f"casestudies.facet_figures.{model._meta.label_lower}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{label}.saved")
    pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=f"{label}.deleting")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{label}.deleted")


post_save.connect(_refresh_case_study, sender=CaseStudy, dispatch_uid="facets.case_study.saved")
post_delete.connect(_refresh_case_study, sender=CaseStudy, dispatch_uid="facets.case_study.deleted")
pre_save.connect(_outcome_saving, sender=Outcome, dispatch_uid="facets.outcome.saving")
post_save.connect(_outcome_written, sender=Outcome, dispatch_uid="facets.outcome.saved")
post_delete.connect(_outcome_written, sender=Outcome, dispatch_uid="facets.outcome.deleted")
for _through in {link for link, *_ in LINKED_FACETS.values()} - {Outcome}:
    m2m_changed.connect(
        _links_changed, sender=_through, dispatch_uid=f"facets.{_through._meta.label_lower}"
    )
_follow_named_record(Borough, lambda area: CaseStudy.objects.filter(boroughs=area))
_follow_named_record(Approach, lambda approach: CaseStudy.objects.filter(approaches=approach))
_follow_named_record(Setting, lambda setting: CaseStudy.objects.filter(settings=setting))
_follow_named_record(Intervention, lambda used: CaseStudy.objects.filter(interventions=used))
_follow_named_record(Award, lambda award: CaseStudy.objects.filter(awards=award))
_follow_named_record(FundingStream, lambda stream: CaseStudy.objects.filter(awards__stream=stream))
