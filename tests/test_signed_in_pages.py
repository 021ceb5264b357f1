"""Signed-in readers' pages kept under the data version (core/signed_in_pages.py): a page a
reader opened again costs no query of its own, yet every reader sees every write at once,
sees their own controls and never another reader's page, CSRF token or messages."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.urls import reverse

from actionplans.models import ActionItem
from actionplans.services import action_item_create
from actionplans.tests.test_pages import form_data
from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.services import case_study_create_draft
from casestudies.tests.api.test_case_study_writes import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_version_caches")]

PLAN = "/boroughs/westminster/action-plan/"
CASE_STUDY = "/case-studies/waltham-forest-young-people-violence-reduction-partnership/"
PAGES = [
    "/",
    "/case-studies/",
    "/search/?q=young",
    CASE_STUDY,
    f"{PLAN}?as_at=2023-06-30",
    "/boroughs/westminster/",
]
ADD_AN_ITEM = "Add an item"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def item_in_westminster():
    return ActionItem.objects.filter(plan__borough__slug="westminster").order_by("pk").first()


def csrf_secret(client):
    return client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize("path", PAGES)
def test_a_page_opened_again_is_the_same_page_for_one_query(path, django_assert_num_queries):
    reader = client_for("a-reader")
    first = reader.get(path)
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(1):  # the reader (the session is read from the cache)
        again = reader.get(path)
    assert again.status_code == HTTPStatus.OK
    mask = re.compile(rb'nonce="[^"]+"|value="[A-Za-z0-9]{64}"')
    assert mask.sub(b"", again.content) == mask.sub(b"", first.content)


def test_a_kept_page_costs_the_same_queries_at_any_size(django_assert_num_queries):
    reader = client_for("a-reader")
    reader.get(PLAN)
    with django_assert_num_queries(1):
        reader.get(PLAN)
    plan = item_in_westminster().plan
    editor = client_for("an-editor", "editor").user
    for number in range(30):
        action_item_create(
            plan=plan,
            acting_user=editor,
            fields={"theme": plan.framework.themes.first(), "title": f"More {number}"},
        )
    assert "More 29" in reader.get(PLAN).content.decode()
    with django_assert_num_queries(1):
        assert "More 29" in reader.get(PLAN).content.decode()


def test_a_signed_in_reader_sees_a_leads_edit_at_once():
    reader = client_for("a-reader")
    item = item_in_westminster()
    for _ in range(2):  # kept, then answered from what was kept
        assert item.title in reader.get(PLAN).content.decode()
    lead = client_for("wm-lead", "lead", "westminster")
    response = lead.post(
        f"/action-items/{item.pk}/edit/", form_data(item, title="Renamed by the lead")
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert "Renamed by the lead" in reader.get(PLAN).content.decode()


def test_two_readers_each_see_their_own_controls():
    lead = client_for("wm-lead", "lead", "westminster")
    reader = client_for("a-reader")
    for _ in range(2):
        assert ADD_AN_ITEM in lead.get(PLAN).content.decode()
        assert ADD_AN_ITEM not in reader.get(PLAN).content.decode()


def test_a_reader_given_a_role_sees_its_controls_at_once():
    reader = client_for("a-reader")
    for _ in range(2):
        assert ADD_AN_ITEM not in reader.get(PLAN).content.decode()
    role_grant(user=reader.user, role="editor")  # joins the editor group
    assert ADD_AN_ITEM in reader.get(PLAN).content.decode()
    reader.user.groups.clear()
    reader.user.is_staff = False
    reader.user.save()
    assert ADD_AN_ITEM not in reader.get(PLAN).content.decode()
    get_user_model().objects.filter(pk=reader.user.pk).update(is_superuser=True)
    assert ADD_AN_ITEM in reader.get(PLAN).content.decode()


def test_each_answer_carries_the_readers_own_csrf_token_freshly_masked():
    one, other = client_for("one-reader"), client_for("other-reader")
    tokens = {}
    for client in (one, other, one, other):
        token = CSRF_FIELD.search(client.get("/case-studies/").content.decode()).group(1)
        assert _unmask_cipher_token(token) == csrf_secret(client)
        tokens.setdefault(client.user.username, []).append(token)
    assert csrf_secret(one) != csrf_secret(other)
    assert all(first != again for first, again in tokens.values())


def test_a_kept_page_signs_out_with_its_token():
    reader = client_for("a-reader")
    reader.handler.enforce_csrf_checks = True
    reader.get("/")
    token = CSRF_FIELD.search(reader.get("/").content.decode()).group(1)
    response = reader.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert ADD_AN_ITEM not in reader.get(PLAN).content.decode()
    assert "Sign in" in reader.get("/").content.decode()


def test_each_kept_page_has_a_fresh_nonce_matching_its_policy():
    reader = client_for("a-reader")
    nonces = []
    for _ in range(2):
        response = reader.get("/")
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_flash_message_is_shown_once_and_never_kept():
    lead = client_for("wm-lead", "lead", "westminster")
    lead.get(PLAN)
    item = item_in_westminster()
    response = lead.post(
        f"/action-items/{item.pk}/edit/", form_data(item, title="Renamed by the lead"), follow=True
    )
    assert "has been updated" in response.content.decode()
    for _ in range(2):
        page = lead.get(PLAN).content.decode()
        assert "Renamed by the lead" in page
        assert "has been updated" not in page


def test_a_draft_kept_for_its_officer_never_reaches_another_reader():
    officer = client_for("wm-officer", "officer", "westminster")
    reader = client_for("a-reader")
    case_study_create_draft(
        acting_user=officer.user,
        title="Navigators in hospital wards",
        summary="In A&E.",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="C",
        solution="S",
        impact="I",
    )
    borough_page = "/boroughs/westminster/"
    for _ in range(2):  # each made, then each answered from what was kept for them
        assert "Navigators in hospital wards" in officer.get(borough_page).content.decode()
        assert "Navigators in hospital wards" not in reader.get(borough_page).content.decode()
