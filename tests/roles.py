"""Signing in as a role, for the permission matrices.

A matrix names its roles, each as None (anonymous) or (role, borough slug or None):
``{"anonymous": None, "no role": (None, None), "lead of own": ("lead", "westminster")}``.
"""

from django.contrib.auth import get_user_model

from boroughs.models import Borough
from boroughs.roles import role_grant


def sign_in_as(client, name, spec):
    """Sign the client in as a new user with the role ``spec``; None stays anonymous.
    Returns the user, or None."""
    if spec is None:
        return None
    user = get_user_model().objects.create_user(name.replace(" ", "-"))
    kind, borough = spec
    if kind:
        role_grant(
            user=user, role=kind, borough=Borough.objects.get(slug=borough) if borough else None
        )
    client.force_login(user)
    return user
