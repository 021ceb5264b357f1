from django.urls import path

from . import accounts

urlpatterns = [
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("accounts/password-reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/password/", accounts.password_change, name="password_change"),
    path("account/password/changed/", accounts.password_change_done, name="password_change_done"),
]
