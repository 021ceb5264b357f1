"""Plans count as use: plan items name the interventions they deliver (docs/decisions/0028).

The loader links those the Westminster report names; leads pick them on a page linked
from the item and through the API; the borough's figures, profile and comparison count
them and say where each comes from; the plan shows its evidence profile."""

import csv
import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.evidence import EvaluatedBy, EvaluationDesign, EvaluationStatus
from casestudies.models import Intervention, PlanItemIntervention
from casestudies.plan_items import links_as_at

from .factories import CaseStudyFactory, InterventionFactory

pytestmark = pytest.mark.django_db

PLAN = "/boroughs/westminster/action-plan/"
WESTMINSTER_REPORT = "westminster-knife-crime-scrutiny-2019"


def text_of(response):
    """The page's words without its markup, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def make_user(name, role=None, borough="westminster"):
    user = get_user_model().objects.create_user(name)
    if role:
        role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough))
    return user


@pytest.fixture
def lead():
    return make_user("westminster-lead", "lead")


@pytest.fixture
def item():
    """An item the report links to no intervention."""
    return ActionItem.objects.get(plan__borough__slug="westminster", slug="wkcap-mash")


def interventions_of(item):
    return sorted(item.intervention_links.values_list("intervention__slug", flat=True))


# --- The loader ----------------------------------------------------------------------------


def test_the_items_the_westminster_report_names_deliver_those_interventions():
    links = PlanItemIntervention.objects.filter(item__plan__borough__slug="westminster")
    assert links.count() == 11
    pairs = dict(links.values_list("item__slug", "intervention__slug"))
    assert pairs["wkcap-igxu-casework"] == "westminster-igxu-gangs-and-exploitation-casework"
    assert pairs["wkcap-gps-tagging-pilot"] == "mopac-knife-crime-gps-tagging-on-licence"
    assert pairs["wkcap-school-inclusion-pilot"] == "westminster-school-inclusion-pilot"
    # An item whose text names no intervention is linked to none.
    assert "wkcap-robbery-squad" not in pairs
    for link in links.select_related("source", "item"):
        assert link.source.key == WESTMINSTER_REPORT
        assert link.source_section == link.item.source_section
        assert link.quote
        assert link.added_by is None


# --- Figures: summary, CSV, profile, compare ------------------------------------------------


def test_westminster_no_longer_shows_no_interventions_in_use(client):
    rows = client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    westminster = next(row for row in rows if row["borough"]["slug"] == "westminster")
    assert westminster["interventions_in_plan"] == 11
    assert westminster["interventions_in_case_studies"] == 0
    assert westminster["interventions_in_use"] == 11
    lambeth = next(row for row in rows if row["borough"]["slug"] == "lambeth")
    # No plan recorded: what a plan would deliver is not known, not 0.
    assert lambeth["interventions_in_plan"] is None
    assert lambeth["not_recorded"]["interventions_in_plan"] == "no_plan"


def test_an_intervention_in_both_the_plan_and_a_case_study_counts_once(client):
    intervention = Intervention.objects.get(slug="westminster-school-inclusion-pilot")
    study = CaseStudyFactory(boroughs=[Borough.objects.get(slug="westminster")])
    study.interventions.set([intervention])
    rows = client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    westminster = next(row for row in rows if row["borough"]["slug"] == "westminster")
    assert westminster["interventions_in_case_studies"] == 1
    assert westminster["interventions_in_plan"] == 11
    assert westminster["interventions_in_use"] == 11


def test_the_summary_spreadsheet_says_where_interventions_in_use_come_from(client):
    response = client.get("/api/v1/borough-summary/", {"region": "london", "format": "csv"})
    content = b"".join(response.streaming_content).decode()
    header, *rows = content.splitlines()
    columns = header.split(",")
    westminster = next(row for row in rows if row.startswith("Westminster,"))
    lambeth = next(row for row in rows if row.startswith("Lambeth,"))
    values = dict(zip(columns, next(csv.reader([westminster])), strict=True))
    assert values["interventions_in_use"] == "11"
    assert values["interventions_in_plan"] == "11"
    assert values["interventions_in_case_studies"] == "0"
    assert (
        dict(zip(columns, next(csv.reader([lambeth])), strict=True))["interventions_in_plan"] == ""
    )


def test_the_borough_profile_lists_interventions_in_use_and_where_each_is_recorded(client):
    response = client.get("/boroughs/westminster/")
    text = text_of(response)
    assert "Interventions in use 11 11 in its plan, 0 in case studies" in text
    assert "School inclusion pilot Its plan" in text
    assert 'href="/interventions/westminster-school-inclusion-pilot/"' in response.content.decode()


def test_a_borough_without_plan_or_case_study_says_its_interventions_are_not_known(client):
    text = text_of(client.get("/boroughs/barnet/"))
    assert "no plan recorded, 0 in case studies" in text
    assert "so the interventions in use are not known" in text


def test_compare_counts_interventions_from_plans_and_case_studies(client):
    response = client.get("/compare/", {"boroughs": "westminster,redbridge"})
    text = text_of(response)
    assert "11 in its plan" in text
    assert "School inclusion pilot (in its plan)" in text
    api = client.get("/api/v1/compare/", {"boroughs": "westminster,redbridge"}).json()
    westminster = api["boroughs"][0]
    assert westminster["interventions_in_plan"] == 11
    assert "School inclusion pilot" in westminster["interventions"]
    assert "School inclusion pilot" in westminster["unique_interventions"]


def test_an_intervention_page_lists_the_plan_items_delivering_it(client):
    response = client.get("/interventions/westminster-school-inclusion-pilot/")
    text = text_of(response)
    assert "Action plan items delivering School inclusion pilot" in text
    assert "School inclusion pilot to reduce exclusions Westminster On track" in text
    other = text_of(client.get("/interventions/glasgow-a-and-e-navigators/"))
    assert "No active action plan in the portal names this intervention yet." in other


# --- The plan's evidence profile -------------------------------------------------------------


def test_the_plan_shows_its_items_by_the_evidence_behind_what_they_deliver(client):
    Intervention.objects.filter(slug="westminster-school-inclusion-pilot").update(
        evaluation_status=EvaluationStatus.COMPLETED,
        evaluation_design=EvaluationDesign.COMPARISON_GROUP,
        evaluated_by=EvaluatedBy.INDEPENDENT,
        evidence_quote="Test: compared with a group of schools outside the pilot.",
    )
    response = client.get(PLAN)
    profile = response.context["panels"][0].context["profile"]
    by_level = {row["level"].number: row["items"] for row in profile.rows}
    assert [item.slug for item, _ in by_level[4]] == ["wkcap-school-inclusion-pilot"]
    assert len(by_level[0]) == 10
    assert profile.item_count == 40
    assert len(profile.resting_on_none) == 29
    text = text_of(response)
    assert "Evidence behind this plan" in text
    assert "Of its 40 items, 11 deliver an intervention in the portal" in text
    assert "Level 4: Independent comparison 1 School inclusion pilot to reduce exclusions" in text
    assert "Names no intervention 29" in text


def test_the_kept_evidence_profile_shows_a_change_at_once(client):
    """The profile's table is kept once per set of what it shows: an intervention renamed
    or rated anew, and an item renamed, each make it anew, today and as at a day."""
    link = PlanItemIntervention.objects.select_related("item", "intervention").get(
        intervention__slug="westminster-school-inclusion-pilot"
    )
    for query in ({}, {"as_at": "2019-09-10"}):
        before = client.get(PLAN, query).content.decode()
        assert '">School inclusion pilot</a> (level' in before

    Intervention.objects.filter(pk=link.intervention_id).update(
        name="Inclusion in schools",
        evaluation_status=EvaluationStatus.COMPLETED,
        evaluation_design=EvaluationDesign.COMPARISON_GROUP,
        evaluated_by=EvaluatedBy.INDEPENDENT,
        evidence_quote="Test: compared with a group of schools outside the pilot.",
    )
    ActionItem.objects.filter(pk=link.item_id).update(title="Inclusion pilot, renamed")
    for query in ({}, {"as_at": "2019-09-10"}):
        text = text_of(client.get(PLAN, query))
        assert "Level 4: Independent comparison 1 Inclusion pilot, renamed" in text
        assert "Inclusion in schools (level 4)" in text
        assert "School inclusion pilot" not in text


def test_a_plan_as_published_shows_the_links_the_report_names(client):
    """The report's links stood from its publication, as its items did."""
    response = client.get(PLAN, {"as_at": "2019-09-10"})
    profile = response.context["panels"][0].context["profile"]
    assert profile.item_count == 40
    assert profile.delivering_count == 11
    assert "those it delivered at the end of 10 September 2019" in text_of(response)


@pytest.mark.parametrize("extra", [1, 20])
def test_plan_page_queries_do_not_grow_with_delivered_interventions(
    client, django_assert_num_queries, extra
):
    """1 borough, 1 active plan, 1 items with theme and last editor, 1 themes, 1 the
    interventions the items deliver."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    theme = plan.framework.themes.last()
    for n in range(extra):
        added = ActionItem.objects.create(plan=plan, theme=theme, slug=f"x-{n}", title=f"X {n}")
        PlanItemIntervention.objects.create(item=added, intervention=InterventionFactory())
    with django_assert_num_queries(5):
        response = client.get(PLAN)
    assert response.context["panels"][0].context["profile"].delivering_count == 11 + extra


# --- A lead picks them ------------------------------------------------------------------------


def test_the_lead_picks_the_interventions_an_item_delivers(client, lead, item):
    client.force_login(lead)
    edit = client.get(f"/action-items/{item.pk}/edit/")
    assert "Choose the interventions this item delivers" in text_of(edit)
    page = client.get(f"/action-items/{item.pk}/interventions/")
    assert page.status_code == HTTPStatus.OK
    response = client.post(
        f"/action-items/{item.pk}/interventions/",
        {
            "interventions": [
                "westminster-early-help-crime-prevention",
                "westminster-igxu-family-therapy",
            ]
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert interventions_of(item) == [
        "westminster-early-help-crime-prevention",
        "westminster-igxu-family-therapy",
    ]
    link = item.intervention_links.first()
    assert link.added_by == lead
    assert link.source is None
    text = text_of(client.get(f"/action-items/{item.pk}/"))
    assert "Interventions this item delivers" in text
    assert "IGXU family therapy : level 0 of 5" in text
    # The plan now counts them: the borough's figures move.
    rows = client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    westminster = next(row for row in rows if row["borough"]["slug"] == "westminster")
    assert westminster["interventions_in_plan"] == 11  # both already delivered elsewhere
    # Untick everything: the item names none.
    client.post(f"/action-items/{item.pk}/interventions/", {})
    assert interventions_of(item) == []


def test_an_unknown_intervention_is_refused_and_changes_nothing(client, lead, item):
    client.force_login(lead)
    response = client.post(
        f"/action-items/{item.pk}/interventions/",
        {"interventions": ["westminster-igxu-family-therapy", "no-such-thing"]},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Tick only interventions in the list" in text_of(response)
    assert interventions_of(item) == []


def test_only_the_boroughs_lead_may_pick(client, item):
    assert client.get(f"/action-items/{item.pk}/interventions/").status_code == HTTPStatus.FOUND
    client.force_login(make_user("lambeth-lead", "lead", borough="lambeth"))
    response = client.post(
        f"/action-items/{item.pk}/interventions/",
        {"interventions": ["westminster-igxu-family-therapy"]},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert interventions_of(item) == []
    assert "Choose the interventions" not in text_of(client.get(f"/action-items/{item.pk}/"))


# --- Through the API --------------------------------------------------------------------------


def api(item):
    return f"/api/v1/action-items/{item.pk}/interventions/"


def test_the_api_lists_what_an_item_delivers_with_evidence_and_source(client):
    item = ActionItem.objects.get(slug="wkcap-igxu-casework")
    [delivered] = client.get(api(item)).json()
    assert delivered["slug"] == "westminster-igxu-gangs-and-exploitation-casework"
    assert delivered["evidence_level"] == 0
    assert delivered["evidence_level_name"] == "No outcome evidence"
    assert delivered["quote"].startswith("The IGXU identify and work with")
    assert delivered["source"]["section"] == "5.1–5.2"
    assert delivered["picked_by_lead"] is False


def test_the_lead_replaces_them_through_the_api(client, lead, item):
    client.force_login(lead)
    response = client.put(
        api(item),
        {"interventions": ["westminster-igxu-family-therapy"]},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    assert [row["slug"] for row in response.json()] == ["westminster-igxu-family-therapy"]
    assert response.json()[0]["picked_by_lead"] is True
    assert interventions_of(item) == ["westminster-igxu-family-therapy"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"interventions": ["no-such-thing"]}, "interventions"),
        ({"interventions": "westminster-igxu-family-therapy"}, "interventions"),
        ({"interventions": [], "status": "complete"}, "status"),
        ({}, "interventions"),
    ],
)
def test_bad_bodies_are_400s_that_change_nothing(client, lead, item, body, field):
    client.force_login(lead)
    response = client.put(api(item), body, content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.content.decode()
    assert interventions_of(item) == []


def test_only_the_lead_writes_through_the_api(client, item):
    body = {"interventions": ["westminster-igxu-family-therapy"]}
    anonymous = client.put(api(item), body, content_type="application/json")
    assert anonymous.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    client.force_login(make_user("officer", "officer"))
    officer = client.put(api(item), body, content_type="application/json")
    assert officer.status_code == HTTPStatus.FORBIDDEN
    assert interventions_of(item) == []


@pytest.mark.parametrize("extra", [1, 15])
def test_api_queries_do_not_grow(client, django_assert_num_queries, item, extra):
    """1 the item, 1 its links with their interventions and sources."""
    for _ in range(extra):
        PlanItemIntervention.objects.create(item=item, intervention=InterventionFactory())
    with django_assert_num_queries(2):
        response = client.get(api(item))
    assert len(response.json()) == extra


# --- The links' history -----------------------------------------------------------------------


def dated(item, when):
    """Date the item's recorded link changes to ``when``, as if they were made then."""
    PlanItemIntervention.history.filter(item=item, source__isnull=True).update(history_date=when)


def test_the_items_history_shows_interventions_picked_and_unticked_and_by_whom(client, lead, item):
    client.force_login(lead)
    url = f"/action-items/{item.pk}/interventions/"
    client.post(
        url,
        {
            "interventions": [
                "westminster-igxu-family-therapy",
                "westminster-early-help-crime-prevention",
            ]
        },
    )
    client.post(url, {"interventions": ["westminster-igxu-family-therapy"]})
    history = client.get(f"/api/v1/action-items/{item.pk}/history/").json()
    assert [entry["changes"] for entry in history[:2]] == [
        {
            "interventions": {
                "from": [
                    "IGXU family therapy",
                    "Targeted Early Help one-to-one crime prevention work",
                ],
                "to": ["IGXU family therapy"],
            }
        },
        {
            "interventions": {
                "from": [],
                "to": [
                    "IGXU family therapy",
                    "Targeted Early Help one-to-one crime prevention work",
                ],
            }
        },
    ]
    assert {entry["changed_by"] for entry in history[:2]} == {"westminster-lead"}
    assert history[0]["to_status"] is None
    text = text_of(client.get(f"/action-items/{item.pk}/"))
    both = "IGXU family therapy; Targeted Early Help one-to-one crime prevention work"
    assert f"by westminster-lead Interventions: — → {both}" in text
    assert f"Interventions: {both} → IGXU family therapy" in text
    # The plan's history shows them too, against the item.
    timeline = client.get("/api/v1/action-plans/westminster-knife-crime-action-plan-2019/history/")
    assert timeline.status_code == HTTPStatus.OK
    [latest] = [
        entry for entry in timeline.json() if "interventions" in entry["change"]["changes"]
    ][:1]
    assert latest["item"]["id"] == item.pk
    plan_page = text_of(client.get("/boroughs/westminster/action-plan/history/"))
    assert f"Interventions: {both} → IGXU family therapy" in plan_page


def test_links_loaded_from_the_report_are_not_changes_but_removing_one_is(client, lead):
    item = ActionItem.objects.get(slug="wkcap-igxu-casework")
    assert client.get(f"/api/v1/action-items/{item.pk}/history/").json() == []
    client.force_login(lead)
    client.post(f"/action-items/{item.pk}/interventions/", {})
    [change] = client.get(f"/api/v1/action-items/{item.pk}/history/").json()
    assert change["changes"] == {
        "interventions": {"from": ["IGXU multi-agency gangs and exploitation casework"], "to": []}
    }
    assert change["changed_by"] == "westminster-lead"


def test_an_admin_removal_is_recorded_with_its_editor(client):
    editor = get_user_model().objects.create_superuser("admin-editor", "a@example.org", "x")
    client.force_login(editor)
    link = PlanItemIntervention.objects.get(item__slug="wkcap-igxu-casework")
    # Deleting the intervention deletes the links that name it, and says so.
    client.post(f"/admin/casestudies/intervention/{link.intervention.pk}/delete/", {"post": "yes"})
    [change] = client.get(f"/api/v1/action-items/{link.item.pk}/history/").json()
    assert change["changed_by"] == "admin-editor"
    assert change["changes"]["interventions"]["to"] == []


def test_a_plan_as_it_stood_shows_the_links_of_that_day(client, lead, item):
    """Picked on 1 June 2021; a link loaded from the report (published 10 September 2019)
    removed on 1 March 2022."""
    client.force_login(lead)
    client.post(
        f"/action-items/{item.pk}/interventions/",
        {"interventions": ["westminster-igxu-family-therapy"]},
    )
    dated(item, dt.datetime(2021, 6, 1, 12, tzinfo=dt.UTC))
    casework = ActionItem.objects.get(slug="wkcap-igxu-casework")
    client.post(f"/action-items/{casework.pk}/interventions/", {})
    PlanItemIntervention.history.filter(item=casework, history_type="-").update(
        history_date=dt.datetime(2022, 3, 1, 12, tzinfo=dt.UTC)
    )

    def delivering(day):
        response = client.get(PLAN, {"as_at": day})
        assert response.status_code == HTTPStatus.OK
        [panel] = response.context["panels"]
        assert panel.context["as_at"] == dt.date.fromisoformat(day)
        profile = panel.context["profile"]
        return {
            found.slug: [intervention.slug for intervention in interventions]
            for row in profile.rows
            for found, interventions in row["items"]
        }

    before = delivering("2021-05-31")
    assert item.slug not in before
    assert before["wkcap-igxu-casework"] == ["westminster-igxu-gangs-and-exploitation-casework"]
    assert len(before) == 11
    after_picking = delivering("2021-06-01")
    assert after_picking[item.slug] == ["westminster-igxu-family-therapy"]
    assert "wkcap-igxu-casework" in after_picking
    after_removing = delivering("2022-03-01")
    assert "wkcap-igxu-casework" not in after_removing
    assert len(after_removing) == 11
    assert delivering("2019-09-10")["wkcap-igxu-casework"]
    text = text_of(client.get(PLAN, {"as_at": "2021-06-01"}))
    assert "Evidence behind this plan" in text
    assert "those it delivered at the end of 1 June 2021" in text


def test_figures_as_at_a_day_count_the_interventions_the_plan_delivered_then(client, lead, item):
    """An intervention picked on 1 June 2021; a link loaded from the report removed on 1
    March 2022: the borough's figures on each day count what its plan's items delivered
    then."""
    picked = InterventionFactory()  # one no item of the plan delivered before
    client.force_login(lead)
    client.post(f"/action-items/{item.pk}/interventions/", {"interventions": [picked.slug]})
    dated(item, dt.datetime(2021, 6, 1, 12, tzinfo=dt.UTC))
    casework = ActionItem.objects.get(slug="wkcap-igxu-casework")
    client.post(f"/action-items/{casework.pk}/interventions/", {})
    PlanItemIntervention.history.filter(item=casework, history_type="-").update(
        history_date=dt.datetime(2022, 3, 1, 12, tzinfo=dt.UTC)
    )
    client.logout()

    def figures(day):
        rows = client.get("/api/v1/borough-summary/", {"region": "london", "as_at": day}).json()
        return {row["borough"]["slug"]: row for row in rows}

    def in_plan(day):
        return figures(day)["westminster"]["interventions_in_plan"]

    assert in_plan("2019-09-10") == 11  # as the report published them
    assert in_plan("2021-05-31") == 11
    assert in_plan("2021-06-01") == 12  # one picked, casework still delivered
    assert in_plan("2022-03-01") == 11  # casework removed
    on_the_day = figures("2021-06-01")
    assert on_the_day["westminster"]["interventions_in_use"] >= 12
    # A borough with no plan then has no interventions in a plan to count: not known.
    assert on_the_day["lambeth"]["interventions_in_plan"] is None


def test_the_links_of_a_day_are_those_of_the_items_asked_about():
    """Read through the items' plan, the links of its other items are left out."""
    casework = ActionItem.objects.get(slug="wkcap-igxu-casework")
    today = timezone.localdate()
    [delivered] = links_as_at([casework], today).values()
    assert [intervention.slug for intervention in delivered] == [
        "westminster-igxu-gangs-and-exploitation-casework"
    ]
    every_item = links_as_at(list(casework.plan.items.all()), today)
    assert len(every_item) == 11
    assert every_item[casework.pk] == delivered


@pytest.mark.parametrize("extra", [1, 20])
def test_plan_as_at_queries_do_not_grow_with_link_history(
    client, django_assert_num_queries, lead, extra
):
    """The plan as it stood: 1 borough, 5 the rebuild (plans, their changes, items, their
    updates, themes), 1 the links' history."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    theme = plan.framework.themes.last()
    for n in range(extra):
        added = ActionItem.objects.create(plan=plan, theme=theme, slug=f"x-{n}", title=f"X {n}")
        link = PlanItemIntervention.objects.create(item=added, intervention=InterventionFactory())
        link.delete()
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(7):
        response = client.get(PLAN, {"as_at": today})
    assert response.context["panels"][0].context["profile"].delivering_count == 11
