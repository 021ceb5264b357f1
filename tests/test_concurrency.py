"""No lost updates: two editors from the same ETag get one 200 and one 412."""

import json
import threading
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from actionplans.models import ActionItem, StatusUpdate
from boroughs.models import Borough
from boroughs.roles import role_grant


def make_lead(name):
    user = get_user_model().objects.create_user(name)
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    client = Client()
    client.force_login(user)
    return client


def open_item():
    return ActionItem.objects.filter(plan__borough__slug="westminster", status="on_track").first()


def patch(client, item, etag, body):
    return client.patch(
        f"/api/v1/action-items/{item.pk}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )


@pytest.mark.django_db
def test_the_second_of_two_edits_from_the_same_etag_is_refused():
    first, second = make_lead("lead-a"), make_lead("lead-b")
    item = open_item()
    etag = first.get(f"/api/v1/action-items/{item.pk}/")["ETag"]
    assert second.get(f"/api/v1/action-items/{item.pk}/")["ETag"] == etag

    won = patch(first, item, etag, {"progress": 30})
    lost = patch(second, item, etag, {"progress": 80, "status": "at_risk", "note": "Late"})

    assert won.status_code == HTTPStatus.OK
    assert lost.status_code == HTTPStatus.PRECONDITION_FAILED
    body = lost.json()
    assert body["code"] == "precondition_failed"
    assert body["current"]["progress"] == 30  # what changed meanwhile
    assert body["etag"] == won["ETag"]
    item.refresh_from_db()
    assert (item.progress, item.status, item.version) == (30, "on_track", 2)
    assert StatusUpdate.objects.filter(item=item).count() == 1


@pytest.mark.django_db
def test_a_patch_without_if_match_is_428_and_changes_nothing():
    client = make_lead("lead-c")
    item = open_item()
    response = client.patch(
        f"/api/v1/action-items/{item.pk}/",
        json.dumps({"progress": 30}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.PRECONDITION_REQUIRED
    assert response.json()["code"] == "precondition_required"
    item.refresh_from_db()
    assert item.version == 1


@pytest.mark.django_db
def test_an_etag_for_another_record_is_refused():
    client = make_lead("lead-d")
    item, other = ActionItem.objects.filter(plan__borough__slug="westminster")[:2]
    etag = client.get(f"/api/v1/action-items/{other.pk}/")["ETag"]
    response = patch(client, item, etag, {"progress": 30})
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED


def test_racing_edits_from_two_connections(real_data_restored_afterwards, transactional_db):
    """Two threads, two database connections, released together: exactly one wins."""
    if connection.vendor != "postgresql":
        pytest.skip("Racing connections need a database server; PostgreSQL runs this test")
    clients = [make_lead("racer-1"), make_lead("racer-2")]
    item = open_item()
    etag = clients[0].get(f"/api/v1/action-items/{item.pk}/")["ETag"]
    barrier = threading.Barrier(2)
    statuses = []

    def edit(client, progress):
        try:
            barrier.wait(timeout=10)
            statuses.append(patch(client, item, etag, {"progress": progress}).status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(client, progress))
        for client, progress in zip(clients, (25, 75), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [HTTPStatus.OK, HTTPStatus.PRECONDITION_FAILED]
    item.refresh_from_db()
    assert item.version == 2
    assert item.progress in (25, 75)
    assert StatusUpdate.objects.filter(item=item).count() == 1


@pytest.mark.django_db
def test_a_weak_etag_is_refused_with_412_and_changes_nothing():
    client = make_lead("lead-weak")
    item = open_item()
    progress_before = item.progress
    etag = client.get(f"/api/v1/action-items/{item.pk}/")["ETag"]
    response = patch(client, item, f"W/{etag}", {"progress": 30})
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert "only strong ETags" in response.json()["detail"]
    item.refresh_from_db()
    assert (item.progress, item.version) == (progress_before, 1)
    assert patch(client, item, etag, {"progress": 30}).status_code == HTTPStatus.OK
