"""Plans' figures on a day, read from their stored timelines (actionplans.dated_figures),
are exactly those of their items rebuilt from the whole history (actionplans.history) on
every day: before, between and after edits made over the years, whatever wrote them."""

import datetime as dt
from collections import Counter
from contextlib import contextmanager
from http import HTTPStatus
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionplans.dated_figures import dated_figures_at, dated_figures_refresh
from actionplans.history import items_as_at, plans_as_at
from actionplans.models import ActionItem, ActionPlan, DatedPlanFigures, ItemStatus
from actionplans.selectors import items_for_history, plans_for_history
from actionplans.services import action_item_create, action_item_update
from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy, Intervention
from casestudies.tests.api.test_case_study_writes import client_for
from casestudies.tests.factories import CaseStudyFactory
from svportal.selectors import _summaries, borough_summaries
from tests.test_change_history import admin_edit

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@contextmanager
def on(moment):
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def replayed(plans, day):
    """The figures at the end of ``day`` of each plan that existed then, as the whole
    history rebuilds them."""
    state = plans_as_at(plans_for_history().filter(pk__in=plans), day)
    items = items_as_at(state.plans, items_for_history().filter(plan__in=plans), day).items
    figures = {plan.pk: (Counter(), 0, None) for plan in state.existing}
    for item in items:
        by_status, overdue, latest = figures[item.plan_id]
        by_status[item.status] += 1
        if item.last_updated_at and (latest is None or item.last_updated_at > latest):
            latest = item.last_updated_at
        figures[item.plan_id] = (by_status, overdue + item.is_overdue(day), latest)
    return {
        pk: (dict(counts), overdue, latest) for pk, (counts, overdue, latest) in figures.items()
    }


def stored(plans, day):
    return {
        pk: (figures.items_by_status, figures.overdue_items, figures.last_item_update)
        for pk, figures in dated_figures_at(plans, day).items()
    }


def days_to_compare(edits):
    """Every thirteen weeks from before the first record to today (the synthetic history
    changes throughout, so each such day finds other figures), and each edit's day with
    the days either side."""
    days = set()
    day = dt.date(2018, 12, 1)
    while day <= timezone.localdate():
        days.add(day)
        day += dt.timedelta(days=91)
    for moment in edits:
        edited = moment.astimezone(LONDON).date()
        days |= {edited - dt.timedelta(days=1), edited, edited + dt.timedelta(days=1)}
    return sorted(day for day in days if day <= timezone.localdate())


def edit_over_the_years(editor):
    """Edits by the services at moments spread over the years (some before the items'
    later history), a new item, and a change made without history (as the admin and the
    loader do). Returns the moments."""
    items = list(
        ActionItem.objects.filter(plan__borough__slug__startswith="synthetic-").order_by("pk")
    )
    moments = [
        dt.datetime(2021, 3, 28, 0, 30, tzinfo=LONDON),  # the night the clocks go forward
        dt.datetime(2022, 10, 30, 23, 59, tzinfo=LONDON),
        dt.datetime(2026, 1, 15, 9, tzinfo=LONDON),
        dt.datetime(2026, 6, 1, 17, tzinfo=LONDON),
    ]
    for number, moment in enumerate(moments):
        with on(moment):
            for item in items[number * 30 : number * 30 + 30 : 3]:
                item.refresh_from_db()
                changes = {"due_date": moment.date() + dt.timedelta(days=20 * (number % 3) - 10)}
                if number % 2:
                    changes["due_date"] = None
                if item.status not in (ItemStatus.COMPLETE, ItemStatus.CANCELLED):
                    changes["status"] = ItemStatus.ON_TRACK if number % 2 else ItemStatus.COMPLETE
                action_item_update(
                    item=item,
                    acting_user=editor,
                    expected_version=item.version,
                    changes=changes,
                )
            action_item_create(
                plan=items[number * 30].plan,
                acting_user=editor,
                fields={
                    "title": f"Added in {moment.year}",
                    "theme": items[number * 30].theme,
                    "due_date": moment.date() + dt.timedelta(days=3),
                },
            )
    # Changed without a history entry: it reads as it stands now, back to its last update.
    behind_the_back = items[len(items) // 2 + 1]
    behind_the_back.status = ItemStatus.CANCELLED
    behind_the_back.due_date = dt.date(2020, 2, 2)
    behind_the_back.save()
    return moments


def test_stored_figures_agree_with_the_history_replayed_on_every_day(run_command):
    run_command("generate_synthetic", "--scale", "0.02")
    editor = get_user_model().objects.create_user("an-editor")
    role_grant(user=editor, role="editor")
    moments = edit_over_the_years(editor)
    plans = list(ActionPlan.objects.values_list("pk", flat=True))
    # A published case study of Westminster describes one of the interventions its plan
    # delivers, which is then counted once.
    delivered = Intervention.objects.filter(plan_items__plan__borough__slug="westminster")
    CaseStudyFactory(
        boroughs=[Borough.objects.get(slug="westminster")],
        interventions=[delivered.order_by("pk").first()],
        status=CaseStudy.Status.PUBLISHED,
    )

    compared = Counter()
    for day in days_to_compare(moments):
        expected = replayed(plans, day)
        assert stored(list(expected), day) == expected, day
        compared["items"] += sum(sum(by_status.values()) for by_status, _, _ in expected.values())
        compared["overdue"] += sum(overdue for _, overdue, _ in expected.values())
    assert compared["items"] > 10_000
    assert compared["overdue"] > 1_000

    # The borough figures as at a day, read from the timelines and with the interventions
    # in use counted, are those of the items rebuilt and the interventions named, borough
    # by borough (Westminster's plan delivers interventions its case studies describe).
    boroughs = list(Borough.objects.order_by("name"))
    for day in [dt.date(2021, 3, 28), dt.date(2024, 2, 29), timezone.localdate()]:
        rebuilt = _summaries(boroughs, today=None, as_at=day, with_items=True)[0]
        counted = borough_summaries(boroughs, as_at=day)
        assert [borough_figures(summary) for summary in counted] == [
            borough_figures(summary) for summary in rebuilt
        ], day
    assert any(summary.in_use_counts.in_both for summary in counted)


def borough_figures(summary):
    return (
        summary.borough.slug,
        summary.items_by_status,
        summary.overdue_items,
        summary.last_item_update,
        summary.in_use_counts,
    )


def test_timelines_worked_out_again_after_writes_are_those_worked_out_from_scratch(
    run_command,
):
    """Only the rows that differ are written when a plan's timeline is worked out again
    after a write; they leave it as it would be worked out from nothing."""
    run_command("generate_synthetic", "--scale", "0.002")
    editor = get_user_model().objects.create_user("an-editor")
    role_grant(user=editor, role="editor")
    edit_over_the_years(editor)
    plans = list(ActionPlan.objects.values_list("pk", flat=True))
    dated_figures_at(plans, timezone.localdate())  # the plans written are worked out again
    kept = timelines()
    assert len(kept) > 100
    DatedPlanFigures.objects.all().delete()
    dated_figures_refresh(plans)
    assert timelines() == kept


def timelines():
    return {
        (row.plan_id, row.since): (row.items_by_status, row.overdue_items, row.last_item_update)
        for row in DatedPlanFigures.objects.all()
    }


def test_every_write_path_keeps_the_figures_right(client, run_command):
    """The admin, a CSV upload, the loader and a source's publication date: each write
    shows in the figures on the days it changes."""
    plans = list(
        ActionPlan.objects.filter(borough__slug="westminster").values_list("pk", flat=True)
    )
    today = timezone.localdate()
    published = dt.date(2019, 9, 10)  # Westminster's plan and its items, as loaded

    def agree(*days):
        for day in days:
            expected = replayed(plans, day)  # the plans that existed on the day
            assert stored(list(expected), day) == expected, day

    agree(today, published)
    item = (
        ActionItem.objects.filter(plan__in=plans, status=ItemStatus.ON_TRACK).order_by("pk").first()
    )
    admin = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(admin)
    admin_edit(client, f"/admin/actionplans/actionitem/{item.pk}/change/", status="at_risk")
    assert stored(plans, today)[item.plan_id][0]["at_risk"] == 1
    agree(today, published)

    lead = client_for("wm-lead", "lead", "westminster")
    content = b"theme,title\ngovernance,First uploaded\ngovernance,Second uploaded\n"
    response = lead.post(
        "/boroughs/westminster/action-plan/upload/",
        {"file": SimpleUploadedFile("items.csv", content, "text/csv")},
    )
    assert response.status_code == HTTPStatus.FOUND
    agree(today, today - dt.timedelta(days=1))

    # update() sends no signal: the loader putting the record back is what shows.
    ActionItem.objects.filter(pk=item.pk).update(status=ItemStatus.CANCELLED)
    run_command("load_portal_data", "--refresh")
    agree(today, published)

    # A document found to be published a year later: its items begin then.
    source = item.source
    source.published_on = published.replace(year=2020)
    source.save()
    agree(published, published.replace(year=2020), today)
    assert stored(plans, published)[item.plan_id][0] == {}


def test_an_item_moved_to_another_plan_in_the_admin_leaves_the_first_plans_figures(client):
    westminster = ActionPlan.objects.get(borough__slug="westminster")
    other = ActionPlan.objects.create(
        title="Another plan",
        slug="another-plan",
        borough=westminster.borough,
        framework=westminster.framework,
        status=ActionPlan.Status.SUPERSEDED,
    )
    plans, today = [westminster.pk, other.pk], timezone.localdate()
    before = stored(plans, today)
    item = westminster.items.order_by("pk").first()
    admin = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(admin)
    admin_edit(client, f"/admin/actionplans/actionitem/{item.pk}/change/", plan=other.pk)
    assert stored(plans, today) == replayed(plans, today)
    assert sum(stored(plans, today)[westminster.pk][0].values()) == (
        sum(before[westminster.pk][0].values()) - 1
    )
