"""A signed-in user's own API token: create (or replace) and revoke."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@never_cache  # the page shows the token: no cache may keep it
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            with transaction.atomic():
                Token.objects.filter(user=request.user).delete()
                Token.objects.create(user=request.user)
            messages.success(
                request, "Your new API token is ready. Any token you had before no longer works."
            )
        elif action == "revoke":
            deleted, _ = Token.objects.filter(user=request.user).delete()
            messages.success(
                request,
                "Your API token has been revoked." if deleted else "You had no API token.",
            )
        else:
            messages.error(request, "Choose whether to create or revoke your token.")
            return render(
                request, "account/api_token.html", _context(request), status=HTTPStatus.BAD_REQUEST
            )
        return redirect("accounts:api-token")
    return render(request, "account/api_token.html", _context(request))


def _context(request):
    return {"token": Token.objects.filter(user=request.user).first()}
