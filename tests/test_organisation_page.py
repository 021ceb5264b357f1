"""An organisation's page, /organisations/<slug>/, on the real data: who it is, what it
provides, what it was awarded and the case studies those awards funded, each with its
source, in a fixed number of queries."""

from http import HTTPStatus

import pytest

from boroughs.models import Organisation
from casestudies.models import CaseStudy, Intervention
from funding.models import Award

pytestmark = pytest.mark.django_db


def test_the_page_shows_what_the_portal_records_of_an_organisation(client):
    response = client.get("/organisations/safer-london/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    safer_london = Organisation.objects.get(slug="safer-london")
    assert f'<h1 class="govuk-heading-xl">{safer_london.name}</h1>' in page
    assert "Charity" in page
    assert "From: " in page  # the organisation's own source
    for slug in ("empower", "london-gang-exit", "islington-vcs-mentoring"):
        assert f'href="/interventions/{slug}/"' in page
    award = Award.objects.get(slug="safer-london-london-gang-exit-mopac")
    assert f"#award-{award.slug}" in page
    assert 'href="/case-studies/safer-london-young-women-criminal-gangs/"' in page
    assert '<a class="govuk-breadcrumbs__link" href="/">Home</a>' in page


def test_an_organisation_with_no_records_says_so(client):
    Organisation.objects.create(name="Quiet Trust", slug="quiet-trust", kind="charity")
    page = client.get("/organisations/quiet-trust/").content.decode()
    assert "The portal records no intervention that Quiet Trust provides." in page
    assert "The portal records no award to Quiet Trust." in page
    assert "No published case study names an award to Quiet Trust." in page
    assert "Website</dt>" in page
    assert "Not stated" in page


def test_an_unknown_organisation_is_a_404(client):
    assert client.get("/organisations/no-such-organisation/").status_code == HTTPStatus.NOT_FOUND


def test_drafts_funded_by_its_awards_are_not_shown_to_the_public(client):
    study = CaseStudy.objects.get(slug="safer-london-young-women-criminal-gangs")
    CaseStudy.objects.filter(pk=study.pk).update(status=CaseStudy.Status.DRAFT)
    page = client.get("/organisations/safer-london/").content.decode()
    assert study.slug not in page


def test_the_page_costs_the_same_however_many_records_name_it(client, django_assert_num_queries):
    """1 the organisation with its source, 1 its interventions with theirs, 1 its awards
    with their stream, funder, partnership, organisation and source, 1 their recipient
    boroughs, 1 the case studies they funded with their sources."""
    organisation = Organisation.objects.get(slug="safer-london")
    with django_assert_num_queries(5):
        client.get("/organisations/safer-london/")
    stream = Award.objects.get(slug="safer-london-london-gang-exit-mopac").stream
    for n in range(12):
        intervention = Intervention.objects.create(
            name=f"Mentoring {n}",
            slug=f"mentoring-{n}",
            category="mentoring",
            prevention_level="targeted",
        )
        intervention.providers.add(organisation)
        award = Award.objects.create(
            stream=stream,
            title=f"Award {n}",
            slug=f"award-{n}",
            recipient_organisation=organisation,
        )
        CaseStudy.objects.create(
            title=f"Study {n}",
            slug=f"study-{n}",
            summary="A study.",
            status=CaseStudy.Status.PUBLISHED,
        ).awards.add(award)
    with django_assert_num_queries(5):
        response = client.get("/organisations/safer-london/")
    assert response.content.decode().count('href="/interventions/mentoring-') == 12
    assert response.content.decode().count('href="/case-studies/study-') == 12


def test_an_interventions_providers_link_to_their_pages(client):
    page = client.get("/interventions/empower/").content.decode()
    assert 'href="/organisations/safer-london/">Safer London</a>' in page
