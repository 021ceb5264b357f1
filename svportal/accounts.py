"""Signing in and out, password reset by e-mail and password change, as GOV.UK pages.

Django's own auth views do the work (tokens, never-cache headers, session rotation);
the forms here only give their fields GOV.UK classes and Design System error wording.
Repeated failed sign-ins are locked out by django-axes (settings: AXES_*).
"""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache

from core.forms import GovukFieldsMixin


class PasswordResetForm(GovukFieldsMixin, auth_forms.PasswordResetForm):
    autocomplete = {"email": "email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            }
        )


class NewPasswordMixin(GovukFieldsMixin):
    """The new password twice, with the validators' rules said in one plain hint."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"


class SetPasswordForm(NewPasswordMixin, auth_forms.SetPasswordForm):
    autocomplete = {"new_password1": "new-password", "new_password2": "new-password"}


class PasswordChangeForm(NewPasswordMixin, auth_forms.PasswordChangeForm):
    autocomplete = {
        "old_password": "current-password",
        "new_password1": "new-password",
        "new_password2": "new-password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"


# Every account page is never cached (Cache-Control: no-store): they carry personal details,
# CSRF tokens and reset links, which no shared or browser cache should keep.
_reset_hours = {"reset_hours": settings.PASSWORD_RESET_TIMEOUT // (60 * 60)}
login = never_cache(auth_views.LoginView.as_view())
logout = never_cache(auth_views.LogoutView.as_view())
password_reset = never_cache(
    auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm,
        email_template_name="registration/password_reset_email.txt",
        extra_email_context=_reset_hours,
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_done = never_cache(
    auth_views.PasswordResetDoneView.as_view(extra_context=_reset_hours)
)
password_reset_confirm = never_cache(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=SetPasswordForm, success_url=reverse_lazy("accounts:password-reset-complete")
    )
)
password_reset_complete = never_cache(auth_views.PasswordResetCompleteView.as_view())
password_change = never_cache(
    auth_views.PasswordChangeView.as_view(
        form_class=PasswordChangeForm, success_url=reverse_lazy("accounts:password-change-done")
    )
)
password_change_done = never_cache(auth_views.PasswordChangeDoneView.as_view())


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with (429) once a username or address is locked out."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
