"""The permission matrix: every role × own borough / other borough / anonymous × every write.

Own borough is Westminster (the lead's or officer's); the other is Lambeth, given a plan
here. Westminster also has a draft plan, which only Westminster's staff, analysts and
editors can see. Reads of active plans stay public, so a refused write to one is a 403 (or
401 without credentials); to anyone who cannot see the draft it does not exist (404, or a
400 naming the plan for an item that names it). The stored records are unchanged.
"""

import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Borough
from core.api.concurrency import etag_for
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "no role": (None, None),
    "officer of own": ("officer", "westminster"),
    "lead of own": ("lead", "westminster"),
    "lead of other": ("lead", "lambeth"),
    "analyst": ("analyst", None),
    "editor": ("editor", None),
}


@pytest.fixture
def lambeth_plan():
    westminster = ActionPlan.objects.get(borough__slug="westminster")
    plan = ActionPlan.objects.create(
        title="Lambeth knife crime plan",
        slug="lambeth-knife-crime-plan",
        borough=Borough.objects.get(slug="lambeth"),
        framework=westminster.framework,
        status="active",
    )
    ActionItem.objects.create(
        plan=plan, theme=westminster.framework.themes.first(), slug="first", title="First"
    )
    return plan


def sign_in(client, role):
    return sign_in_as(client, role, ROLES[role])


DRAFT = "westminster draft"
DRAFT_SLUG = "westminster-draft-plan-2026"


@pytest.fixture
def westminster_draft():
    westminster = ActionPlan.objects.get(borough__slug="westminster")
    plan = ActionPlan.objects.create(
        title="Westminster knife crime plan 2026 (draft)",
        slug=DRAFT_SLUG,
        borough=westminster.borough,
        framework=westminster.framework,
        status="draft",
    )
    ActionItem.objects.create(
        plan=plan, theme=westminster.framework.themes.first(), slug="draft-first", title="First"
    )
    return plan


def plan_of(target):
    if target == DRAFT:
        return ActionPlan.objects.get(slug=DRAFT_SLUG)
    return ActionPlan.objects.get(borough__slug=target, status="active")


def borough_of(target):
    return plan_of(target).borough.slug


def patch(client, url, instance, body):
    # The current ETag, as if read: even knowing it, a refused write changes nothing.
    return client.patch(
        url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag_for(instance)
    )


def write_item(client, borough):
    item = plan_of(borough).items.exclude(status="complete").first()
    return patch(client, f"/api/v1/action-items/{item.pk}/", item, {"progress": 55})


def write_plan(client, borough):
    plan = plan_of(borough)
    return patch(client, f"/api/v1/action-plans/{plan.slug}/", plan, {"overseen_by": "Changed"})


def add_item(client, borough):
    plan = plan_of(borough)
    return client.post(
        "/api/v1/action-items/",
        json.dumps({"plan": plan.slug, "theme": "governance", "title": "Added by API"}),
        content_type="application/json",
    )


def create_plan(client, target):
    return client.post(
        "/api/v1/action-plans/",
        json.dumps(
            {
                "borough": borough_of(target),
                "framework": "mopac-knife-crime-strategy-2017",
                "title": "A new plan",
                "status": "draft" if target == DRAFT else "active",
            }
        ),
        content_type="application/json",
    )


def upload_items(client, borough):
    csv_file = SimpleUploadedFile(
        "items.csv", b"theme,title\ngovernance,Uploaded item\n", content_type="text/csv"
    )
    return client.post(
        f"/api/v1/action-plans/{plan_of(borough).slug}/items-upload/", {"file": csv_file}
    )


WRITES = {
    "change an item": write_item,
    "change a plan": write_plan,
    "add an item": add_item,
    "create a plan": create_plan,
    "upload items": upload_items,
}
SUCCESS = {
    "change an item": HTTPStatus.OK,
    "change a plan": HTTPStatus.OK,
    "add an item": HTTPStatus.CREATED,
    "create a plan": HTTPStatus.CREATED,
    "upload items": HTTPStatus.CREATED,
}


#: Who can see Westminster's draft plan: its staff, analysts and editors.
SEES_THE_DRAFT = {"officer of own", "lead of own", "analyst", "editor"}


def expected(role, target, write):
    if role == "anonymous":
        return HTTPStatus.UNAUTHORIZED
    borough = "westminster" if target == DRAFT else target
    allowed = (
        role == "editor"
        or (role == "lead of own" and borough == "westminster")
        or (role == "lead of other" and borough == "lambeth")
    )
    if allowed:
        return SUCCESS[write]
    if target == DRAFT and role not in SEES_THE_DRAFT and write != "create a plan":
        # As for a plan that does not exist: the item names an unknown plan.
        return HTTPStatus.BAD_REQUEST if write == "add an item" else HTTPStatus.NOT_FOUND
    return HTTPStatus.FORBIDDEN


def fingerprint():
    return (
        ActionPlan.objects.count(),
        ActionItem.objects.count(),
        sorted(ActionItem.objects.values_list("pk", "version", "progress")),
        sorted(ActionPlan.objects.values_list("pk", "version", "overseen_by")),
    )


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("target", ["westminster", "lambeth", DRAFT])
@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(client, lambeth_plan, westminster_draft, role, target, write):
    sign_in(client, role)
    before = fingerprint()
    response = WRITES[write](client, target)
    want = expected(role, target, write)
    assert response.status_code == want, response.content
    if want >= HTTPStatus.BAD_REQUEST:
        assert response.json()["status"] == want
        assert fingerprint() == before
    else:
        assert fingerprint() != before
