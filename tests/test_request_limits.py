"""Bodies have a size limit (413 in the portal's shape) and text fields a maximum length,
validated and stated in the OpenAPI schema."""

import json
from http import HTTPStatus

import pytest
from django.conf import settings

from casestudies.models import SUMMARY_MAX_LENGTH, CaseStudy
from core.inputs import TEXT_MAX_LENGTH
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Westminster hospital navigators",
    "summary": "Youth workers meet young people in A&E.",
    "boroughs": ["westminster"],
}


@pytest.fixture
def officer(client):
    sign_in_as(client, "wm officer", ("officer", "westminster"))
    return client


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def assert_too_large(response):
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert body["code"] == "too_large"
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in body["detail"]


def test_a_30_mb_summary_is_refused_with_413_and_nothing_is_written(officer):
    before = CaseStudy.objects.count()
    response = post_json(officer, "/api/v1/case-studies/", {**NEW, "summary": "x" * 30_000_000})
    assert_too_large(response)
    assert CaseStudy.objects.count() == before


def test_a_form_body_over_the_limit_is_a_413_on_the_api(officer):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = officer.post(
        "/api/v1/case-studies/",
        "summary=" + "x" * size,
        content_type="application/x-www-form-urlencoded",
    )
    assert_too_large(response)


def test_a_page_form_over_the_limit_is_a_413_page(officer):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    before = CaseStudy.objects.count()
    response = officer.post(
        "/case-studies/new/",
        "summary=" + "x" * size,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in response.content.decode()
    assert CaseStudy.objects.count() == before


@pytest.mark.parametrize(
    ("field", "limit"),
    [("summary", SUMMARY_MAX_LENGTH), ("challenge", TEXT_MAX_LENGTH), ("title", 300)],
)
def test_text_fields_refuse_text_over_their_maximum(officer, field, limit):
    before = CaseStudy.objects.count()
    response = post_json(officer, "/api/v1/case-studies/", {**NEW, field: "x" * (limit + 1)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [field]
    assert str(limit) in response.json()["errors"][field][0].replace(",", "")
    assert CaseStudy.objects.count() == before

    response = post_json(officer, "/api/v1/case-studies/", {**NEW, field: "x" * limit})
    assert response.status_code == HTTPStatus.CREATED, response.content[:300]


def test_the_summary_page_form_says_how_long_it_may_be(officer):
    response = officer.post(
        "/case-studies/new/",
        {"title": "T", "summary": "x" * (SUMMARY_MAX_LENGTH + 1), "boroughs": ["westminster"]},
    )
    # The form again, with the error beside the field.
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'name="summary"' in response.content.decode()
    assert f"Summary must be {SUMMARY_MAX_LENGTH} characters or fewer" in response.content.decode()


@pytest.fixture(scope="module")
def schema(openapi_schema):
    return openapi_schema


#: Fields that name a record by its slug: one that names nothing is a 400.
REFERENCES = {"plan", "borough", "framework"}


def test_every_text_field_a_client_sends_has_a_documented_maximum(schema):
    unbounded = []
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, spec in component.get("properties", {}).items():
            if field in REFERENCES:
                continue
            if spec.get("type") == "string" and not (
                {"enum", "format", "pattern", "maxLength"} & set(spec)
            ):
                unbounded.append(f"{name}.{field}")
    assert unbounded == []
    summary = schema["components"]["schemas"]["CaseStudyWriteRequest"]["properties"]["summary"]
    assert summary["maxLength"] == SUMMARY_MAX_LENGTH
