"""Each plan's stored figures (actionplans.figures) stay what counting its items gives,
whichever way the items are written: page form, API, CSV upload, admin, the loader, the
synthetic data generator, deletion. The borough summary reads them, so a change shows
in its figures at once."""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Max
from django.test import Client

from actionplans.models import ActionItem, ActionPlan, ItemStatus, PlanFigures
from actionplans.tests.test_pages import form_data
from casestudies.tests.api.test_case_study_writes import client_for
from core.api.concurrency import etag_for
from tests.test_change_history import admin_edit

pytestmark = pytest.mark.django_db

PLAN = "/boroughs/westminster/action-plan/"
BOROUGH_SUMMARY = "/api/v1/borough-summary/"


def counted():
    """Every plan's figures as counting its items now gives them."""
    figures = {pk: ({}, None) for pk in ActionPlan.objects.values_list("pk", flat=True)}
    for row in (
        ActionItem.objects.order_by()
        .values("plan_id", "status")
        .annotate(count=Count("id"), latest=Max("last_updated_at"))
    ):
        by_status, latest = figures[row["plan_id"]]
        by_status[row["status"]] = row["count"]
        if row["latest"] is not None and (latest is None or row["latest"] > latest):
            figures[row["plan_id"]] = (by_status, row["latest"])
    return figures


def stored():
    return {
        figures.plan_id: (figures.items_by_status, figures.last_item_update)
        for figures in PlanFigures.objects.all()
    }


def westminster_items():
    summary = Client().get(BOROUGH_SUMMARY, {"region": "london"}).json()
    return next(row for row in summary if row["borough"]["slug"] == "westminster")["items"]


def an_open_item():
    return (
        ActionItem.objects.filter(plan__borough__slug="westminster", status=ItemStatus.ON_TRACK)
        .order_by("pk")
        .first()
    )


def test_the_real_data_arrives_with_every_plan_counted():
    assert stored() == counted()
    assert sum(westminster_items().values()) == 40


def test_a_lead_completing_an_item_on_its_page_is_counted_at_once():
    before = westminster_items()
    item = an_open_item()
    lead = client_for("wm-lead", "lead", "westminster")
    response = lead.post(
        f"/action-items/{item.pk}/edit/", form_data(item, status="complete", progress=100)
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    after = westminster_items()
    assert after["complete"] == before["complete"] + 1
    assert after["on_track"] == before["on_track"] - 1
    assert stored() == counted()


def test_an_api_edit_is_counted_at_once():
    before = westminster_items()
    item = an_open_item()
    lead = client_for("wm-lead", "lead", "westminster")
    response = lead.patch(
        f"/api/v1/action-items/{item.pk}/",
        json.dumps({"status": "off_track", "note": "Funding ended."}),
        content_type="application/json",
        HTTP_IF_MATCH=etag_for(item),
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert westminster_items()["off_track"] == before["off_track"] + 1
    assert stored() == counted()


def test_a_csv_upload_is_counted_at_once():
    before = westminster_items()
    lead = client_for("wm-lead", "lead", "westminster")
    content = b"theme,title\ngovernance,First uploaded\ngovernance,Second uploaded\n"
    response = lead.post(
        f"{PLAN}upload/", {"file": SimpleUploadedFile("items.csv", content, "text/csv")}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert westminster_items()["not_started"] == before["not_started"] + 2
    assert stored() == counted()


def test_an_admin_edit_and_deletion_are_counted_at_once(client):
    admin = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(admin)
    before = westminster_items()
    item = an_open_item()
    admin_edit(client, f"/admin/actionplans/actionitem/{item.pk}/change/", status="at_risk")
    assert westminster_items()["at_risk"] == before["at_risk"] + 1
    response = client.post(f"/admin/actionplans/actionitem/{item.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert westminster_items()["at_risk"] == before["at_risk"]
    assert sum(westminster_items().values()) == sum(before.values()) - 1
    assert stored() == counted()


def test_the_loader_refreshing_the_real_data_is_counted_at_once(run_command):
    item = an_open_item()
    ActionItem.objects.filter(pk=item.pk).update(status="cancelled")
    # update() sends no signal: a write made behind the portal's back is not counted…
    assert stored() != counted()
    run_command("load_portal_data", "--refresh")
    # …until the loader puts the record back, which is counted at once.
    assert ActionItem.objects.get(pk=item.pk).status == ItemStatus.ON_TRACK
    assert stored() == counted()


def test_generated_synthetic_plans_are_counted(run_command):
    run_command("generate_synthetic", "--scale", "0.002")
    assert ActionItem.objects.filter(plan__borough__slug__startswith="synthetic-").exists()
    assert stored() == counted()


def test_a_deleted_plan_takes_its_figures_with_it():
    plan = ActionPlan.objects.get(borough__slug="westminster")
    plan.delete()
    assert plan.pk not in stored()
    assert stored() == counted()
