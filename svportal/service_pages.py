"""The pages every public service publishes: about (with every source), the
accessibility statement, privacy, cookies and contact."""

import datetime as dt

from django.conf import settings
from django.shortcuts import render

from boroughs.models import Source

#: When the accessibility statement was last reviewed against the axe results.
ACCESSIBILITY_REVIEWED_ON = dt.date(2026, 11, 30)


def _operator():
    return {"operator": settings.PORTAL_OPERATOR, "contact_email": settings.PORTAL_CONTACT_EMAIL}


def about(request):
    return render(
        request,
        "svportal/service/about.html",
        {**_operator(), "sources": Source.objects.order_by("publisher", "title")},
    )


def accessibility(request):
    return render(
        request,
        "svportal/service/accessibility.html",
        {**_operator(), "reviewed_on": ACCESSIBILITY_REVIEWED_ON},
    )


def privacy(request):
    return render(
        request,
        "svportal/service/privacy.html",
        {**_operator(), "session_hours": settings.SESSION_COOKIE_AGE // 3600},
    )


def cookies(request):
    """The cookies the portal sets, read from the settings that name them."""
    essential = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Keeps you signed in as you move between pages.",
            "expires": f"After {settings.SESSION_COOKIE_AGE // 3600} hours, or when you sign out",
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Protects the forms you send from being forged by another website.",
            "expires": f"After {settings.CSRF_COOKIE_AGE // (24 * 3600)} days",
        },
        {
            "name": "messages",
            "purpose": "Carries a confirmation (such as “Your changes have been saved”) "
            "to the next page.",
            "expires": "When you close your browser",
        },
    ]
    return render(request, "svportal/service/cookies.html", {**_operator(), "cookies": essential})


def contact(request):
    return render(request, "svportal/service/contact.html", _operator())
