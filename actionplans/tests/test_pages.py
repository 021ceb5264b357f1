"""The action plan pages, and the lead's forms: one-step update, stale edits, uploads."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, StatusUpdate
from actionplans.services import action_item_update, action_plan_update
from boroughs.models import Borough
from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db
PLAN = "/boroughs/westminster/action-plan/"


@pytest.fixture
def lead():
    user = get_user_model().objects.create_user("westminster-lead")
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    return user


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def item():
    return ActionItem.objects.filter(plan__borough__slug="westminster", status="on_track").first()


def form_data(item, **changes):
    data = {
        "status": item.status,
        "progress": "" if item.progress is None else item.progress,
        "note": "",
        "title": item.title,
        "theme": item.theme.slug,
        "description": item.description,
        "lead_agency": item.lead_agency,
        "partners": item.partners,
        "due_day": "",
        "due_month": "",
        "due_year": "",
        "version": item.version,
    }
    data.update(changes)
    return data


def test_the_plan_page_groups_items_by_theme_with_status_tags(client):
    response = client.get(PLAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Westminster Local Knife Crime Action Plan" in page
    themes = [theme.name for theme, _ in response.context["themes"]]
    assert themes[0] == "Governance"
    assert len(themes) == 6
    assert sum(len(items) for _, items in response.context["themes"]) == 40
    assert 'govuk-tag govuk-tag--blue">On track' in page
    assert 'govuk-tag govuk-tag--green">Complete' in page
    assert "Add an item" not in page  # the public cannot edit


def test_the_kept_item_tables_show_a_change_and_who_may_edit_at_once(client, lead, item):
    """The tables of items are kept once per set of what they show: a changed item, a
    day on which an item falls overdue, and a lead's update links each make them anew."""
    edit_link = f'href="/action-items/{item.pk}/edit/"'
    first = client.get(PLAN).content.decode()
    assert f'href="/action-items/{item.pk}/">{item.title}</a>' in first
    assert edit_link not in first

    ActionItem.objects.filter(pk=item.pk).update(
        title="Renamed item", due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    changed = client.get(PLAN).content.decode()
    assert f'href="/action-items/{item.pk}/">Renamed item</a>' in changed
    assert changed.count(">Overdue</strong>") == first.count(">Overdue</strong>") + 1

    client.force_login(lead)
    assert edit_link in client.get(PLAN).content.decode()
    client.logout()
    assert edit_link not in client.get(PLAN).content.decode()


def test_overdue_items_are_flagged(client, item):
    ActionItem.objects.filter(pk=item.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    response = client.get(PLAN)
    assert response.context["overdue"] == 1
    assert "1 overdue" in response.content.decode()
    assert "Overdue" in client.get(f"/action-items/{item.pk}/").content.decode()


def test_a_borough_without_a_plan_says_so(client):
    response = client.get("/boroughs/lambeth/action-plan/")
    assert response.status_code == 200
    assert "No action plan recorded" in response.content.decode()


def test_an_unknown_borough_is_a_styled_404(client):
    response = client.get("/boroughs/atlantis/action-plan/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("extra_items", [1, 25])
def test_plan_page_queries_do_not_grow(client, django_assert_num_queries, extra_items):
    """1 borough, 1 active plan, 1 items with theme and last editor, 1 themes, 1 the
    interventions the items deliver (the evidence profile)."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    theme = plan.framework.themes.last()
    for n in range(extra_items):
        ActionItem.objects.create(plan=plan, theme=theme, slug=f"extra-{n}", title=f"Extra {n}")
    with django_assert_num_queries(5):
        client.get(PLAN)


def test_the_lead_updates_status_progress_and_note_in_one_step(lead_client, lead, item):
    page = lead_client.get(PLAN).content.decode()
    assert "Add an item" in page
    response = lead_client.post(
        f"/action-items/{item.pk}/edit/",
        form_data(item, status="at_risk", progress="35", note="Lead officer on leave"),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == PLAN
    item.refresh_from_db()
    assert (item.status, item.progress, item.version, item.last_updated_by) == (
        "at_risk",
        35,
        2,
        lead,
    )
    shown = lead_client.get(f"/action-items/{item.pk}/").content.decode()
    assert "Status: On track → At risk" in shown
    assert "Lead officer on leave" in shown
    assert "westminster-lead" in shown
    assert "Status: On track → At risk" in lead_client.get(f"{PLAN}history/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"status": "off_track"},
            "note",
            "Enter a note saying why the item is at risk or off track",
        ),
        ({"progress": "lots"}, "progress", "Progress must be a whole number, like 40"),
        ({"progress": "140"}, "progress", "Progress must be 100 or less"),
        ({"title": ""}, "title", "Enter a title"),
        (
            {"due_day": "31", "due_month": "2", "due_year": "2027"},
            "due_day",
            "Due date must be a real date",
        ),
        (
            {"due_day": "3", "due_month": "", "due_year": "2027"},
            "due_month",
            "Due date must include a month",
        ),
        ({"status": "complete", "progress": "50"}, "progress", "A complete item is 100% done"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(lead_client, item, changes, field, message):
    response = lead_client.post(f"/action-items/{item.pk}/edit/", form_data(item, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert response.context["form"].errors[field]
    item.refresh_from_db()
    assert item.version == 1
    assert not StatusUpdate.objects.filter(item=item).exists()


def test_a_stale_edit_shows_what_changed_and_lets_the_lead_apply_theirs(lead_client, item):
    other = get_user_model().objects.create_user("deputy")
    role_grant(user=other, role="lead", borough=Borough.objects.get(slug="westminster"))
    read = form_data(item)  # the lead opens the form at version 1
    action_item_update(
        item=item,
        acting_user=other,
        expected_version=1,
        changes={"status": "off_track"},
        note="Venue lost",
    )
    response = lead_client.post(
        f"/action-items/{item.pk}/edit/", {**read, "status": "complete", "note": "Done"}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    page = response.content.decode()
    assert "Someone else changed this item while you were editing it" in page
    assert "deputy" in page
    assert "Venue lost" in page
    assert response.context["stale"]["rows"][0] == {
        "label": "Status",
        "saved": "Off track",
        "yours": "Complete",
    }
    item.refresh_from_db()
    assert (item.status, item.version) == ("off_track", 2)
    # The form now carries the new version: sending it again applies the lead's change.
    assert response.context["form"]["version"].value() == 2
    again = lead_client.post(
        f"/action-items/{item.pk}/edit/",
        {**read, "status": "complete", "note": "Done", "version": 2},
    )
    assert again.status_code == HTTPStatus.FOUND
    item.refresh_from_db()
    assert (item.status, item.progress, item.version) == ("complete", 100, 3)


def test_the_lead_adds_an_item(lead_client):
    response = lead_client.post(
        f"{PLAN}items/new/",
        {
            "title": "Knife amnesty bins in every ward",
            "theme": "keeping-weapons-off-our-streets",
            "status": "not_started",
            "due_day": "31",
            "due_month": "3",
            "due_year": "2027",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    item = ActionItem.objects.get(title="Knife amnesty bins in every ward")
    assert item.due_date == dt.date(2027, 3, 31)


def test_an_upload_with_one_bad_row_adds_nothing_and_names_the_line(lead_client):
    content = (
        b"theme,title,due_date\ngovernance,Fine row,2027-01-01\ngovernance,Bad row,not a date\n"
    )
    response = lead_client.post(
        f"{PLAN}upload/", {"file": SimpleUploadedFile("items.csv", content, "text/csv")}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "The file has 1 problem. Nothing was added." in page
    assert "Enter a date like 2027-03-31 or 31/03/2027." in page
    assert [(p.line, p.column) for p in response.context["problems"]] == [(3, "due_date")]
    assert not ActionItem.objects.filter(title="Fine row").exists()


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"theme,title\rgovernance,Fine\rgovernance,Caf\xe9\r", (3, "title")),  # CR, cp1252
        (b"theme,title\ngovernance,Has a \x00\n", (2, "title")),
        (b'theme,title,description\ngovernance,x,"open\n', (2, "description")),
        (b"theme,title\ngovernance," + b"x" * 140_000 + b"\n", (2, "title")),
    ],
)
def test_a_malformed_upload_is_a_govuk_error_by_line_and_column(lead_client, content, where):
    before = ActionItem.objects.count()
    response = lead_client.post(
        f"{PLAN}upload/", {"file": SimpleUploadedFile("items.csv", content, "text/csv")}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Nothing was added." in response.content.decode()
    assert [(p.line, p.column) for p in response.context["problems"]] == [where]
    assert ActionItem.objects.count() == before


def test_an_upload_adds_every_row(lead_client):
    template = lead_client.get(f"{PLAN}items-template.csv")
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    content = b"theme,title\ngovernance,First uploaded\ngovernance,Second uploaded\n"
    response = lead_client.post(
        f"{PLAN}upload/", {"file": SimpleUploadedFile("items.csv", content, "text/csv")}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert ActionItem.objects.filter(title__endswith="uploaded").count() == 2


def test_the_lead_changes_the_plans_details(lead_client):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    response = lead_client.post(
        f"{PLAN}edit/",
        {
            "title": plan.title,
            "status": "active",
            "scope": "partnership_wide",
            "overseen_by": "Safer Westminster Partnership",
            "last_refreshed_day": "1",
            "last_refreshed_month": "11",
            "last_refreshed_year": "2026",
            "version": 1,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.overseen_by == "Safer Westminster Partnership"
    assert plan.last_refreshed_on == dt.date(2026, 11, 1)
    assert "Overseen by: Community Safety → Safer Westminster Partnership" in (
        lead_client.get(f"{PLAN}history/").content.decode()
    )


def test_a_stale_plan_edit_is_refused_and_the_lead_can_send_theirs_again(lead_client):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    mine = {
        "title": plan.title,
        "status": "active",
        "scope": "partnership_wide",
        "overseen_by": "Safer Westminster Partnership",
        "version": plan.version,  # the lead opens the form
    }
    deputy = get_user_model().objects.create_user("deputy")
    role_grant(user=deputy, role="lead", borough=Borough.objects.get(slug="westminster"))
    action_plan_update(
        plan=plan,
        acting_user=deputy,
        expected_version=plan.version,
        changes={"overseen_by": "Westminster Scrutiny"},
        note="",
    )

    response = lead_client.post(f"{PLAN}edit/", mine)

    assert response.status_code == HTTPStatus.CONFLICT
    assert "overseen by Westminster Scrutiny" in response.content.decode()
    plan.refresh_from_db()
    assert plan.overseen_by == "Westminster Scrutiny"
    # The form now carries the version saved meanwhile: sending it again applies the lead's.
    assert response.context["form"]["version"].value() == plan.version
    again = lead_client.post(f"{PLAN}edit/", {**mine, "version": plan.version})
    assert again.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.overseen_by == "Safer Westminster Partnership"


@pytest.mark.parametrize(
    "path",
    [
        "/action-items/{item}/edit/",
        PLAN + "items/new/",
        PLAN + "upload/",
        PLAN + "edit/",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "lambeth lead", "westminster officer", "analyst"])
def test_only_the_lead_may_open_or_submit_the_forms(client, item, path, who):
    if who != "anonymous":
        user = get_user_model().objects.create_user(who.replace(" ", "-"))
        if who == "analyst":
            role_grant(user=user, role="analyst")
        else:
            borough, role = who.split()
            role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough))
        client.force_login(user)
    url = path.format(item=item.pk)
    expected = HTTPStatus.FOUND if who == "anonymous" else HTTPStatus.FORBIDDEN
    assert client.get(url).status_code == expected
    response = client.post(url, form_data(item, status="complete"))
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert "You cannot do this" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.version) == ("on_track", 1)
    assert ActionItem.objects.filter(plan__borough__slug="westminster").count() == 40
