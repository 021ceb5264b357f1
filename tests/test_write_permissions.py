"""The permission matrix: every role × own borough / other borough / anonymous × every write.

Own borough is Westminster (the lead's or officer's); the other is Lambeth, given a plan
here. Reads stay public, so a refused write is a 403 (or 401 without credentials), and
the stored record is unchanged.
"""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Borough
from boroughs.roles import role_grant

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
    if ROLES[role] is None:
        return
    user = get_user_model().objects.create_user(role.replace(" ", "-"))
    kind, borough = ROLES[role]
    if kind:
        role_grant(
            user=user, role=kind, borough=Borough.objects.get(slug=borough) if borough else None
        )
    client.force_login(user)


def plan_of(borough):
    return ActionPlan.objects.get(borough__slug=borough)


def patch(client, url, body):
    etag = client.get(url)["ETag"]
    return client.patch(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag)


def write_item(client, borough):
    item = plan_of(borough).items.exclude(status="complete").first()
    return patch(client, f"/api/v1/action-items/{item.pk}/", {"progress": 55})


def write_plan(client, borough):
    return patch(
        client, f"/api/v1/action-plans/{plan_of(borough).slug}/", {"overseen_by": "Changed"}
    )


def add_item(client, borough):
    plan = plan_of(borough)
    return client.post(
        "/api/v1/action-items/",
        json.dumps({"plan": plan.slug, "theme": "governance", "title": "Added by API"}),
        content_type="application/json",
    )


def create_plan(client, borough):
    return client.post(
        "/api/v1/action-plans/",
        json.dumps(
            {
                "borough": borough,
                "framework": "mopac-knife-crime-strategy-2017",
                "title": "A new plan",
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


def expected(role, borough, write):
    if role == "anonymous":
        return HTTPStatus.UNAUTHORIZED
    allowed = (
        role == "editor"
        or (role == "lead of own" and borough == "westminster")
        or (role == "lead of other" and borough == "lambeth")
    )
    return SUCCESS[write] if allowed else HTTPStatus.FORBIDDEN


def fingerprint():
    return (
        ActionPlan.objects.count(),
        ActionItem.objects.count(),
        sorted(ActionItem.objects.values_list("pk", "version", "progress")),
        sorted(ActionPlan.objects.values_list("pk", "version", "overseen_by")),
    )


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("borough", ["westminster", "lambeth"])
@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(client, lambeth_plan, role, borough, write):
    sign_in(client, role)
    before = fingerprint()
    response = WRITES[write](client, borough)
    want = expected(role, borough, write)
    assert response.status_code == want, response.content
    if want >= HTTPStatus.BAD_REQUEST:
        assert response.json()["status"] == want
        assert fingerprint() == before
    else:
        assert fingerprint() != before
