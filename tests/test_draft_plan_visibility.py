"""The read matrix for draft action plans: every role × every place a plan or item is read.

Lambeth has a draft plan with one item. Only Lambeth's officers and leads, analysts and
editors see it; to anyone else it does not exist — absent from lists, filters, CSV,
exports and as_at, and a 404 (or, as a filter value, the 400 of an unknown plan) where it
is named. Westminster's active plan is read by everyone, so every surface shows that the
reader reads plans at all. Summaries count active plans only, so a draft counts for nobody.
"""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from actionplans.services import action_plan_create
from boroughs.models import Borough, Partnership
from boroughs.roles import role_grant
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "no role": (None, None),
    "officer of own": ("officer", "lambeth"),
    "lead of own": ("lead", "lambeth"),
    "lead of other": ("lead", "westminster"),
    "analyst": ("analyst", None),
    "editor": ("editor", None),
}
SEES_THE_DRAFT = {"officer of own", "lead of own", "analyst", "editor"}
DRAFT = "lambeth-knife-crime-plan-draft"
PUBLIC = "westminster-knife-crime-action-plan-2019"


@pytest.fixture
def draft_item():
    westminster = ActionPlan.objects.get(slug=PUBLIC)
    plan = ActionPlan.objects.create(
        title="Lambeth knife crime plan (draft)",
        slug=DRAFT,
        borough=Borough.objects.get(slug="lambeth"),
        framework=westminster.framework,
        status="draft",
        overseen_by="Safer Lambeth Partnership",
    )
    return ActionItem.objects.create(
        plan=plan,
        theme=westminster.framework.themes.first(),
        slug="youth-hubs",
        title="Open youth hubs in Lambeth",
    )


def public_item():
    return ActionItem.objects.filter(plan__slug=PUBLIC).order_by("pk").first()


def sign_in(client, role):
    return sign_in_as(client, role, ROLES[role])


def csv_of(response):
    assert response.status_code == HTTPStatus.OK, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


# Each reader returns what it read of (the draft, Westminster's public plan): True when shown.


def plan_list(client, item):
    found = {plan["slug"] for plan in client.get("/api/v1/action-plans/").json()["results"]}
    return DRAFT in found, PUBLIC in found


def plan_search(client, item):
    def found(words):
        response = client.get("/api/v1/action-plans/", {"q": words})
        return {plan["slug"] for plan in response.json()["results"]}

    return DRAFT in found("Safer Lambeth"), PUBLIC in found("Westminster")


def plan_status_filter(client, item):
    drafts = client.get("/api/v1/action-plans/", {"status": "draft"}).json()["results"]
    active = client.get("/api/v1/action-plans/", {"status": "active"}).json()["results"]
    return [plan["slug"] for plan in drafts] == [DRAFT], PUBLIC in {p["slug"] for p in active}


def plan_csv(client, item):
    found = {row["slug"] for row in csv_of(client.get("/api/v1/action-plans/?format=csv"))}
    return DRAFT in found, PUBLIC in found


def plan_detail(client, item):
    return found(client, f"/api/v1/action-plans/{DRAFT}/", f"/api/v1/action-plans/{PUBLIC}/")


def plan_history(client, item):
    return found(
        client,
        f"/api/v1/action-plans/{DRAFT}/history/",
        f"/api/v1/action-plans/{PUBLIC}/history/",
    )


def plan_items_template(client, item):
    return found(
        client,
        f"/api/v1/action-plans/{DRAFT}/items-template/",
        f"/api/v1/action-plans/{PUBLIC}/items-template/",
    )


def plan_as_at(client, item):
    today = timezone.localdate().isoformat()
    return found(
        client,
        f"/api/v1/action-plans/{DRAFT}/?as_at={today}",
        f"/api/v1/action-plans/{PUBLIC}/?as_at={today}",
    )


def item_list(client, item):
    found = {
        row["id"] for row in client.get("/api/v1/action-items/?page_size=500").json()["results"]
    }
    return item.pk in found, public_item().pk in found


def item_search(client, item):
    def found(words):
        response = client.get("/api/v1/action-items/", {"q": words, "page_size": 500})
        return {row["id"] for row in response.json()["results"]}

    return item.pk in found("youth hubs in Lambeth"), public_item().pk in found(public_item().title)


def item_plan_filter(client, item):
    def found(plan):
        response = client.get("/api/v1/action-items/", {"plan": plan})
        if response.status_code == HTTPStatus.BAD_REQUEST:
            # As for a plan that does not exist.
            assert response.json()["errors"] == {"plan": [f"There is no action plan “{plan}”."]}, (
                response.content
            )
            return False
        return response.json()["count"] > 0

    return found(DRAFT), found(PUBLIC)


def item_borough_filter(client, item):
    lambeth = client.get("/api/v1/action-items/", {"borough": "lambeth"}).json()["count"]
    westminster = client.get("/api/v1/action-items/", {"borough": "westminster"}).json()["count"]
    return lambeth > 0, westminster > 0


def item_csv(client, item):
    found = {int(row["id"]) for row in csv_of(client.get("/api/v1/action-items/?format=csv"))}
    return item.pk in found, public_item().pk in found


def item_as_at(client, item):
    response = client.get(
        "/api/v1/action-items/",
        {"as_at": timezone.localdate().isoformat(), "page_size": 500},
    )
    found = {row["id"] for row in response.json()["results"]}
    return item.pk in found, public_item().pk in found


def item_detail(client, item):
    return found(
        client, f"/api/v1/action-items/{item.pk}/", f"/api/v1/action-items/{public_item().pk}/"
    )


def item_history(client, item):
    return found(
        client,
        f"/api/v1/action-items/{item.pk}/history/",
        f"/api/v1/action-items/{public_item().pk}/history/",
    )


def item_page(client, item):
    return found(client, f"/action-items/{item.pk}/", f"/action-items/{public_item().pk}/")


def items_export(client, item, *, capture):
    """An action-items export, run as the worker runs it, read back by its owner."""
    if not client.session.get("_auth_user_id"):
        return False, False  # exports are for signed-in users
    with capture(execute=True):
        started = client.post(
            "/api/v1/exports/",
            {"kind": "action-items", "format": "csv"},
            content_type="application/json",
        )
    assert started.status_code == HTTPStatus.ACCEPTED, started.content
    download = client.get(f"/api/v1/exports/{started.json()['id']}/download/")
    found = {int(row["id"]) for row in csv_of(download)}
    return item.pk in found, public_item().pk in found


def found(client, draft_url, public_url):
    """Whether each URL answers (200) or is not found (404); nothing else is expected."""
    answers = []
    for url in (draft_url, public_url):
        status = client.get(url).status_code
        assert status in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), (url, status)
        answers.append(status == HTTPStatus.OK)
    return tuple(answers)


READERS = {
    "API plan list": plan_list,
    "API plan search": plan_search,
    "API plan status filter": plan_status_filter,
    "API plan CSV": plan_csv,
    "API plan detail": plan_detail,
    "API plan history": plan_history,
    "API plan items template": plan_items_template,
    "API plan as_at": plan_as_at,
    "API item list": item_list,
    "API item search": item_search,
    "API item plan filter": item_plan_filter,
    "API item borough filter": item_borough_filter,
    "API item CSV": item_csv,
    "API item as_at": item_as_at,
    "API item detail": item_detail,
    "API item history": item_history,
    "item page": item_page,
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("role", list(ROLES))
def test_read_matrix(client, draft_item, role, reader):
    sign_in(client, role)
    saw_draft, saw_public = READERS[reader](client, draft_item)
    assert saw_public
    assert saw_draft == (role in SEES_THE_DRAFT)


@pytest.mark.parametrize("role", list(ROLES))
def test_exports_hold_drafts_only_for_those_who_see_them(
    client, draft_item, role, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(client, role)
    saw_draft, saw_public = items_export(
        client, draft_item, capture=django_capture_on_commit_callbacks
    )
    assert saw_public == (role != "anonymous")
    assert saw_draft == (role in SEES_THE_DRAFT)


def test_an_export_asking_for_a_draft_by_name_is_refused_to_whoever_cannot_see_it(
    client, draft_item, settings, tmp_path
):
    """The owner's filters know only of what the owner sees, as in the API."""
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(client, "lead of other")
    response = client.post(
        "/api/v1/exports/",
        {"kind": "action-items", "format": "csv", "filters": {"plan": DRAFT}},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {"filters.plan": [f"There is no action plan “{DRAFT}”."]}


def test_a_partnerships_draft_is_seen_by_its_member_boroughs_staff(client):
    """A partnership's plan has no borough: its draft is for the staff of its members."""
    sussex = Partnership.objects.get(slug="sussex-reboot")
    member = sussex.members.order_by("name").first()
    outsider = Borough.objects.get(slug="lambeth")
    assert not sussex.members.filter(pk=outsider.pk).exists()
    westminster = ActionPlan.objects.get(slug=PUBLIC)
    ActionPlan.objects.create(
        title="Sussex Reboot delivery plan (draft)",
        slug="sussex-reboot-draft",
        partnership=sussex,
        framework=westminster.framework,
        status="draft",
    )
    url = "/api/v1/action-plans/sussex-reboot-draft/"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    user = get_user_model().objects.create_user("outsider-officer")
    role_grant(user=user, role="officer", borough=outsider)
    client.force_login(user)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    user = get_user_model().objects.create_user("member-officer")
    role_grant(user=user, role="officer", borough=member)
    client.force_login(user)
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_draft_counts_in_no_summary_and_its_borough_page_shows_no_plan(client, draft_item):
    """Summaries, compare and the plan page show a borough's active plan; a draft is not one,
    for its own lead either."""
    sign_in(client, "lead of own")
    summary = client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    plans = {row["borough"]["slug"]: row["active_plan"] for row in summary}
    assert plans["lambeth"] is None
    assert plans["westminster"]["slug"] == PUBLIC
    compared = client.get("/api/v1/compare/", {"boroughs": "lambeth,westminster"}).json()
    plans = {row["borough"]["slug"]: row["active_plan"] for row in compared["boroughs"]}
    assert plans["lambeth"] is None
    assert plans["westminster"]["slug"] == PUBLIC
    page = client.get("/boroughs/lambeth/action-plan/")
    assert draft_item.title not in page.content.decode()


def test_a_lead_creating_a_draft_reads_it_back_and_nobody_else_does(client):
    sign_in(client, "lead of own")
    response = client.post(
        "/api/v1/action-plans/",
        json.dumps(
            {
                "borough": "lambeth",
                "framework": "mopac-knife-crime-strategy-2017",
                "title": "Lambeth plan in the making",
                "status": "draft",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.content
    slug = response.json()["slug"]
    assert client.get(f"/api/v1/action-plans/{slug}/").status_code == HTTPStatus.OK
    client.logout()
    assert client.get(f"/api/v1/action-plans/{slug}/").status_code == HTTPStatus.NOT_FOUND


def test_a_plan_made_draft_again_disappears_from_public_reads(client):
    """Visibility follows the plan's status now: a lead who takes a plan back to draft takes
    it out of public view, its items with it."""
    lead = get_user_model().objects.create_user("lambeth-lead")
    lambeth = Borough.objects.get(slug="lambeth")
    role_grant(user=lead, role="lead", borough=lambeth)
    plan = action_plan_create(
        acting_user=lead,
        borough=lambeth,
        framework=ActionPlan.objects.get(slug=PUBLIC).framework,
        title="Lambeth plan",
        status="active",
    )
    url = f"/api/v1/action-plans/{plan.slug}/"
    assert client.get(url).status_code == HTTPStatus.OK
    ActionPlan.objects.filter(pk=plan.pk).update(status="draft")
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
