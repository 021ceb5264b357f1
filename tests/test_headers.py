"""Security headers: a Content-Security-Policy every page keeps, and no caching of account pages.

The CSP test walks the portal as a superuser, following links from the main pages and the
admin, and fails on any page with an inline script or style that lacks the page's nonce,
or with inline event handlers or style attributes (which no nonce can allow).
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

from boroughs.models import Borough
from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db

SEEDS = [
    "/",
    "/my/",
    "/exports/",
    "/my/case-studies/",
    "/case-studies/new/",
    "/boroughs/westminster/action-plan/upload/",
    "/account/api-token/",
    "/account/password/",
    "/accounts/password-reset/",
    "/api/docs/",
    "/admin/",
    "/no-such-page/",
]
NOT_PAGES = (
    "/static/",
    "/media/",
    "/api/v1/",
    "/api/schema",
    "/accounts/logout/",
    "/admin/logout/",
)
MAX_PAGES = 150
PAGES_PER_SHAPE = 2  # e.g. two case studies; one admin change form of each model
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}


class InlineCode(HTMLParser):
    """Collects inline scripts and styles, their nonces, and attributes CSP would block."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.nonces = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (inline event handler)")
        if "style" in attrs:
            self.problems.append(f"<{tag} style=…> (style attribute)")
        if tag == "a" and attrs.get("href"):
            if attrs["href"].lower().startswith("javascript:"):
                self.problems.append("<a href=javascript:…>")
            self.links.append(attrs["href"])
        inline_script = (
            tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_SCRIPT_TYPES
        )
        if inline_script or tag == "style":
            if not attrs.get("nonce"):
                self.problems.append(f"<{tag}> inline without a nonce")
            else:
                self.nonces.add(attrs["nonce"])


def header_nonce(response):
    match = re.search(
        r"script-src [^;]*'nonce-([^']+)'", response.get("Content-Security-Policy", "")
    )
    return match and match[1]


def shape(path):
    """/case-studies/some-slug/ and /case-studies/other/ share a shape; so do admin ids."""
    parts = [part for part in path.split("/") if part]
    if parts[:1] == ["admin"]:
        return tuple(re.sub(r"^\d+$", "<id>", part) for part in parts[:4])
    return (parts[0] if parts else "", len(parts), *parts[2:])


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("csp-admin", password="a-long-passphrase-1")
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    client.force_login(user)
    return client


def test_no_page_has_inline_script_or_style_without_its_nonce(superuser_client):
    # The portal's own pages first, then the admin's.
    portal, admin = deque(SEEDS), deque()
    seen, shapes, problems, visited = set(SEEDS), Counter(), {}, 0
    while (portal or admin) and visited < MAX_PAGES:
        path = (portal or admin).popleft()
        response = superuser_client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        visited += 1
        csp = response.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp, path
        page = InlineCode()
        page.feed(response.content.decode())
        found = list(page.problems)
        if page.nonces and page.nonces != {header_nonce(response)}:
            found.append(f"nonce {page.nonces} is not the header's {header_nonce(response)}")
        if found:
            problems[path] = found
        for link in page.links:
            url = urlsplit(urljoin(path, link))
            if url.netloc or url.query or not url.path.startswith("/"):
                continue
            if url.path.startswith(NOT_PAGES) or url.path in seen:
                continue
            in_admin = url.path.startswith("/admin/")
            if shapes[shape(url.path)] >= (1 if in_admin else PAGES_PER_SHAPE):
                continue
            shapes[shape(url.path)] += 1
            seen.add(url.path)
            (admin if in_admin else portal).append(url.path)
    assert visited >= 60, f"only {visited} pages were reached"
    assert problems == {}


def test_the_policy_allows_only_our_own_files_and_no_framing(client):
    response = client.get("/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == f"'self' 'nonce-{header_nonce(response)}'"
    assert policy["style-src"].startswith("'self'")
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_each_page_gets_a_fresh_nonce(client):
    assert header_nonce(client.get("/")) != header_nonce(client.get("/"))


ACCOUNT_PAGES = [
    "/my/",
    "/exports/",
    "/account/api-token/",
    "/account/password/",
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_are_never_stored_by_a_cache(client, path):
    user = get_user_model().objects.create_user("reader", password="a-long-passphrase-1")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_token_page_after_creating_a_token_is_not_stored(client):
    user = get_user_model().objects.create_user("reader", password="a-long-passphrase-1")
    client.force_login(user)
    response = client.post("/account/api-token/", {"action": "create"}, follow=True)
    assert "no-store" in response["Cache-Control"]
