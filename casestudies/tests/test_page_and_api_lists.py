"""The case-study and intervention pages list what their API lists list for the same
filters, `q` and order: both read the resource's one Listing (casestudies.selectors)."""

import pytest
from django.contrib.auth import get_user_model

from boroughs.roles import role_grant
from casestudies.models import CaseStudy

pytestmark = pytest.mark.django_db

CASE_STUDY_QUERIES = [
    "",
    "borough=redbridge",
    "borough=redbridge&borough=wakefield",
    "region=london&region=yorkshire_and_the_humber",
    "approach=public-health",
    "category=therapeutic&category=mentoring",
    "year=2019&year=2018",
    "evidence_level=3&evidence_level=2",
    "evaluation_design=comparison_group",
    "outcome_type=offending&outcome_type=school",
    "setting=school&setting=home",
    "cost_band=not_stated",
    "age=14",
    "age=14&include_unstated_ages=false",
    "q=knife",
    "q=young+people&region=london",
    "q=%22county+lines%22",
    "borough=redbridge&approach=public-health&age=15&q=family",
]
INTERVENTION_QUERIES = [
    "",
    "category=therapeutic&category=mentoring",
    "prevention_level=intensive",
    "setting=school&setting=home",
    "evidence_level=3&evidence_level=4",
    "evaluation_design=randomised",
    "outcome_type=offending&outcome_type=school",
    "cost_band=not_stated",
    "age=12&include_unstated_ages=false",
    "q=mentoring",
    "q=family&prevention_level=intensive",
]
#: The page's sort and the API's ordering of the same order.
CASE_STUDY_ORDERS = [("", ""), ("sort=evidence", "ordering=-evidence_level,title")]
INTERVENTION_ORDERS = [("", ""), ("sort=evidence", "ordering=-evidence_level,name")]


def page_slugs(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert not response.context["form"].errors, response.context["form"].errors
    return [record.slug for record in response.context["page"].paginator.object_list]


def api_slugs(client, path, query):
    response = client.get(f"/api/v1{path}?{query}&page_size=500")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [record["slug"] for record in body["results"]]


def joined(*parts):
    return "&".join(part for part in parts if part)


@pytest.fixture(params=["anonymous", "editor"])
def reader(request, client):
    if request.param == "editor":
        # An editor also sees the drafts: one of Redbridge's is put back to draft.
        CaseStudy.objects.filter(slug="redbridge-functional-family-therapy").update(
            status=CaseStudy.Status.DRAFT
        )
        user = get_user_model().objects.create_user("editor", password="a-long-passphrase-1")
        role_grant(user=user, role="editor")
        client.force_login(user)
    return client


LISTS = [
    (path, query, sort, ordering)
    for path, queries, orders in [
        ("/case-studies/", CASE_STUDY_QUERIES, CASE_STUDY_ORDERS),
        ("/interventions/", INTERVENTION_QUERIES, INTERVENTION_ORDERS),
    ]
    for query in queries
    for sort, ordering in orders
]


@pytest.mark.parametrize(("path", "query", "sort", "ordering"), LISTS)
def test_the_page_lists_what_the_api_lists(reader, path, query, sort, ordering):
    listed = page_slugs(reader, path, joined(query, sort))
    assert listed == api_slugs(reader, path, joined(query, ordering))
    if not query:
        assert len(listed) > 10


def test_either_value_of_a_facet_given_twice_is_listed(client):
    """Page and API alike list the case studies of either borough."""
    one = set(api_slugs(client, "/case-studies/", "borough=redbridge"))
    other = set(api_slugs(client, "/case-studies/", "borough=wakefield"))
    both = page_slugs(client, "/case-studies/", "borough=redbridge&borough=wakefield")
    assert one
    assert other
    assert set(both) == one | other
    assert set(api_slugs(client, "/case-studies/", "borough=redbridge&borough=wakefield")) == (
        one | other
    )
