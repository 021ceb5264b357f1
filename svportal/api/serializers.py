"""Serializers of the portal-wide API endpoints: the borough summary's rows, as the API
and the exports write them."""

import datetime as dt
from typing import Any

from rest_framework import serializers

from boroughs.api.serializers import BoroughRefSerializer
from svportal.selectors import (
    ITEM_STATUSES,
    NOT_RECORDED_REASONS,
    BoroughSummary,
    NotRecorded,
    PlanState,
)


class ActivePlanSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    last_refreshed_on = serializers.DateField(allow_null=True)


class ItemsByStatusSerializer(serializers.Serializer):
    not_started = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    complete = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class SummaryBoroughSerializer(BoroughRefSerializer):
    class Meta(BoroughRefSerializer.Meta):
        fields = [*BoroughRefSerializer.Meta.fields, "region", "kind"]


class PlanReportedSerializer(serializers.Serializer):
    stock_take = serializers.SlugField(source="question.stock_take.slug")
    conducted_on = serializers.DateField(source="question.stock_take.conducted_on")
    answer = serializers.SlugField(source="option.slug")
    label = serializers.CharField(source="option.label")  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    quote = serializers.CharField()


class BoroughSummarySerializer(serializers.Serializer):
    borough = SummaryBoroughSerializer()
    plan_state = serializers.ChoiceField(
        choices=[state.value for state in PlanState],
        help_text="active: an active plan is recorded; none: a source records that the "
        "borough has no plan; not_recorded: the portal has no record either way.",
    )
    plan_reported = PlanReportedSerializer(
        allow_null=True,
        help_text="The borough's latest recorded stock-take answer on having a knife crime "
        "action plan, with its quote.",
    )
    active_plan = ActivePlanSerializer(allow_null=True)
    items = ItemsByStatusSerializer(
        source="recorded_items_by_status",
        allow_null=True,
        help_text="Null when no plan is recorded (see not_recorded).",
    )
    item_count = serializers.IntegerField(source="recorded_item_count", allow_null=True)
    percent_complete = serializers.FloatField(
        allow_null=True, help_text="Complete items as a percentage of those not cancelled."
    )
    overdue_items = serializers.IntegerField(source="recorded_overdue_items", allow_null=True)
    last_plan_update = serializers.DateField(allow_null=True)
    case_studies = serializers.IntegerField(help_text="Published case studies.")
    awards = serializers.IntegerField(help_text="Awards to the borough recorded in the portal.")
    awards_total = serializers.DecimalField(
        source="recorded_awards_total",
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="Null when no award is recorded, or none of those recorded states its amount "
        "(see not_recorded).",
    )
    awards_total_is_minimum = serializers.BooleanField(
        help_text="True when the total is a floor: an award is stated as a minimum "
        "(“over £…”) or its amount is not stated."
    )
    awards_amount_not_stated = serializers.IntegerField(
        help_text="Awards counted whose amount the sources do not state."
    )
    interventions_in_use = serializers.IntegerField(
        source="recorded_interventions_in_use",
        allow_null=True,
        help_text="Distinct interventions in use: those its active plan's items deliver and "
        "those its published case studies describe, each counted once. Null when no plan is "
        "recorded and no case study names one (see not_recorded).",
    )
    interventions_in_plan = serializers.IntegerField(
        allow_null=True,
        help_text="Interventions its active plan's items deliver. Null when no plan is "
        "recorded (see not_recorded).",
    )
    interventions_in_case_studies = serializers.IntegerField(
        help_text="Interventions its published case studies describe."
    )
    not_recorded = serializers.DictField(
        child=serializers.ChoiceField(choices=[code.value for code in NotRecorded]),
        help_text="For each figure that is null because the portal cannot know it: why, as "
        "a code. "
        + "; ".join(f"{code.value}: {reason}" for code, reason in NOT_RECORDED_REASONS.items())
        + " The spreadsheet (format=csv) gives the reasons in words.",
    )


class BoroughSummaryAsAtSerializer(BoroughSummarySerializer):
    """A row of the summary; with as_at, it names the day its plan figures are from."""

    as_at = serializers.DateField(
        required=False,
        help_text="The day asked for with as_at: the plan figures are as they stood at the "
        "end of it. Absent when they are as they stand now.",
    )


#: Renders a total as BoroughSummarySerializer.awards_total does (a string of two places).
_AMOUNT = serializers.DecimalField(max_digits=16, decimal_places=2)


#: The state of every row with a plan, as its text.
_ACTIVE = str(PlanState.ACTIVE)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def summary_data(summary: BoroughSummary) -> dict[str, Any]:
    """What BoroughSummarySerializer (and, with as_at, BoroughSummaryAsAtSerializer) gives
    for a summary, built directly: for a table of every council, DRF's field machinery
    cost more than reading the figures. The serializers stay the schema, and a test holds
    this equal to them."""
    borough = summary.borough
    reported = summary.plan_reported
    plan = summary.active_plan
    total = summary.recorded_awards_total
    if plan:
        # The figures a plan makes known, each worked out once for the row.
        items = summary.items_by_status
        plan_data: dict[str, Any] | None = {
            "slug": plan.slug,
            "title": plan.title,
            "last_refreshed_on": _day(plan.last_refreshed_on),
        }
        items_data: dict[str, int] | None = {status: items[status] for status in ITEM_STATUSES}
        item_count: int | None = summary.item_count
        overdue_items: int | None = summary.overdue_items
        percent_complete = summary.percent_complete
        state = _ACTIVE
    else:
        plan_data = items_data = item_count = overdue_items = percent_complete = None
        state = str(summary.plan_state)
    data: dict[str, Any] = {
        "borough": {
            "slug": borough.slug,
            "name": borough.name,
            "gss_code": borough.gss_code,
            "region": borough.region,
            "kind": borough.kind,
        },
        "plan_state": state,
        "plan_reported": {
            "stock_take": reported.question.stock_take.slug,
            "conducted_on": _day(reported.question.stock_take.conducted_on),
            "answer": reported.option.slug,
            "label": reported.option.label,
            "quote": reported.quote,
        }
        if reported
        else None,
        "active_plan": plan_data,
        "items": items_data,
        "item_count": item_count,
        "percent_complete": percent_complete,
        "overdue_items": overdue_items,
        "last_plan_update": _day(summary.last_plan_update),
        "case_studies": summary.case_studies,
        "awards": summary.awards,
        "awards_total": _AMOUNT.to_representation(total) if total is not None else None,
        "awards_total_is_minimum": summary.awards_total_is_minimum,
        "awards_amount_not_stated": summary.awards_amount_not_stated,
        "interventions_in_use": summary.recorded_interventions_in_use,
        "interventions_in_plan": summary.interventions_in_plan,
        "interventions_in_case_studies": summary.interventions_in_case_studies,
        # _value_ rather than the value property: read for each null figure of every row.
        "not_recorded": {name: code._value_ for name, code in summary.not_recorded.items()},
    }
    if summary.as_at is not None:
        data["as_at"] = summary.as_at.isoformat()
    return data


def summary_csv_row(summary: BoroughSummary) -> dict[str, Any]:
    row = summary_data(summary)
    row.pop("borough")
    plan = row.pop("active_plan") or {}
    items = row.pop("items") or dict.fromkeys(ITEM_STATUSES)
    reported = row["plan_reported"] or {}
    # In a spreadsheet: the answer and the round it was given in; the reasons as one text.
    row["plan_reported"] = f"{reported['label']} ({reported['stock_take']})" if reported else ""
    row["not_recorded"] = " ".join(
        dict.fromkeys(
            NOT_RECORDED_REASONS[NotRecorded(code)] for code in row["not_recorded"].values()
        )
    )
    return {
        "borough": summary.borough.name,
        "gss_code": summary.borough.gss_code,
        "region": summary.borough.get_region_display(),
        "kind": summary.borough.get_kind_display(),
        "active_plan": plan.get("title", ""),
        **{f"items_{status}": items[status] for status in ITEM_STATUSES},
        **row,
    }
