import datetime as dt
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import pre_save

from actionplans.models import ActionItem, ActionPlan, PlanChange, StatusUpdate
from actionplans.services import (
    action_item_create,
    action_item_update,
    action_plan_create,
    action_plan_update,
)
from boroughs.models import Borough
from boroughs.roles import role_grant
from core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    user = get_user_model().objects.create_user("wm-lead")
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    return user


@pytest.fixture
def item():
    return ActionItem.objects.filter(plan__borough__slug="westminster", status="on_track").first()


def test_status_progress_and_note_change_in_one_step(lead, item):
    saved = action_item_update(
        item=item,
        acting_user=lead,
        expected_version=1,
        changes={"status": "at_risk", "progress": 40},
        note="Two youth workers left",
    )
    assert (saved.status, saved.progress, saved.version) == ("at_risk", 40, 2)
    assert saved.last_updated_by == lead
    update = StatusUpdate.objects.get(item=item)
    assert (update.from_status, update.to_status, update.to_progress) == ("on_track", "at_risk", 40)
    assert update.note == "Two youth workers left"
    assert update.changes == {
        "status": {"from": "on_track", "to": "at_risk"},
        "progress": {"from": None, "to": 40},
    }


@pytest.mark.parametrize("status", ["at_risk", "off_track"])
def test_going_at_risk_or_off_track_needs_a_note_and_changes_nothing_without(lead, item, status):
    with pytest.raises(ValidationError) as error:
        action_item_update(
            item=item, acting_user=lead, expected_version=1, changes={"status": status}
        )
    assert error.value.message_dict["note"] == [
        "Enter a note saying why the item is at risk or off track."
    ]
    item.refresh_from_db()
    assert (item.status, item.version) == ("on_track", 1)
    assert not StatusUpdate.objects.filter(item=item).exists()


def test_completing_sets_progress_to_100(lead, item):
    saved = action_item_update(
        item=item, acting_user=lead, expected_version=1, changes={"status": "complete"}
    )
    assert saved.progress == 100


def test_a_stale_version_is_refused_and_nothing_changes(lead, item):
    action_item_update(item=item, acting_user=lead, expected_version=1, changes={"progress": 10})
    with pytest.raises(StaleEdit) as stale:
        action_item_update(
            item=item, acting_user=lead, expected_version=1, changes={"progress": 90}
        )
    assert stale.value.current.progress == 10
    item.refresh_from_db()
    assert (item.progress, item.version) == (10, 2)
    assert StatusUpdate.objects.filter(item=item).count() == 1


def test_a_lead_cannot_change_another_boroughs_item(item):
    other = get_user_model().objects.create_user("lambeth-lead")
    role_grant(user=other, role="lead", borough=Borough.objects.get(slug="lambeth"))
    with pytest.raises(PermissionDenied):
        action_item_update(
            item=item, acting_user=other, expected_version=1, changes={"progress": 5}
        )
    item.refresh_from_db()
    assert item.progress is None


def test_an_invalid_value_is_refused_with_the_field_and_changes_nothing(lead, item):
    with pytest.raises(ValidationError) as error:
        action_item_update(
            item=item, acting_user=lead, expected_version=1, changes={"progress": 150}
        )
    assert "progress" in error.value.message_dict
    item.refresh_from_db()
    assert item.version == 1


def test_changing_nothing_keeps_the_version_and_writes_no_history(lead, item):
    saved = action_item_update(
        item=item, acting_user=lead, expected_version=1, changes={"status": item.status}
    )
    assert saved.version == 1
    assert not StatusUpdate.objects.filter(item=item).exists()


def test_a_new_item_starts_its_history(lead):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    item = action_item_create(
        plan=plan,
        acting_user=lead,
        fields={
            "theme": plan.framework.themes.get(slug="governance"),
            "title": "Publish the refreshed plan",
            "due_date": dt.date(2027, 3, 31),
        },
    )
    assert item.slug == "publish-the-refreshed-plan"
    assert item.status == "not_started"
    assert item.updates.get().changes == {
        "created": {"from": None, "to": "Publish the refreshed plan"}
    }


def test_plan_changes_are_kept_too(lead):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    saved = action_plan_update(
        plan=plan,
        acting_user=lead,
        expected_version=1,
        changes={"overseen_by": "Youth Crime Prevention Partnership"},
        note="Oversight moved",
    )
    assert saved.version == 2
    change = PlanChange.objects.get(plan=plan)
    assert change.changes["overseen_by"]["to"] == "Youth Crime Prevention Partnership"
    assert change.changed_by == lead


def test_a_lead_creates_a_plan_only_for_their_borough(lead):
    plan_framework = ActionPlan.objects.get(borough__slug="westminster").framework
    with pytest.raises(PermissionDenied):
        action_plan_create(
            acting_user=lead,
            borough=Borough.objects.get(slug="lambeth"),
            framework=plan_framework,
            title="Lambeth plan",
        )
    assert not ActionPlan.objects.filter(borough__slug="lambeth").exists()
    plan = action_plan_create(
        acting_user=lead,
        borough=Borough.objects.get(slug="westminster"),
        framework=plan_framework,
        title="Knife crime action plan 2027",
    )
    assert plan.slug == "westminster-knife-crime-action-plan-2027"
    assert plan.status == "draft"


def test_a_complete_item_cannot_be_given_other_progress(lead, item):
    action_item_update(
        item=item, acting_user=lead, expected_version=1, changes={"status": "complete"}
    )
    with pytest.raises(ValidationError) as error:
        action_item_update(
            item=item, acting_user=lead, expected_version=2, changes={"progress": 60}
        )
    assert error.value.message_dict["progress"] == [
        "A complete item is 100% done. Change its status to change its progress."
    ]


@contextmanager
def recorded_keys(history_model):
    """The keys of each change saved to ``history_model``, in the order the change lists
    them (a JSON column in PostgreSQL keeps its own order, so they are read as saved)."""
    seen: list[list[str]] = []

    def record(sender, instance, **kwargs):
        seen.append(list(instance.changes))

    pre_save.connect(record, sender=history_model, weak=False)
    try:
        yield seen
    finally:
        pre_save.disconnect(record, sender=history_model)


def test_a_plan_change_lists_its_fields_in_the_plan_order_whatever_order_they_came_in(lead):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    with recorded_keys(PlanChange) as seen:
        action_plan_update(
            plan=plan,
            acting_user=lead,
            expected_version=1,
            changes={
                "last_refreshed_on": dt.date(2027, 1, 31),
                "overseen_by": "Youth Crime Prevention Partnership",
                "scope": "police_led",
                "status": "superseded",
                "period_end": dt.date(2029, 3, 31),
                "period_start": dt.date(2026, 4, 1),
                "title": "Knife crime plan, refreshed",
            },
        )
    assert seen == [
        [
            "title",
            "period_start",
            "period_end",
            "status",
            "scope",
            "overseen_by",
            "last_refreshed_on",
        ]
    ]


def test_an_item_change_lists_its_fields_in_the_item_order_whatever_order_they_came_in(lead, item):
    other_theme = item.plan.framework.themes.exclude(pk=item.theme_id).first()
    with recorded_keys(StatusUpdate) as seen:
        action_item_update(
            item=item,
            acting_user=lead,
            expected_version=1,
            changes={
                "progress": 37 if item.progress != 37 else 38,
                "status": "off_track",
                "due_date": dt.date(2028, 6, 30),
                "partners": "Youth services",
                "lead_agency": "Metropolitan Police",
                "description": "Refreshed with the partnership",
                "title": "A refreshed item",
                "theme": other_theme,
            },
            note="Funding moved",
        )
    assert seen == [
        [
            "theme",
            "title",
            "description",
            "lead_agency",
            "partners",
            "due_date",
            "status",
            "progress",
        ]
    ]
