"""What the API contract test (tests/integration/test_contract.py) holds the API to, in
small: every operation documents its errors in the one shape, and the API answers what it
documents (400s rather than 404s or silence for values it does not take)."""

from http import HTTPStatus

import pytest

from actionplans.models import ActionPlan
from core.tests.api_support import assert_invalid

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(openapi_schema):
    return openapi_schema


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for status in ("401", "429", "503"):
            assert status in responses, (method, path, status)
        if operation.get("parameters") or "requestBody" in operation:
            assert "400" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method in ("put", "patch"):
            assert {"412", "428"} <= set(responses), (method, path)
        for status, response in responses.items():
            if status.startswith("4") and status not in ("409", "410"):
                content = response.get("content", {}).get("application/json", {})
                assert content.get("schema") == error, (method, path, status)


def test_only_lists_document_paging_searching_and_ordering(schema):
    for path, method, operation in operations(schema):
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "{" in path:
            assert not names & {"ordering", "q", "page_size"}, (method, path, names)


def test_an_unknown_format_is_a_400_naming_it(client):
    assert_invalid(client.get("/api/v1/boroughs/?format=xml"), "format")
    assert_invalid(client.get("/api/v1/borough-summary/?format=xml"), "format")


def test_the_history_is_json_only(client):
    plan = ActionPlan.objects.filter(status="active").first()
    assert_invalid(client.get(f"/api/v1/action-plans/{plan.slug}/history/?format=csv"), "format")
    assert client.get(f"/api/v1/action-plans/{plan.slug}/history/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/action-items/?modified_after=", "modified_after"),
        ("/api/v1/action-items/?due_before=", "due_before"),
        ("/api/v1/case-studies/?age=", "age"),
        ("/api/v1/interventions/?prevention_level=", "prevention_level"),
        ("/api/v1/borough-summary/?as_at=", "as_at"),
    ],
)
def test_an_empty_date_number_or_choice_is_a_400(client, url, name):
    assert_invalid(client.get(url), name)


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=", "page=%C2%B3", "page_size=0", "page_size=501", "page_size=%C2%B3"],
)
def test_paging_is_checked_for_csv_too(client, query):
    response = client.get(f"/api/v1/boroughs/?format=csv&{query}")
    assert_invalid(response, query.split("=")[0])


@pytest.mark.parametrize("query", ["page=%C2%B3", "page_size=%C2%B3"])
def test_a_superscript_digit_is_not_a_page_number(client, query):
    # "³".isdigit() is true, but int("³") fails: this was a 500.
    assert_invalid(client.get(f"/api/v1/action-plans/?{query}"), query.split("=")[0])


def test_a_method_an_endpoint_does_not_take_is_405_whatever_the_parameters(client):
    plan = ActionPlan.objects.filter(status="active").first()
    response = client.get(f"/api/v1/action-plans/{plan.slug}/items-upload/?q=x&ordering=y")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_nested_field_errors_are_named_by_their_path(client):
    from tests.roles import sign_in_as

    sign_in_as(client, "an officer", ("officer", "westminster"))
    response = client.post(
        "/api/v1/case-studies/",
        {"title": "T", "summary": "S", "boroughs": ["westminster"], "contact": {"phone": "1" * 60}},
        content_type="application/json",
    )
    assert_invalid(response, "contact.phone")


@pytest.mark.parametrize("query", [{"page": "false"}, {"page_size": "-3900"}])
def test_the_whole_360giving_file_still_refuses_a_malformed_page(client, query):
    response = client.get("/api/v1/awards/360giving/", {"format": "csv", **query})
    assert_invalid(response, next(iter(query)))


@pytest.mark.parametrize("name", ["kind", "page"])
def test_an_empty_kind_or_page_of_the_portal_search_is_refused(client, name):
    response = client.get("/api/v1/search/", {"q": "knife", name: ""})
    assert_invalid(response, name)
