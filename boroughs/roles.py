"""Who may do what: borough roles (officer, lead) and global roles (analyst, editor).

Borough roles are rows of BoroughRole; global roles are Django groups, so an
editor's admin permissions come with the group. The predicates here are the
single place the rest of the portal asks about roles.
"""

from typing import Any

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet

from .models import Borough, BoroughRole

OFFICER = BoroughRole.Role.OFFICER
LEAD = BoroughRole.Role.LEAD
ANALYST = "analyst"
EDITOR = "editor"
BOROUGH_ROLES = (OFFICER.value, LEAD.value)
GLOBAL_ROLES = (ANALYST, EDITOR)
ALL_ROLES = (*BOROUGH_ROLES, *GLOBAL_ROLES)

#: Apps whose content editors curate in the admin.
EDITOR_APPS = ("boroughs", "casestudies", "actionplans", "funding")


def _global_roles(user):
    # Cached on the user object: a request asks many times, the database once.
    if not hasattr(user, "_portal_global_roles"):
        user._portal_global_roles = frozenset(
            user.groups.filter(name__in=GLOBAL_ROLES).values_list("name", flat=True)
        )
    return user._portal_global_roles


def _borough_roles(user):
    if not hasattr(user, "_portal_borough_roles"):
        user._portal_borough_roles = dict(user.borough_roles.values_list("borough_id", "role"))
    return user._portal_borough_roles


@rules.predicate
def is_editor(user):
    return user.is_authenticated and (user.is_superuser or EDITOR in _global_roles(user))


@rules.predicate
def is_analyst(user):
    return user.is_authenticated and ANALYST in _global_roles(user)


@rules.predicate
def is_lead_of(user, borough):
    return (
        user.is_authenticated
        and borough is not None
        and _borough_roles(user).get(borough.pk) == LEAD
    )


@rules.predicate
def is_member_of(user, borough):
    """Officer or lead of the borough."""
    return user.is_authenticated and borough is not None and borough.pk in _borough_roles(user)


def boroughs_of(user):
    """Primary keys of the boroughs the user has a role in."""
    if not user.is_authenticated:
        return set()
    return set(_borough_roles(user))


def editors() -> QuerySet[Any]:
    """Every active editor (members of the editor group, and superusers)."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=EDITOR) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("pk")
    )


def ensure_role_groups():
    """Create the analyst and editor groups; editors may change all portal content."""
    analyst, _ = Group.objects.get_or_create(name=ANALYST)
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    return {ANALYST: analyst, EDITOR: editor}


@transaction.atomic
def role_grant(*, user, role, borough=None):
    """Give the user a role. A borough role replaces any other role in that borough."""
    if role in BOROUGH_ROLES:
        if borough is None:
            raise ValueError(f"The {role} role needs a borough.")
        BoroughRole.objects.update_or_create(user=user, borough=borough, defaults={"role": role})
    elif role in GLOBAL_ROLES:
        if borough is not None:
            raise ValueError(f"The {role} role is for every borough: do not give a borough.")
        user.groups.add(ensure_role_groups()[role])
        if role == EDITOR and not user.is_staff:
            user.is_staff = True  # editors work in the admin
            user.save(update_fields=["is_staff"])
    else:
        raise ValueError(f"Unknown role {role!r}: choose one of {', '.join(ALL_ROLES)}.")
    for cache in ("_portal_global_roles", "_portal_borough_roles"):
        user.__dict__.pop(cache, None)


def may_lead(user: Any, borough: Borough) -> bool:
    """A lead may create plans for their own borough; an editor for any."""
    return is_editor(user) or is_lead_of(user, borough)
