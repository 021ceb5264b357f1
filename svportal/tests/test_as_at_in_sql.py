"""Borough figures as at a day, counted in the database, agree with the plans and items
rebuilt from their history (actionplans.history) on every day, whatever was changed."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from actionplans.models import ActionItem, ItemStatus
from actionplans.services import action_item_update
from boroughs.models import Borough
from boroughs.roles import role_grant
from svportal.selectors import _summaries, borough_summaries

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2020, 12, 31), dt.date(2021, 3, 1), dt.date(2022, 7, 14), dt.date(2024, 2, 29)]


def figures(summaries):
    return {
        summary.borough.slug: (
            summary.active_plan.pk if summary.active_plan else None,
            summary.items_by_status,
            summary.overdue_items,
            summary.last_item_update,
        )
        for summary in summaries
    }


def test_figures_then_agree_with_the_history_rebuilt(run_command):
    run_command("generate_synthetic", "--scale", "0.02")
    editor = get_user_model().objects.create_user("an-editor")
    role_grant(user=editor, role="editor")
    # Today's changes, undone for every earlier day: due dates moved, statuses changed.
    for number, item in enumerate(
        ActionItem.objects.filter(plan__borough__slug__startswith="synthetic-").order_by("pk")[:40]
    ):
        changes = {"due_date": dt.date(2020, 1, 1) if number % 2 else None}
        if item.status not in (ItemStatus.COMPLETE, ItemStatus.CANCELLED):
            changes["status"] = ItemStatus.COMPLETE
            changes["progress"] = 100
        action_item_update(
            item=item, acting_user=editor, expected_version=item.version, changes=changes
        )
    boroughs = list(Borough.objects.filter(slug__startswith="synthetic-").order_by("name"))
    assert boroughs

    for day in DAYS:
        rebuilt = _summaries(boroughs, today=None, as_at=day, with_items=True)[0]
        counted = borough_summaries(boroughs, as_at=day)
        assert figures(counted) == figures(rebuilt), day
        assert sum(summary.item_count for summary in counted) > 100, day
    assert any(
        summary.item_count and summary.overdue_items
        for summary in borough_summaries(boroughs, as_at=DAYS[-1])
    )
