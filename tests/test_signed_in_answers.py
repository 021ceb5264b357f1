"""Signed-in API reads answered from what the same reader was answered before.

A reader with a token (or a session) reading the same URL again, before any write, gets
the same answer without the view running again; after their authentication, permissions
and throttle. No answer ever goes to another reader, and every write that changes what
someone may see (the data, their roles, groups, permissions, account or token) shows at
once."""

import time
import uuid
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from boroughs.models import Borough, BoroughRole
from boroughs.roles import ANALYST, role_grant
from casestudies.models import CaseStudy
from casestudies.services import case_study_create_draft
from casestudies.tests.api.test_case_study_writes import client_for
from core.response_cache import VERSION_KEY
from funding.models import Funder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_version_caches")]

CASE_STUDIES = "/api/v1/case-studies/"
FUNDERS = "/api/v1/funders/"


def token_reader(name, role=None, borough=None):
    user = client_for(name, role, borough).user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


@pytest.fixture
def westminster_draft():
    officer = get_user_model().objects.create_user("drafting-officer")
    role_grant(user=officer, role="officer", borough=Borough.objects.get(slug="westminster"))
    return case_study_create_draft(
        acting_user=officer,
        title="Navigators in A&E",
        summary="In A&E.",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="C",
        solution="S",
        impact="I",
    )


def slugs(client, path=CASE_STUDIES, **params):
    response = client.get(path, {"page_size": 100, "ordering": "-modified_at", **params})
    assert response.status_code == HTTPStatus.OK, response.content
    return [study["slug"] for study in response.json()["results"]]


@pytest.mark.parametrize("path", [FUNDERS, CASE_STUDIES, "/api/v1/borough-summary/"])
def test_a_reader_reading_again_gets_the_same_answer_without_the_view_running(
    path, django_assert_num_queries
):
    """No query: the token's user is kept, and the view's own queries are not made again."""
    reader = token_reader("a-reader")
    fresh = reader.get(path)
    assert fresh.status_code == HTTPStatus.OK
    for _ in range(2):
        with django_assert_num_queries(0):
            kept = reader.get(path)
        assert kept.content == fresh.content
        assert kept["Content-Type"] == fresh["Content-Type"]
        assert kept["Vary"] == fresh["Vary"]
    vary = {name.strip().lower() for name in kept["Vary"].split(",")}
    assert {"accept", "authorization"} <= vary


def test_the_queries_of_a_kept_answer_do_not_grow_with_the_list(django_assert_num_queries):
    """No query for a list of 3 funders and for a list of 33."""
    reader = token_reader("a-reader")
    for extra in (0, 30):
        Funder.objects.bulk_create(
            [Funder(name=f"Funder {extra}-{n}", slug=f"funder-{extra}-{n}") for n in range(extra)]
        )
        cache.delete(VERSION_KEY)  # bulk_create sends no signal
        reader.get(FUNDERS, {"page_size": 100})
        with django_assert_num_queries(0):
            kept = reader.get(FUNDERS, {"page_size": 100})
        assert kept.json()["count"] == Funder.objects.count()


def test_no_answer_ever_goes_to_another_reader(westminster_draft):
    officer = token_reader("wm-officer", "officer", "westminster")
    reader = token_reader("a-reader")
    outsider = token_reader("adur-officer", "officer", "adur")
    anonymous = APIClient()
    for _ in range(2):  # made, then kept: each reader's answer is their own both times
        assert westminster_draft.slug in slugs(officer)
        assert westminster_draft.slug not in slugs(reader)
        assert westminster_draft.slug not in slugs(outsider)
        assert westminster_draft.slug not in slugs(anonymous)
        assert officer.get(f"{CASE_STUDIES}{westminster_draft.slug}/").status_code == 200
        assert reader.get(f"{CASE_STUDIES}{westminster_draft.slug}/").status_code == 404


def test_a_session_and_a_token_of_the_same_reader_see_the_same(westminster_draft):
    officer = token_reader("wm-officer", "officer", "westminster")
    session = APIClient()
    session.force_login(officer.user)
    assert slugs(officer) == slugs(session) == slugs(officer) == slugs(session)
    reader = APIClient()
    reader.force_login(get_user_model().objects.create_user("a-reader"))
    assert westminster_draft.slug not in slugs(reader)


def test_a_borough_role_given_or_taken_shows_at_once(westminster_draft):
    reader = token_reader("a-reader")
    assert westminster_draft.slug not in slugs(reader)
    role_grant(user=reader.user, role="officer", borough=Borough.objects.get(slug="westminster"))
    assert westminster_draft.slug in slugs(reader)
    BoroughRole.objects.filter(user=reader.user).delete()
    assert westminster_draft.slug not in slugs(reader)


def test_a_group_given_or_taken_shows_at_once(westminster_draft):
    reader = token_reader("a-reader")
    assert westminster_draft.slug not in slugs(reader)
    role_grant(user=reader.user, role=ANALYST)  # a global role is a group
    assert westminster_draft.slug in slugs(reader)
    reader.user.groups.remove(Group.objects.get(name=ANALYST))
    assert westminster_draft.slug not in slugs(reader)
    Group.objects.get(name=ANALYST).user_set.add(reader.user)  # from the group's side
    assert westminster_draft.slug in slugs(reader)
    group = Group.objects.get(name=ANALYST)
    group.name = "former analysts"  # a renamed group is no longer the role
    group.save()
    assert westminster_draft.slug not in slugs(reader)


def test_an_account_made_superuser_deactivated_or_its_token_deleted_shows_at_once(
    westminster_draft,
):
    reader = token_reader("a-reader")
    assert westminster_draft.slug not in slugs(reader)
    reader.user.is_superuser = True
    reader.user.save()
    assert westminster_draft.slug in slugs(reader)
    reader.user.is_active = False
    reader.user.save()
    assert reader.get(CASE_STUDIES).status_code == HTTPStatus.UNAUTHORIZED
    reader.user.is_active = True
    reader.user.save()
    assert reader.get(CASE_STUDIES).status_code == HTTPStatus.OK
    Token.objects.filter(user=reader.user).delete()
    assert reader.get(CASE_STUDIES).status_code == HTTPStatus.UNAUTHORIZED


def test_a_write_to_the_data_shows_at_once(westminster_draft):
    officer = token_reader("wm-officer", "officer", "westminster")
    assert westminster_draft.slug in slugs(officer)
    CaseStudy.objects.get(pk=westminster_draft.pk).delete()
    assert westminster_draft.slug not in slugs(officer)
    funder = Funder.objects.get(slug="home-office")
    assert funder.name in officer.get(FUNDERS).content.decode()
    funder.name = "Home Office (renamed)"
    funder.save()
    assert "Home Office (renamed)" in officer.get(FUNDERS).content.decode()


def test_the_throttle_still_counts_every_kept_answer(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "9/minute", "user": "3/minute"}
    )
    # A cache of its own, so that parallel workers sharing Redis cannot disturb the counts.
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}))
    reader = token_reader("a-reader")
    statuses = [reader.get(FUNDERS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, HTTPStatus.TOO_MANY_REQUESTS]


def test_a_bad_token_is_refused_even_for_a_kept_answer():
    reader = token_reader("a-reader")
    assert reader.get(FUNDERS).status_code == HTTPStatus.OK
    reader.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert reader.get(FUNDERS).status_code == HTTPStatus.UNAUTHORIZED


def test_a_sign_in_alone_keeps_the_answers(django_assert_num_queries):
    """Signing in records its time on the account: that changes nobody's answers."""
    reader = token_reader("a-reader")
    reader.get(FUNDERS)
    APIClient().force_login(reader.user)
    with django_assert_num_queries(0):
        reader.get(FUNDERS)


def test_a_write_through_another_worker_shows_at_once():
    """The data version is read on every request, never remembered by a process: a write
    made through another worker (here: the version moved on in the shared cache, as that
    worker's write does) shows on this one's next answer, and on the next token lookup."""
    reader = token_reader("a-reader")
    funder = Funder.objects.get(slug="home-office")
    for _ in range(2):  # made, then kept
        assert funder.name in reader.get(FUNDERS).content.decode()
    Funder.objects.filter(pk=funder.pk).update(name="Renamed through another worker")
    Token.objects.filter(user=reader.user).update(key="a-new-key")
    cache.set(VERSION_KEY, {"token": "another-worker", "at": int(time.time())}, None)
    assert reader.get(FUNDERS).status_code == HTTPStatus.UNAUTHORIZED
    reader.credentials(HTTP_AUTHORIZATION="Token a-new-key")
    assert "Renamed through another worker" in reader.get(FUNDERS).content.decode()
