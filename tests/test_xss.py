"""Whatever an author types, no script runs: XSS payloads in every text field of a case
study are inert on the drafting pages and in render_markdown.

The five sections are Markdown, rendered by markdown-it and sanitised by nh3
(casestudies/text.py); the title, summary and contact fields are plain text, escaped. The
pages are parsed with html.parser and checked for executable markup: no script, iframe or
similar element, no on* attribute, no javascript:, vbscript: or data: URL.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy
from casestudies.services import case_study_create_draft, case_study_update
from casestudies.text import render_markdown

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "[x](vbscript:msgbox(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "**bold** <b onmouseover=alert(1)>hover</b>",
]
SECTIONS = ("challenge", "solution", "impact", "lessons_learned", "sustainability")
PLAIN = (
    "title",
    "summary",
    "contact_name",
    "contact_role",
    "contact_organisation",
    "proposed_interventions",
)
EXECUTABLE_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "img",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class Inspector(HTMLParser):
    """Collects what could execute, inside ``<main>`` (the page's own template adds its
    scripts and sign-out form outside it) or everywhere."""

    def __init__(self, *, main_only, allowed_forms=()):
        super().__init__(convert_charrefs=True)
        self.main_only = main_only
        self.allowed_forms = set(allowed_forms)
        self.depth = 0 if main_only else 1
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if not self.depth:
            return
        attributes = dict(attrs)
        if tag in EXECUTABLE_ELEMENTS and not self._ours(tag, attributes):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                url = re.sub(r"[\x00-\x20]", "", value)
                if BAD_SCHEME.match(url):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "main" and self.main_only:
            self.depth -= 1

    def _ours(self, tag, attributes):
        """The page's own forms and their hidden and CSRF fields."""
        if tag == "form":
            return (
                attributes.get("action") in self.allowed_forms
                or attributes.get("method") == "post"
                and "action" not in attributes
            )
        if tag == "input":
            return attributes.get("type") in {"hidden", "text", "checkbox", "radio", "email", "tel"}
        return False


def executable_markup(html, *, main_only=True, allowed_forms=()):
    inspector = Inspector(main_only=main_only, allowed_forms=allowed_forms)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def test_the_inspector_finds_what_it_looks_for():
    """A check that cannot fail proves nothing: it does catch raw payloads."""
    for payload in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt&colon;alert(1)">x</a>',
        "<iframe></iframe>",
        '<a href="data:text/html,x">x</a>',
        "<svg onload=alert(1)>",
    ]:
        assert executable_markup(payload, main_only=False), payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_makes_every_payload_inert(payload):
    assert executable_markup(str(render_markdown(payload)), main_only=False) == []
    # Surrounded by ordinary Markdown too.
    text = f"Intro **text**.\n\n- item\n- {payload}\n\n> {payload}\n\n{payload}"
    assert executable_markup(str(render_markdown(text)), main_only=False) == []


def test_safe_markdown_still_renders():
    html = str(render_markdown("**bold** and [a link](https://example.org)\n\n- one\n- two"))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


@pytest.fixture
def author(client):
    user = get_user_model().objects.create_user("xss-officer")
    role_grant(user=user, role="officer", borough=Borough.objects.get(slug="westminster"))
    client.force_login(user)
    return user


def poisoned(author, payload):
    """A draft with the payload in every text field an author writes."""
    values = {name: f"Before {payload} after" for name in (*SECTIONS, *PLAIN)}
    values["title"] = f"{payload}"[:300]
    return case_study_create_draft(
        acting_user=author,
        boroughs=[Borough.objects.get(slug="westminster")],
        contact_email="safe@example.org",
        **values,
    )


def page_forms(case_study):
    base = f"/case-studies/{case_study.slug}/"
    return [f"{base}{step}/" for step in ("submit", "publish", "unpublish", "return-to-draft")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_are_inert_on_the_drafting_pages(client, author, payload):
    case_study = poisoned(author, payload)
    for url in (
        f"/case-studies/{case_study.slug}/preview/",
        f"/case-studies/{case_study.slug}/edit/",
        "/my/case-studies/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert executable_markup(html, allowed_forms=page_forms(case_study)) == [], url
        # Outside <main> only the page title carries the case study's text: escaped.
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
        assert "<" not in title, url


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_payloads_are_inert_where_a_stale_edit_shows_both_versions(client, author, payload):
    case_study = poisoned(author, "harmless")
    case_study_update(
        case_study=case_study,
        acting_user=author,
        expected_version=1,
        changes={"challenge": f"Theirs {payload}"},
    )
    data = {name: getattr(case_study, name) for name in (*SECTIONS, *PLAIN)}
    data.update(
        challenge=f"Mine {payload}",
        boroughs=[Borough.objects.get(slug="westminster").pk],
        version=1,
        contact_email="safe@example.org",
    )
    response = client.post(f"/case-studies/{case_study.slug}/edit/", data)
    assert response.status_code == 409
    assert executable_markup(response.content.decode()) == []


def test_the_text_stays_readable_once_escaped(client, author):
    case_study = poisoned(author, "<script>alert(1)</script>")
    html = client.get(f"/case-studies/{case_study.slug}/preview/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert CaseStudy.objects.get(pk=case_study.pk).challenge == (
        "Before <script>alert(1)</script> after"
    )  # stored as typed; made safe when shown
