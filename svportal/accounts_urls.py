"""Page URLs for signing in and out, passwords and the API token. Django's sign-in pages
live under /accounts/ and a signed-in user's own settings under /account/
(docs/decisions/0027-one-url-module-per-app.md)."""

from django.urls import path

from . import accounts, tokens

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("accounts/password-reset/", accounts.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_done, name="password-reset-sent"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password-reset/done/",
        accounts.password_reset_complete,
        name="password-reset-complete",
    ),
    path("account/password/", accounts.password_change, name="password-change"),
    path("account/password/changed/", accounts.password_change_done, name="password-change-done"),
    path("account/api-token/", tokens.api_token, name="api-token"),
]
