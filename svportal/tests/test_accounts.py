"""Signing in: lockout after repeated failures, password reset by email, password change."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "a-long-passphrase-1"


@pytest.fixture
def lead():
    return get_user_model().objects.create_user(
        "westminster-lead", email="lead@example.gov.uk", password=PASSWORD
    )


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "an-editor", email="editor@example.gov.uk", password=PASSWORD, is_staff=True
    )


def sign_in(client, username, password, *, url=LOGIN, address="127.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_after_ten_until_it_is_unlocked(
    client, lead, run_command
):
    answers = [sign_in(client, lead.username, "wrong").status_code for _ in range(30)]
    assert answers[:9] == [200] * 9  # the form again, with its error
    assert answers[9:] == [429] * 21

    locked = sign_in(client, lead.username, PASSWORD)
    assert locked.status_code == 429
    assert not signed_in(client)
    page = locked.content.decode()
    assert "Sign-in locked" in page
    assert "locked for 15 minutes" in page

    # Locked per username: from another address too; and per address: for another user too.
    assert sign_in(client, lead.username, PASSWORD, address="192.0.2.9").status_code == 429
    get_user_model().objects.create_user("other", password=PASSWORD)
    assert sign_in(client, "other", PASSWORD).status_code == 429

    assert "westminster-lead" in run_command("axes_list_attempts")
    run_command("axes_reset_username", lead.username)
    response = sign_in(client, lead.username, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_guessing_many_usernames_from_one_address_locks_the_address(client, lead, run_command):
    answers = [sign_in(client, f"guess-{n}", "wrong").status_code for n in range(10)]
    assert answers == [200] * 9 + [429]
    assert sign_in(client, lead.username, PASSWORD).status_code == 429
    assert sign_in(client, lead.username, PASSWORD, address="192.0.2.9").status_code == 302
    client.logout()
    run_command("axes_reset_ip", "127.0.0.1")
    assert sign_in(client, lead.username, PASSWORD).status_code == 302


def test_the_admin_sign_in_locks_out_too(client, editor):
    answers = [sign_in(client, editor.username, "wrong", url=ADMIN_LOGIN) for _ in range(11)]
    assert [answer.status_code for answer in answers[:9]] == [200] * 9
    assert answers[10].status_code == 429
    assert "Sign-in locked" in answers[10].content.decode()
    assert sign_in(client, editor.username, PASSWORD, url=ADMIN_LOGIN).status_code == 429
    call_command("axes_reset")
    assert sign_in(client, editor.username, PASSWORD, url=ADMIN_LOGIN).status_code == 302


def test_a_success_clears_earlier_failures(client, lead):
    for _ in range(9):
        sign_in(client, lead.username, "wrong")
    assert sign_in(client, lead.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        assert sign_in(client, lead.username, "wrong").status_code == 200
    assert sign_in(client, lead.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("limit", [3])
def test_the_threshold_comes_from_settings(client, lead, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit
    answers = [sign_in(client, lead.username, "wrong").status_code for _ in range(limit + 1)]
    assert answers == [200] * (limit - 1) + [429, 429]


def reset_link(message):
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def test_password_reset_by_email(client, lead):
    response = client.post("/accounts/password-reset/", {"email": "lead@example.gov.uk"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == ["lead@example.gov.uk"]
    assert message.subject == "Reset your SV Portal password"
    assert "westminster-lead" in message.body

    form = client.get(reset_link(message), follow=True)
    assert "Choose a new password" in form.content.decode()
    refused = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert refused.status_code == 200
    assert "This password is entirely numeric" in refused.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-phrase-2", "new_password2": "a-new-long-phrase-2"},
        follow=True,
    )
    assert "Your password has been reset" in done.content.decode()
    assert sign_in(client, lead.username, PASSWORD).status_code == 200
    assert sign_in(client, lead.username, "a-new-long-phrase-2").status_code == 302

    client.logout()
    used = client.get(reset_link(message), follow=True)
    assert "This link has expired" in used.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, lead):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.gov.uk"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_malformed_address_is_a_govuk_error(client):
    response = client.post("/accounts/password-reset/", {"email": "not-an-address"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: Reset your password" in page
    assert "Enter an email address in the correct format" in page


def test_password_change(client, lead):
    assert client.get("/account/password/").status_code == 302  # sign in first
    client.force_login(lead)
    wrong = client.post(
        "/account/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-new-long-phrase-2",
            "new_password2": "a-new-long-phrase-2",
        },
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    done = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-phrase-2",
            "new_password2": "a-new-long-phrase-2",
        },
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    assert signed_in(client)  # still signed in on this device
    client.logout()
    assert sign_in(client, lead.username, "a-new-long-phrase-2").status_code == 302


def test_a_short_password_is_refused_by_the_validators(client, lead):
    client.force_login(lead)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    lead.refresh_from_db()
    assert lead.check_password(PASSWORD)


def test_sessions_last_the_configured_hours(client, lead, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    sign_in(client, lead.username, PASSWORD)
    assert client.cookies["sessionid"]["max-age"] == 8 * 60 * 60
