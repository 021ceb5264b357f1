"""Pages whose content spans apps: the boroughs table, a borough's profile, compare and
"my portal". Each view takes a selector, a form and a template (docs/decisions/0007)."""

import datetime as dt
from dataclasses import dataclass
from http import HTTPStatus
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from actionplans.forms import AsAtForm
from actionplans.history import AsAtError
from actionplans.models import ItemStatus
from boroughs.models import Borough, StockTake
from boroughs.roles import is_analyst, is_editor
from boroughs.selectors import place_links
from casestudies import review as case_study_review
from casestudies import selectors as case_study_selectors
from casestudies.models import CaseStudy
from core.charts import Segment, stacked_bar, swatch
from core.fragments import rendered_once
from core.links import address_per_slug
from core.signed_in_pages import kept_per_reader
from funding.models import Award
from funding.selectors import award_table_rows, with_stream_addresses

from .forms import TABLE_MAPS, BoroughTableForm, CompareForm
from .maps import profile_map, table_map
from .selectors import (
    FUNDING_ENDING_SOON_DAYS,
    borough_stock_take_answers,
    borough_summaries,
    boroughs_desk,
    compare_boroughs,
)

#: Item status colours: each at least 3:1 against white (WCAG 1.4.11); the chart's
#: table says the same in words.
STATUS_COLOURS = {
    ItemStatus.NOT_STARTED: "#505a5f",
    ItemStatus.ON_TRACK: "#1d70b8",
    ItemStatus.AT_RISK: "#a34d00",
    ItemStatus.OFF_TRACK: "#ca3535",
    ItemStatus.COMPLETE: "#0f7a52",
    ItemStatus.CANCELLED: "#54319f",
}


def funding_display(summary):
    """A borough's awards total as a reader should take it: a floor says "at least"."""
    if not summary.awards:
        return "Not recorded"
    if summary.awards_amount_not_stated == summary.awards:
        return "Amount not stated"
    amount = f"£{summary.awards_total:,.0f}"
    return f"at least {amount}" if summary.awards_total_is_minimum else amount


def complete_display(summary):
    """A plan's share complete; a borough without a recorded plan says so."""
    if summary.percent_complete is not None:
        return f"{summary.percent_complete:g}%"
    return "No items" if summary.active_plan else "Not recorded"


# --- Boroughs table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool
    sort_key: object  # summary -> value; None sorts last whichever the direction


COLUMNS = [
    Column("name", "Borough", False, lambda s: s.borough.name.lower()),
    Column("region", "Region", False, lambda s: s.borough.get_region_display()),
    Column("plan", "Action plan", False, lambda s: s.active_plan and s.active_plan.title),
    Column("complete", "Complete", True, lambda s: s.percent_complete),
    Column("overdue", "Overdue items", True, lambda s: s.overdue_items if s.active_plan else None),
    Column("case_studies", "Case studies", True, lambda s: s.case_studies),
    Column("awards", "Awards", True, lambda s: s.awards),
    Column("funding", "Funding", True, lambda s: s.awards_total if s.awards else None),
]


def sort_summaries(summaries, sort):
    """Sorted by a column, ties and empty values by name; empty values last."""
    column = next(c for c in COLUMNS if c.key == sort.lstrip("-"))
    by_name = sorted(summaries, key=lambda s: s.borough.name.lower())
    present = [s for s in by_name if column.sort_key(s) is not None]
    missing = [s for s in by_name if column.sort_key(s) is None]
    return sorted(present, key=column.sort_key, reverse=sort.startswith("-")) + missing


def borough_table(request):
    """Every borough with its plan figures; with ?as_at=YYYY-MM-DD, the plans as they stood
    at the end of that day (docs/decisions/0010)."""
    form = BoroughTableForm(request.GET)
    form.is_valid()
    region = form.cleaned_data.get("region", "")
    sort = form.cleaned_data.get("sort") or "name"
    chosen_map = form.cleaned_data.get("map") or TABLE_MAPS[0][0]
    view = "london" if region == "london" else "england"
    as_at_form = AsAtForm(request.GET, today=timezone.localdate())
    day = as_at_form.day
    if as_at_form.redirect_needed:
        query = {"region": region, "sort": sort if sort != "name" else "", "as_at": day}
        return redirect(
            reverse("portal:borough-table") + "?" + urlencode({k: v for k, v in query.items() if v})
        )
    notices = []
    if "sort" in form.errors:
        notices.append(
            f"The table cannot be sorted by “{request.GET.get('sort')}”, "
            "so it is sorted by borough name."
        )
    if "map" in form.errors:
        notices.append(
            f"There is no map of “{request.GET.get('map')}”, so the map shows action plans."
        )

    boroughs = Borough.objects.for_summary().order_by("name")
    if region:
        boroughs = boroughs.in_region(region)
    try:
        by_name = borough_summaries(boroughs, as_at=day)
    except AsAtError as error:
        as_at_form.refuse(error)
        day = None
        by_name = borough_summaries(boroughs)
    summaries = sort_summaries(by_name, sort)
    errors = [("region", message) for message in form.errors.get("region", [])]
    errors += as_at_form.error_summary()
    as_at = day.isoformat() if day else ""

    headers = []
    for column in COLUMNS:
        ascending = sort == column.key
        descending = sort == f"-{column.key}"
        query = {
            "region": region,
            "sort": column.key if not ascending else f"-{column.key}",
            "as_at": as_at,
            "map": chosen_map if chosen_map != TABLE_MAPS[0][0] else "",
        }
        headers.append(
            {
                "column": column,
                "url": "?" + urlencode({k: v for k, v in query.items() if v}),
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
                "next_direction": "descending" if ascending else "ascending",
            }
        )
    map_choices = [
        {
            "label": label,
            "current": key == chosen_map,
            "url": "?"
            + urlencode(
                {
                    k: v
                    for k, v in {
                        "region": region,
                        "sort": sort if sort != "name" else "",
                        "as_at": as_at,
                        "map": key if key != TABLE_MAPS[0][0] else "",
                    }.items()
                    if v
                }
            ),
        }
        for key, label in TABLE_MAPS
    ]
    cells = table_cells(summaries)
    return render(
        request,
        "svportal/borough_table.html",
        {
            "form": form,
            "errors": errors,
            "notices": notices,
            "region": region,
            "region_label": dict(form.fields["region"].choices).get(region, ""),
            "sort": sort,
            "headers": headers,
            "summaries": summaries,
            "rows": cells,
            # Hundreds of rows cost more to render than to read: kept once per set of them.
            "table_rows": rendered_once("svportal/_borough_table_rows.html", {"cells": cells}),
            # The map shows the figures as they stand today, whatever the table's day: the
            # summaries of a table without a day hold its plan states already, and those
            # of any day the latest stock-take answers. A table of England or of London
            # holds every area of its map, by name.
            "map": table_map(
                view,
                chosen_map,
                shown=[summary.borough for summary in by_name]
                if region in ("", "london")
                else None,
                states=(
                    {summary.borough.pk: summary.plan_state for summary in summaries}
                    if day is None
                    else None
                ),
                reported=(
                    {
                        summary.borough.pk: summary.plan_reported.option.slug
                        for summary in summaries
                        if summary.plan_reported
                    }
                    if day is not None
                    else None
                ),
            ),
            "map_choices": map_choices,
            "chosen_map": chosen_map,
            "as_at_form": as_at_form,
            "as_at": day,
            "today_url": reverse("portal:borough-table")
            + "?"
            + urlencode(
                {
                    k: v
                    for k, v in {
                        "region": region,
                        "sort": sort,
                        "map": chosen_map if chosen_map != TABLE_MAPS[0][0] else "",
                    }.items()
                    if v
                }
            ),
            "csv_query": urlencode(
                {k: v for k, v in {"region": region, "as_at": as_at}.items() if v}
            ),
        },
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )


class TableRow(NamedTuple):
    """What each cell of a row of the boroughs table shows, as plain values (the template
    words them): nothing else goes into the rows, so they can be kept by these values (a
    tuple of them: its digest is worked out on every visit, for hundreds of rows)."""

    href: str
    name: str
    region: str
    plan_state: str
    reported_on: dt.date | None
    reported: str
    has_plan: bool
    complete: str | None  # None where no share is known (no plan, or no items)
    overdue: int
    case_studies: int
    awards: int
    funding: str | None  # None where no award is recorded


def table_cells(summaries):
    """A TableRow for each summary, in their order."""
    profile = address_per_slug(lambda slug: reverse("portal:borough-profile", args=[slug]))
    regions = {}
    cells = []
    for summary in summaries:
        borough = summary.borough
        region = regions.get(borough.region)
        if region is None:
            region = regions[borough.region] = borough.get_region_display()
        reported = summary.plan_reported
        cells.append(
            TableRow(
                profile(borough.slug),
                borough.name,
                region,
                str(summary.plan_state),
                reported.question.stock_take.conducted_on if reported else None,
                reported.option.label if reported else "",
                bool(summary.active_plan),
                complete_display(summary) if summary.percent_complete is not None else None,
                summary.overdue_items,
                summary.case_studies,
                summary.awards,
                funding_display(summary) if summary.awards else None,
            )
        )
    return cells


# --- Borough profile -------------------------------------------------------------------------


def plan_progress(summary):
    """The stacked bar of items by status, and the table rows that say the same."""
    total = summary.item_count
    rows = [
        {
            "label": ItemStatus(status).label,
            "count": count,
            "share": f"{round(100 * count / total, 1):g}%" if total else "0%",
            "swatch": swatch(STATUS_COLOURS[status]),
        }
        for status, count in summary.items_by_status.items()
    ]
    described = ", ".join(f"{row['label']} {row['count']}" for row in rows if row["count"])
    chart = stacked_bar(
        [
            Segment(ItemStatus(status).label, count, STATUS_COLOURS[status])
            for status, count in summary.items_by_status.items()
        ],
        label=f"Action plan items by status: {described or 'no items'}",
        empty_text="No items recorded",
    )
    return chart, rows


#: What the profile's lists of case studies show of each: its summary, not its sections.
LISTED_CASE_STUDY_FIELDS = ("slug", "title", "status", "year", "summary")


def listed_case_studies(case_studies):
    """The case studies as the profile lists them, as plain values, each with its address
    (``href``, reversed once for all of them: a borough can have a hundred) and its
    status in words."""
    address = address_per_slug(lambda slug: reverse("casestudies:detail", args=[slug]))
    return [
        {
            **row,
            "href": address(row["slug"]),
            "status_label": CaseStudy.Status(row["status"]).label,
        }
        for row in case_studies.order_by("-year", "title").values(*LISTED_CASE_STUDY_FIELDS)
    ]


def case_study_list(listed, *, heading):
    """A profile's list of case studies (title, its status unless published, year and
    the summary's first fifty words) under ``heading`` tags ("h3", "h4"), kept once per
    set of what it shows (core.fragments): a hundred summaries cost more to write out
    than to read."""
    return rendered_once(
        "svportal/_case_study_list.html", {"case_studies": listed, "heading": heading}
    )


def interventions_table(name, interventions):
    """The profile's table of the interventions in use (interventions_with_where) in the
    borough called ``name``, kept once per set of what it shows (core.fragments): a
    borough can use a couple of hundred."""
    return rendered_once(
        "svportal/_interventions_table.html", {"name": name, "interventions": interventions}
    )


def award_table(awards, *, caption):
    """A table of awards (templates/funding/_award_table.html) with their funders, from
    what it shows of each (funding.selectors.award_table_rows), kept once per set of them
    (core.fragments)."""
    return rendered_once(
        "funding/_award_table.html", {"awards": awards, "caption": caption, "show_funder": True}
    )


@kept_per_reader
def borough_profile(request, slug):
    borough = get_object_or_404(Borough.objects.select_related("source"), slug=slug)
    summary = borough_summaries([borough], named_interventions=True)[0]
    chart, status_rows = plan_progress(summary)
    case_studies = listed_case_studies(
        CaseStudy.objects.visible_to(request.user).for_borough(borough)
    )
    awards = award_table_rows(Award.objects.for_borough(borough))
    links = place_links(borough)
    covering = links.covering_areas
    covering_names = " and ".join(area.name for area in covering)
    covering_awards = award_table_rows(Award.objects.through_covering(borough, covering))
    interventions = interventions_with_where(summary.in_use)
    covering_case_studies = listed_case_studies(
        CaseStudy.objects.visible_to(request.user).through_covering(borough, covering)
    )
    return render(
        request,
        "svportal/borough_profile.html",
        {
            "borough": borough,
            "summary": summary,
            "complete": complete_display(summary),
            "funding": funding_display(summary),
            "chart": chart,
            "status_rows": status_rows,
            "rounds": borough_stock_take_answers(borough),
            "case_studies": case_studies,
            "case_study_list": case_study_list(case_studies, heading="h3"),
            "awards": awards,
            "award_table": award_table(awards, caption=f"Funding awarded to {borough.name}"),
            "links": links,
            "interventions": interventions,
            "interventions_table": interventions_table(borough.name, interventions),
            # What the areas covering it hold (Suffolk's for Ipswich), counted apart from
            # its own: a county's award is not shared out among its districts.
            "covering_names": covering_names,
            "covering_verb": "cover" if len(covering) > 1 else "covers",
            "covering_case_studies": covering_case_studies,
            "covering_case_study_list": case_study_list(covering_case_studies, heading="h4"),
            "covering_awards": covering_awards,
            "covering_award_table": award_table(
                covering_awards, caption=f"Funding awarded to {covering_names}"
            ),
            "map": profile_map(borough, links.districts),
        },
    )


# --- Compare ---------------------------------------------------------------------------------


WHERE_LABELS = {
    ("plan",): "its plan",
    ("case_study",): "a case study",
    ("plan", "case_study"): "its plan and a case study",
}


def interventions_with_where(in_use):
    """(address, name, where it is recorded) for each intervention a borough uses, by
    name; the address reversed once for all of them."""
    address = address_per_slug(lambda slug: reverse("casestudies:intervention-detail", args=[slug]))
    return [
        (address(slug), name, WHERE_LABELS[tuple(in_use.where(slug))])
        for slug, name in sorted(in_use.all.items(), key=lambda pair: pair[1].lower())
    ]


def list_items(items):
    """List items (``<li>``) of HTML already escaped, joined: compare lists hundreds of
    interventions, which cost more written one by one in the template than the rest of
    the comparison."""
    return mark_safe("".join(f"<li>{item}</li>" for item in items))  # noqa: S308 - escaped


def compare(request):
    """2–4 boroughs side by side; with ?as_at=YYYY-MM-DD, their plans as they stood at the
    end of that day (docs/decisions/0010)."""
    # Every area is a choice: read as values, as a row of the boroughs table shows them.
    boroughs = Borough.objects.for_summary().order_by("name").summary_rows()
    form = CompareForm(CompareForm.slugs_from(request.GET), boroughs=boroughs)
    as_at_form = AsAtForm(request.GET, today=timezone.localdate())
    context = {"form": form, "as_at_form": as_at_form, "errors": [], "comparison": None}
    bad_boroughs = form.is_bound and not form.is_valid()
    if bad_boroughs or as_at_form.errors:
        context["errors"] = (form.error_summary() if bad_boroughs else []) + (
            as_at_form.error_summary()
        )
        return render(request, "svportal/compare.html", context, status=HTTPStatus.BAD_REQUEST)
    if form.is_bound:
        chosen = form.chosen
        shared = ",".join(borough.slug for borough in chosen)
        day = as_at_form.day
        if request.GET.getlist("boroughs") != [shared] or as_at_form.redirect_needed:
            # The form sends one parameter per select, and the date in three boxes; the
            # link to share names the boroughs once and the date as as_at.
            query = {"boroughs": shared, **({"as_at": day.isoformat()} if day else {})}
            return redirect(reverse("portal:compare") + "?" + urlencode(query, safe=","))
        try:
            comparison = compare_boroughs(chosen, as_at=day)
        except AsAtError as error:
            as_at_form.refuse(error)
            context["errors"] = as_at_form.error_summary()
            return render(request, "svportal/compare.html", context, status=HTTPStatus.BAD_REQUEST)
        context["comparison"] = comparison
        context["shared"] = shared
        context["as_at"] = day
        context["share_query"] = urlencode(
            {"boroughs": shared, **({"as_at": day.isoformat()} if day else {})}, safe=","
        )
        context["columns"] = [
            {
                "summary": summary,
                "complete": complete_display(summary),
                "funding": funding_display(summary),
                "themes": comparison.themes_covered[summary.borough.pk],
                "approaches": comparison.approaches[summary.borough.pk],
                "interventions": interventions_with_where(summary.in_use),
                "unique": comparison.unique_interventions(summary.borough.pk),
            }
            for summary in comparison.summaries
        ]
        for column in context["columns"]:
            column["interventions_items"] = list_items(
                f'{escape(name)} <span class="govuk-body-s">(in {escape(where)})</span>'
                for _, name, where in column["interventions"]
            )
            column["unique_items"] = list_items(escape(name) for name in column["unique"])
        context["in_common"] = list_items(
            escape(name) for name in comparison.interventions_in_common
        )
    return render(request, "svportal/compare.html", context)


# --- My portal -------------------------------------------------------------------------------


@never_cache  # one user's own desk: no cache may keep it
@login_required
def my_portal(request):
    user = request.user
    desks = boroughs_desk(user)
    for desk in desks:
        with_stream_addresses(desk.awards_ending)
    analyst_or_editor = is_analyst(user) or is_editor(user)
    return render(
        request,
        "svportal/my_portal.html",
        {
            "desks": desks,
            "is_analyst": is_analyst(user),
            "is_editor": is_editor(user),
            "days": FUNDING_ENDING_SOON_DAYS,
            "today": timezone.localdate(),
            "stock_takes": StockTake.objects.all() if analyst_or_editor else [],
            "review_queue": case_study_review.queue_with_ages(
                case_study_selectors.review_queue(), timezone.now()
            )
            if is_editor(user)
            else None,
            "notices": case_study_review.notices_with_text(
                case_study_selectors.review_notices_of(user)
            ),
        },
    )
