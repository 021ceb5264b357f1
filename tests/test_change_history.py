"""Every change to plans, items, case studies and awards is kept, by whatever path it came:
the pages, the API, the admin and the loader, each with who made it (or why) and when."""

import json
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.models import ActionItem, ActionPlan
from boroughs.roles import role_grant
from casestudies.checklist import open_points
from casestudies.models import CaseStudy
from casestudies.services import case_study_publish
from core.api.concurrency import etag_for
from funding.models import Award
from svportal.portal_data import load_portal_data
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The fields a browser would send back from the page's main form, as they stand."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
                return
            self.fields[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def admin_edit(client, url, **changes):
    """Change a record through its admin page as an editor in a browser would."""
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    parser = _FormFields()
    parser.feed(page.content.decode())
    fields = {name: value.lstrip("\n") for name, value in parser.fields.items()}
    fields.update(changes)
    fields.pop("_saveasnew", None)
    response = client.post(url, fields)
    if response.status_code == HTTPStatus.OK:  # the form came back: say why
        form = response.context["adminform"].form
        inlines = [formset.errors for formset in response.context["inline_admin_formsets"]]
        pytest.fail(f"the admin refused the edit: {form.errors.as_data()} {inlines}")
    return response


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(user)
    return user


def latest_change(record):
    return record.history.order_by("-history_date", "-history_id").first()


def westminster_item():
    return ActionItem.objects.filter(plan__borough__slug="westminster").order_by("pk").first()


def test_the_real_data_arrives_with_its_history():
    item = westminster_item()
    first = item.history.earliest("history_date")
    assert first.history_type == "+"
    assert first.history_change_reason == "Loaded from the real data"
    assert first.history_user is None


def test_an_admin_edit_of_an_award_is_recorded_with_its_editor(client, superuser):
    award = Award.objects.order_by("pk").first()
    response = admin_edit(
        client, f"/admin/funding/award/{award.pk}/change/", purpose="Corrected purpose"
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    change = latest_change(award)
    assert change.history_type == "~"
    assert change.history_user == superuser
    assert change.purpose == "Corrected purpose"
    assert change.prev_record.purpose != "Corrected purpose"


def test_an_admin_edit_of_an_item_is_recorded_with_its_editor(client, superuser):
    item = westminster_item()
    response = admin_edit(
        client, f"/admin/actionplans/actionitem/{item.pk}/change/", lead_agency="Changed agency"
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    change = latest_change(item)
    assert (change.history_user, change.lead_agency) == (superuser, "Changed agency")


def test_an_api_edit_is_recorded_with_the_lead_who_made_it(client):
    lead = sign_in_as(client, "westminster lead", ("lead", "westminster"))
    item = ActionItem.objects.filter(plan__borough__slug="westminster").exclude(status="complete")
    item = item.order_by("pk").first()
    response = client.patch(
        f"/api/v1/action-items/{item.pk}/",
        json.dumps({"progress": 55}),
        content_type="application/json",
        HTTP_IF_MATCH=etag_for(item),
    )
    assert response.status_code == HTTPStatus.OK, response.content
    change = latest_change(item)
    assert (change.history_user, change.progress) == (lead, 55)


def test_items_uploaded_from_a_file_are_recorded_with_the_uploader(client):
    lead = sign_in_as(client, "westminster lead", ("lead", "westminster"))
    plan = ActionPlan.objects.get(borough__slug="westminster", status="active")
    upload = SimpleUploadedFile(
        "items.csv", b"theme,title\ngovernance,Uploaded with history\n", content_type="text/csv"
    )
    response = client.post(f"/api/v1/action-plans/{plan.slug}/items-upload/", {"file": upload})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED), response.content
    item = ActionItem.objects.get(plan=plan, title="Uploaded with history")
    created = item.history.get()
    assert (created.history_type, created.history_user) == ("+", lead)


def test_publishing_a_case_study_is_recorded():
    editor = get_user_model().objects.create_user("history-editor")
    role_grant(user=editor, role="editor")
    study = CaseStudy.objects.filter(status="published").order_by("pk").first()
    CaseStudy.objects.filter(pk=study.pk).update(status="in_review")
    study.refresh_from_db()
    confirmed = [point.code for point in open_points(study)]
    case_study_publish(case_study=study, acting_user=editor, confirmed=confirmed)
    change = latest_change(study)
    assert (change.status, change.history_type) == ("published", "~")
    assert change.prev_record is not None


def test_a_refresh_from_the_fixtures_is_recorded_with_its_reason(settings):
    item = westminster_item()
    original = item.title
    ActionItem.objects.filter(pk=item.pk).update(title="Drifted from the source")
    load_portal_data(settings.PORTAL_FIXTURES_DIR, refresh=True)
    item.refresh_from_db()
    assert item.title == original
    change = latest_change(item)
    assert change.history_change_reason == "Refreshed from the real data"
    assert change.title == original
