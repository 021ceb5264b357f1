import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from actionplans.models import ActionItem, ActionPlan, Framework, StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def westminster_plan():
    return ActionPlan.objects.get(slug="westminster-knife-crime-action-plan-2019")


def test_an_item_theme_must_come_from_its_plans_framework(westminster_plan):
    other_theme = Framework.objects.get(slug="prevent-protect-prepare-pursue").themes.first()
    item = westminster_plan.items.first()
    item.theme = other_theme
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.message_dict["theme"] == [
        f"Choose a theme from the plan's framework, {westminster_plan.framework.name}."
    ]


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_is_a_percentage(westminster_plan, progress):
    item = westminster_plan.items.exclude(status="complete").first()
    item.progress = progress
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "progress" in error.value.message_dict


def test_a_complete_item_is_100_per_cent_done(westminster_plan):
    item = westminster_plan.items.filter(status="complete").first()
    item.progress = 60
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.message_dict["progress"] == ["A complete item is 100% done."]


def test_a_plan_period_must_run_forwards(westminster_plan):
    westminster_plan.period_start = dt.date(2020, 1, 1)
    westminster_plan.period_end = dt.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        westminster_plan.full_clean()
    assert error.value.message_dict["period_end"] == [
        "The end of the plan period must be the same as or after the start of the plan period."
    ]


def test_a_plan_belongs_to_a_borough_or_a_partnership(westminster_plan):
    westminster_plan.borough = None
    westminster_plan.partnership = None
    with pytest.raises(ValidationError) as error:
        westminster_plan.full_clean()
    assert "borough" in error.value.message_dict


def test_an_item_is_overdue_only_when_open_and_past_its_due_date(westminster_plan):
    today = dt.date(2020, 6, 1)
    item = westminster_plan.items.first()
    item.due_date, item.status = dt.date(2020, 5, 31), ActionItem.Status.ON_TRACK
    assert item.is_overdue(today)
    item.status = ActionItem.Status.COMPLETE
    assert not item.is_overdue(today)
    item.status, item.due_date = ActionItem.Status.AT_RISK, today
    assert not item.is_overdue(today)


def test_overdue_queryset_agrees_with_the_item_rule(westminster_plan):
    today = dt.date(2020, 6, 1)
    open_item, closed_item = westminster_plan.items.exclude(status__in=["complete", "cancelled"])[
        :2
    ]
    ActionItem.objects.filter(pk=open_item.pk).update(due_date=dt.date(2020, 1, 1))
    ActionItem.objects.filter(pk=closed_item.pk).update(
        due_date=dt.date(2020, 1, 1), status="cancelled"
    )
    assert list(ActionItem.objects.overdue(today)) == [open_item]


def test_going_at_risk_needs_a_note(westminster_plan):
    item = westminster_plan.items.first()
    update = StatusUpdate(
        item=item, from_status=item.status, to_status="at_risk", changed_at=item.created_at
    )
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert error.value.message_dict["note"] == [
        "Enter a note saying why the item is at risk or off track."
    ]


def test_status_history_cannot_be_edited_or_deleted(westminster_plan):
    item = westminster_plan.items.first()
    update = StatusUpdate.objects.create(
        item=item,
        from_status="on_track",
        to_status="at_risk",
        note="Staff shortage",
        changed_at=item.created_at,
    )
    update.note = "Rewritten"
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    update.refresh_from_db()
    assert update.note == "Staff shortage"
