"""The Content-Security-Policy header built once per process (core/csp.py): the same
policy django-csp would write, with each answer's own nonce."""

import re

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import CSPMiddleware

pytestmark = pytest.mark.django_db


def directives(policy):
    """A policy's directives: django-csp writes them in no fixed order."""
    return {part.strip() for part in policy.split(";") if part.strip()}


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]


def test_each_page_has_django_csps_policy_with_a_nonce_of_its_own(client):
    first, second = client.get("/"), client.get("/case-studies/")

    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        nonce = nonce_of(response)
        assert f'nonce="{nonce}"' in response.content.decode()
        assert directives(response["Content-Security-Policy"]) == directives(
            build_policy(nonce=nonce)
        )


def test_an_answer_without_a_nonce_has_the_policy_without_nonce_sources(client):
    response = client.get("/api/v1/funders/")

    assert directives(response["Content-Security-Policy"]) == directives(build_policy())
    assert "nonce" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_changed_policy_is_written_at_once(client):
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [SELF], "script-src": [NONCE]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"img-src": [SELF]}},
    ):
        response = client.get("/")
        assert directives(response["Content-Security-Policy"]) == {
            "default-src 'self'",
            f"script-src 'nonce-{nonce_of(response)}'",
        }
        assert directives(response["Content-Security-Policy-Report-Only"]) == {
            "default-src 'self'",  # django-csp's default
            "img-src 'self'",
        }
    assert "frame-ancestors 'none'" in client.get("/")["Content-Security-Policy"]


def test_a_view_with_a_policy_of_its_own_keeps_it():
    @csp_update({"img-src": ["https://tiles.example"]})
    def view(request):
        return HttpResponse("<p>map</p>")

    middleware = CSPMiddleware(view)
    response = middleware(RequestFactory().get("/map/"))

    img = next(
        d for d in directives(response["Content-Security-Policy"]) if d.startswith("img-src")
    )
    assert img == "img-src 'self' data: https://tiles.example"
