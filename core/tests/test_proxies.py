"""Forwarded headers count only from the proxies the settings name."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
PROXY = "172.28.0.10"


def test_a_made_up_https_header_from_anyone_but_a_trusted_proxy_is_ignored(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = [PROXY]
    claimed = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.5")
    assert claimed.status_code == 301
    assert claimed["Location"].startswith("https://")
    through_proxy = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY)
    assert through_proxy.status_code == 200


def test_a_network_of_proxies_can_be_named(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["172.28.0.0/24"]
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="172.28.0.77")
    assert response.status_code == 200


def sign_in_status(client, user, *, forwarded_for, remote):
    return client.post(
        "/accounts/login/",
        {"username": user.username, "password": "a-long-passphrase-1"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    ).status_code


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("reader", password="a-long-passphrase-1")


def test_a_made_up_forwarded_for_does_not_escape_the_address_lockout(client, reader):
    for n in range(10):
        client.post(
            "/accounts/login/",
            {"username": f"guess-{n}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    status = sign_in_status(client, reader, forwarded_for="198.51.100.99", remote="203.0.113.5")
    assert status == 429


def test_behind_a_trusted_proxy_each_client_is_locked_out_by_its_own_address(
    client, settings, reader
):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(10):
        client.post(
            "/accounts/login/",
            {"username": f"guess-{n}", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            # The attacker's made-up value on the left; the proxy appends what it saw.
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5",
        )
    # The attacker's real address is locked out, whatever it claims...
    locked = sign_in_status(
        client, reader, forwarded_for="198.51.100.99, 203.0.113.5", remote=PROXY
    )
    assert locked == 429
    # ...and everyone else behind the same proxy still signs in.
    assert sign_in_status(client, reader, forwarded_for="203.0.113.6", remote=PROXY) == 302
