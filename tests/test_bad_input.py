"""No input is a 500: every URL refuses what no field could take with the portal's 400 —
the API's error shape under /api/ (also for ?format=csv), a GOV.UK error page elsewhere —
and nothing is written.

Each probe puts one bad value in every parameter the URL understands at once, and the
answer must name each of them.
"""

import json
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Organisation, StockTake
from casestudies.models import CaseStudy, Intervention
from core.api.filters import COMMON_PARAMETERS
from funding.models import FundingStream
from tests.roles import sign_in_as

#: Each bad value as it travels in a query string (already percent-encoded).
BAD_VALUES = {
    "NUL": "%00",
    "NUL inside text": "knife%00crime",
    "not UTF-8": "%FF%FE",
    "offset beyond +14:00": quote("2020-01-01T00:00:00+17:00"),
    "leaves year 1 in UTC": quote("0001-01-01T00:00:00+14:00"),
    "absurd number": "1" + "0" * 30,
    "absurd negative number": "-1e400",
}

#: Parameters the pages read (their filters, paging, sorting and dates).
PAGE_PARAMETERS = [
    "q",
    "page",
    "borough",
    "boroughs",
    "region",
    "sort",
    "as_at",
    "status",
    "theme",
    "approach",
    "funder",
    "evidence",
    "min_age",
    "next",
]


def sample_values():
    """Real records to fill each route's path with."""
    case_study = CaseStudy.objects.filter(status="published").first()
    plan = ActionPlan.objects.filter(status="active", borough__isnull=False).first()
    return {
        "case-studies": case_study.slug,
        "interventions": Intervention.objects.first().slug,
        "boroughs": plan.borough.slug,
        "stock-takes": StockTake.objects.first().slug,
        "funding": FundingStream.objects.first().slug,
        "funding-streams": FundingStream.objects.first().slug,
        "action-plans": plan.slug,
        "action-items": str(ActionItem.objects.filter(plan=plan).first().pk),
        "organisations": Organisation.objects.first().slug,
    }


#: Routes not probed here, and why.
NOT_PROBED = {
    "admin/": "Django's admin: staff only; the guard runs before it all the same",
    "my/searches/<int:pk>/": "needs a saved search of the user's own",
    "my/searches/<int:pk>/delete/": "needs a saved search of the user's own",
    "exports/<uuid:pk>/download/": "needs a finished export",
    "api/v1/^exports/(?P<pk>": "needs an export",
    "boroughs/<slug:slug>/stock-takes/<slug:round_slug>/answer/": "needs an open round",
    "api/v1/^partnerships/(?P<slug>": "partnerships are probed through their list",
    "api/v1/^organisations/(?P<slug>": "organisations are probed through their list",
    "api/v1/^frameworks/(?P<slug>": "frameworks are probed through their list",
    "api/v1/^funders/(?P<slug>": "funders are probed through their list",
    "api/v1/^awards/(?P<slug>": "awards are probed through their list",
    "accounts/logout/": "POST only",
}


def routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def fill(route, samples):
    """A URL for `route` with real values in its path, or None when it is not probed."""
    if any(route.startswith(skipped) for skipped in NOT_PROBED):
        return None
    path = route
    head = path.removeprefix("api/v1/").removeprefix("^").split("/")[0]
    for marker in ("<slug:slug>", "<int:pk>", "(?P<slug>[^/.]+)", "(?P<pk>[^/.]+)"):
        if marker in path:
            path = path.replace(marker, samples[head])
    return "/" + path.replace("^", "").replace("$", "")


def parameters_of(url):
    """The parameters a URL understands: its filters and the common ones for API lists;
    the pages' parameters elsewhere."""
    if not url.startswith("/api/"):
        return PAGE_PARAMETERS
    view = resolve(url).func
    cls = getattr(view, "cls", None)
    names = set(COMMON_PARAMETERS) | {"as_at", "modified_after"}
    filterset = getattr(cls, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    return sorted(names)


def urls_to_probe():
    # Collected at import time without the database: filled in the test.
    return [route for route in routes() if not any(route.startswith(s) for s in NOT_PROBED)]


@pytest.fixture(scope="module")
def samples(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return sample_values()


def assert_api_400(response, names):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == HTTPStatus.BAD_REQUEST
    assert body["code"] == "invalid"
    assert body["detail"] == "The request has errors: see errors."
    assert set(body["errors"]) == set(names)
    assert all(body["errors"][name] for name in names)


def assert_page_400(response, names):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    for name in names:
        assert f"“{name}”" in page


def fingerprint():
    """How many records of each of the portal's models there are."""
    labels = {"svportal", "boroughs", "actionplans", "funding", "casestudies"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


@pytest.mark.django_db
@pytest.mark.parametrize("route", urls_to_probe())
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "editor"])
def test_bad_values_in_every_parameter_are_a_400(client, samples, route, signed_in):
    if signed_in:
        sign_in_as(client, "an editor", ("editor", None))
    url = fill(route, samples)
    names = parameters_of(url)
    for label, value in BAD_VALUES.items():
        query = "&".join(f"{name}={value}" for name in names)
        response = client.get(f"{url}?{query}")
        if url.startswith("/api/"):
            assert_api_400(response, names)
        else:
            assert_page_400(response, names)
        assert response.status_code == HTTPStatus.BAD_REQUEST, label


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [route for route in urls_to_probe() if route.startswith("api/v1/^") and "<" not in route],
)
def test_csv_lists_refuse_bad_values_in_json(client, route):
    url = "/" + route.replace("^", "").replace("$", "")
    response = client.get(f"{url}?format=csv&q=%00")
    assert_api_400(response, ["q"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/case-studies/?borough=%00", "borough"),
        ("/case-studies/?q=%00", "q"),
        ("/api/v1/case-studies/?q=%00", "q"),
        ("/api/v1/action-items/?modified_after=2020-01-01T00:00:00%2B17:00", "modified_after"),
        ("/api/v1/awards/?page=" + "1" + "0" * 30, "page"),
        ("/api/v1/boroughs/?page_size=" + "9" * 40, "page_size"),
    ],
)
def test_the_issue_examples(client, url, name):
    response = client.get(url)
    if url.startswith("/api/"):
        assert_api_400(response, [name])
    else:
        assert_page_400(response, [name])


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["%2B14:00", "-12:00", "Z", "%2B05:30"])
def test_real_offsets_still_filter(client, offset):
    response = client.get(f"/api/v1/action-items/?modified_after=2020-01-01T00:00:00{offset}")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] > 0


@pytest.mark.django_db
def test_nul_in_an_api_path_is_a_400(client):
    assert_api_400(client.get("/api/v1/boroughs/west%00minster/"), ["path"])


@pytest.mark.django_db
def test_page_forms_with_bad_fields_write_nothing(client, samples):
    sign_in_as(client, "a lead", ("lead", samples["boroughs"]))
    before = fingerprint()
    response = client.post(
        f"/boroughs/{samples['boroughs']}/action-plan/items/new/",
        {"theme": "governance", "title": "Knife\x00crime", "progress": "1" + "0" * 30},
    )
    assert_page_400(response, ["title", "progress"])
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"title": "Knife\x00crime"}, ["title"]),
        ({"title": "A title", "progress": 10**30}, ["progress"]),
        ({"title": "A title", "due": "2020-01-01T00:00:00+17:00"}, ["due"]),
        ({"title": "A title", "notes": {"deep": ["ok", "\x00"]}}, ["notes.deep.1"]),
    ],
)
def test_json_bodies_with_bad_values_write_nothing(client, samples, body, names):
    sign_in_as(client, "a lead", ("lead", samples["boroughs"]))
    before = fingerprint()
    response = client.post(
        "/api/v1/action-items/",
        json.dumps({"plan": samples["action-plans"], "theme": "governance", **body}),
        content_type="application/json",
    )
    assert_api_400(response, names)
    assert fingerprint() == before


@pytest.mark.django_db
def test_api_forms_with_bad_fields_write_nothing(client, samples):
    sign_in_as(client, "a lead", ("lead", samples["boroughs"]))
    before = fingerprint()
    response = client.post(
        "/api/v1/action-items/",
        {"plan": samples["action-plans"], "theme": "governance", "title": "A\x00"},
    )
    assert_api_400(response, ["title"])
    assert fingerprint() == before
