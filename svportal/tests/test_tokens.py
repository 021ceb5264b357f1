"""A signed-in user creates, replaces and revokes their own API token on a page."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db
PAGE = "/account/api-token/"


@pytest.fixture
def user(client):
    user = get_user_model().objects.create_user("lead", password="a-long-passphrase-1")
    client.force_login(user)
    return user


def test_the_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PAGE}"


def test_create_then_use_then_revoke(client, user):
    assert "You do not have a token." in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"action": "create"}, follow=True)
    token = Token.objects.get(user=user)
    assert token.key in response.content.decode()
    assert "Your new API token is ready" in response.content.decode()

    client.logout()
    authorised = client.get("/api/v1/boroughs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert authorised.status_code == 200

    client.force_login(user)
    response = client.post(PAGE, {"action": "revoke"}, follow=True)
    assert "Your API token has been revoked." in response.content.decode()
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    refused = client.get("/api/v1/boroughs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert refused.status_code == 401


def test_replacing_a_token_stops_the_old_one(client, user):
    client.post(PAGE, {"action": "create"})
    old = Token.objects.get(user=user).key
    client.post(PAGE, {"action": "create"})
    new = Token.objects.get(user=user).key
    assert new != old
    client.logout()
    assert client.get("/api/v1/boroughs/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


def test_a_user_only_ever_sees_their_own_token(client, user):
    other = get_user_model().objects.create_user("other", password="a-long-passphrase-2")
    other_token = Token.objects.create(user=other)
    page = client.get(PAGE).content.decode()
    assert other_token.key not in page


def test_an_unknown_action_changes_nothing(client, user):
    client.post(PAGE, {"action": "create"})
    key = Token.objects.get(user=user).key
    response = client.post(PAGE, {"action": "delete-everything"})
    assert response.status_code == 400
    assert "Choose whether to create or revoke your token." in response.content.decode()
    assert Token.objects.get(user=user).key == key


def test_sign_in_and_out(client):
    get_user_model().objects.create_user("officer", password="a-long-passphrase-1")
    response = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": "officer", "password": "a-long-passphrase-1", "next": PAGE},
    )
    assert response["Location"] == PAGE
    assert client.get(PAGE).status_code == 200
    client.post("/accounts/logout/")
    assert client.get(PAGE).status_code == 302
