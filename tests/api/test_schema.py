"""The OpenAPI schema generates without warnings, validates, and documents the enums."""

import pytest


@pytest.fixture(scope="module")
def schema(openapi_schema):
    return openapi_schema


def test_every_resource_and_analyst_endpoint_is_documented(schema):
    paths = set(schema["paths"])
    for path in [
        "/api/v1/boroughs/",
        "/api/v1/boroughs/{slug}/",
        "/api/v1/partnerships/",
        "/api/v1/case-studies/",
        "/api/v1/interventions/",
        "/api/v1/organisations/",
        "/api/v1/action-plans/",
        "/api/v1/action-items/",
        "/api/v1/action-items/{id}/",
        "/api/v1/action-items/{id}/interventions/",
        "/api/v1/funding-streams/",
        "/api/v1/awards/",
        "/api/v1/stock-takes/",
        "/api/v1/stock-takes/{slug}/summary/",
        "/api/v1/stock-takes/{slug}/matrix/",
        "/api/v1/borough-summary/",
        "/api/v1/compare/",
        "/api/v1/awards/360giving/",
    ]:
        assert path in paths, path


def test_statuses_are_enums_with_descriptions(schema):
    status = schema["components"]["schemas"]["ItemStatusEnum"]
    assert status["enum"] == [
        "not_started",
        "on_track",
        "at_risk",
        "off_track",
        "complete",
        "cancelled",
    ]
    assert "`at_risk` - At risk" in status["description"]


def test_list_parameters_are_documented(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/action-items/"]["get"]["parameters"]}
    assert {
        "overdue",
        "due_before",
        "modified_after",
        "page",
        "page_size",
        "ordering",
        "q",
    } <= parameters


def q_described(schema, path):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p["description"] for p in parameters if p["name"] == "q")


@pytest.mark.parametrize("path", ["/api/v1/case-studies/", "/api/v1/interventions/"])
def test_q_is_described_as_full_text_search_where_the_list_searches_an_index(schema, path):
    assert q_described(schema, path).startswith("Words to search for, in web-search syntax")
    assert q_described(schema, "/api/v1/boroughs/") == (
        "Words to search for; every word must match."
    )


def test_the_docs_page_and_schema_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_an_intervention_s_headline_outcomes_name_their_case_study_and_source(schema):
    components = schema["components"]["schemas"]
    outcomes = components["Intervention"]["properties"]["headline_outcomes"]
    assert outcomes["items"]["$ref"] == "#/components/schemas/ReportedOutcome"
    reported = set(components["ReportedOutcome"]["properties"])
    assert set(components["Outcome"]["properties"]) < reported
    assert {"case_study", "source", "source_section"} < reported
