"""Every link to a page of the portal is made from its URL name ({% url %} in templates,
reverse() in Python), so a page's path is written once, in its app's urls.py, and moving
it cannot leave a dead link behind. Static files and other sites are not pages of ours."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

pytestmark = pytest.mark.no_database

ROOT = Path(settings.BASE_DIR)
APPS = ("svportal", "casestudies", "actionplans", "funding", "boroughs", "core")

#: An attribute (href, action, src, data-…) whose value is a path on this site, or a path
#: written after the site's address in an e-mail ({{ base_url }}/…). Not //other.site/,
#: not /static/ (files, not pages).
HARD_CODED = re.compile(
    r"""(?:\b(?:href|action|formaction|src|data-[\w-]+)\s*=\s*["']|\{\{\s*base_url\s*\}\})"""
    r"""(/(?!/|static/)[^"'\s]*)"""
)


def hard_coded_paths(text):
    return [match.group(1) for match in HARD_CODED.finditer(text)]


def template_files():
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.*"))


def python_files():
    skip = {"tests", "migrations"}
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if not skip & set(path.relative_to(ROOT).parts)
    )


def _docstrings(tree):
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, nodes)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def page_paths_in_python(source):
    """String literals (and the start of f-strings) that are the path of one of our pages."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    # An f-string counts by its opening text, which ast.walk also visits on its own.
    skipped = docstrings | {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values[1:]
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in skipped or not re.match(r"/[a-z]", node.value):
            continue
        path = re.split(r"[?#{\s]", node.value)[0]
        try:
            resolve(path)
        except Resolver404:
            continue
        found.append(node.value)
    return found


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ('<a class="govuk-link" href="/boroughs/">Boroughs</a>', ["/boroughs/"]),
        ('<a href="/case-studies/{{ case_study.slug }}/">', ["/case-studies/{{"]),
        ('<form method="get" action="/search/">', ["/search/"]),
        ('<tr data-download-url="/exports/{{ job.pk }}/download/">', ["/exports/{{"]),
        ("Update it: {{ base_url }}/action-items/{{ item.pk }}/", ["/action-items/{{"]),
        ("<a href='/'>Home</a>", ["/"]),
        ("<a href=\"{% url 'portal:borough-table' %}\">Boroughs</a>", []),
        ('<link href="/static/govuk-frontend.min.css" rel="stylesheet">', []),
        ('<a href="https://www.gov.uk/">GOV.UK</a>', []),
        ('<a href="//example.org/">', []),
        ('<a href="#main-content">Skip</a>', []),
        ("{{ base_url }}{% url 'portal:my-portal' %}", []),
    ],
)
def test_the_check_finds_internal_paths_and_only_them(text, paths):
    assert hard_coded_paths(text) == paths


def test_no_template_hard_codes_a_link_to_a_page():
    offending = {
        str(path.relative_to(ROOT)): found
        for path in template_files()
        if (found := hard_coded_paths(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert offending == {}, "Link with {% url %}, not a written path"


def test_the_python_check_finds_a_page_path():
    source = 'x = f"/boroughs/{slug}/"\ny = redirect("/compare/?" + q)\nz = "/static/x.css"\n'
    assert page_paths_in_python(source) == ["/boroughs/", "/compare/?"]
    assert page_paths_in_python('"""/boroughs/ in a docstring."""\n') == []


def test_no_python_module_hard_codes_a_link_to_a_page():
    offending = {
        str(path.relative_to(ROOT)): found
        for path in python_files()
        if (found := page_paths_in_python(path.read_text(encoding="utf-8")))
    }
    assert offending == {}, "Link with reverse(), not a written path"


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("portal:home", [], "/"),
        ("casestudies:list", [], "/case-studies/"),
        ("casestudies:new", [], "/case-studies/new/"),
        ("casestudies:detail", ["a-study"], "/case-studies/a-study/"),
        ("casestudies:saved-searches", [], "/my/searches/"),
        ("casestudies:mine", [], "/my/case-studies/"),
        ("actionplans:plan", ["westminster"], "/boroughs/westminster/action-plan/"),
        ("actionplans:item", [7], "/action-items/7/"),
        ("boroughs:stock-take", ["round-1"], "/stock-takes/round-1/"),
        ("portal:borough-profile", ["westminster"], "/boroughs/westminster/"),
        ("portal:funding-stream", ["a-stream"], "/funding/a-stream/"),
        ("portal:organisation", ["a-charity"], "/organisations/a-charity/"),
        ("funding:index", [], "/funding/"),
        ("exports:list", [], "/exports/"),
        ("accounts:login", [], "/accounts/login/"),
        ("accounts:api-token", [], "/account/api-token/"),
        ("api:casestudy-list", [], "/api/v1/case-studies/"),
        ("api:docs", [], "/api/docs/"),
    ],
)
def test_pages_keep_their_paths(name, args, path):
    assert reverse(name, args=args) == path


@pytest.mark.parametrize("word", ["new", "import"])
def test_a_case_study_slug_never_takes_a_drafting_page(word):
    """/case-studies/new/ is the drafting form whatever the order of the patterns."""
    match = resolve(f"/case-studies/{word}/")
    assert match.view_name == f"casestudies:{word}"
    with pytest.raises(NoReverseMatch):
        reverse("casestudies:detail", args=[word])
