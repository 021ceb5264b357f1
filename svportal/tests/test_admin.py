"""An editor made with grant_role can work in every part of the admin with the real data."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db

CONTENT_APPS = {"boroughs", "casestudies", "actionplans", "funding"}


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_user("editor", password="a-long-passphrase-1")
    role_grant(user=editor, role="editor")
    client.force_login(editor)
    return client


def registered_content_models():
    return [model for model in admin.site._registry if model._meta.app_label in CONTENT_APPS]


@pytest.mark.parametrize("model", registered_content_models(), ids=lambda model: model._meta.label)
def test_every_list_search_and_record_opens(editor_client, model):
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    response = editor_client.get(changelist)
    assert response.status_code == 200
    assert editor_client.get(changelist, {"q": "Westminster"}).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
        assert editor_client.get(change).status_code == 200


def test_the_admin_lists_the_real_case_studies(editor_client):
    response = editor_client.get(reverse("admin:casestudies_casestudy_changelist"))
    assert "19 case studies" in response.content.decode()


def test_an_action_plan_opens_with_its_items_inline(editor_client):
    from actionplans.models import ActionPlan

    plan = ActionPlan.objects.get(borough__slug="westminster")
    response = editor_client.get(reverse("admin:actionplans_actionplan_change", args=[plan.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="items-') > 40 * 5  # every item's fields are editable inline


def test_status_history_cannot_be_changed_in_the_admin(editor_client):
    response = editor_client.get(reverse("admin:actionplans_statusupdate_add"))
    assert response.status_code == 403


def test_someone_without_a_role_cannot_enter_the_admin(client):
    user = get_user_model().objects.create_user("visitor", password="a-long-passphrase-1")
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
