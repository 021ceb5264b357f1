"""The pages every public service publishes, the stock-take index, and the footer."""

from http import HTTPStatus

import pytest
from django.test import override_settings
from django.utils.html import escape

from boroughs.models import Source

from .test_pages import text_of

pytestmark = pytest.mark.django_db

FOOTER_LINKS = ["/about/", "/accessibility/", "/privacy/", "/cookies/", "/contact/"]


@pytest.mark.parametrize("path", FOOTER_LINKS)
def test_every_page_links_to_the_service_pages_in_its_footer(client, path):
    html = client.get("/boroughs/westminster/").content.decode()
    footer = html.split("<footer", 1)[1]
    assert f'<a class="govuk-footer__link" href="{path}">' in footer
    assert client.get(path).status_code == HTTPStatus.OK


def test_the_footer_carries_the_boundary_data_attribution(client):
    footer = text_of(client.get("/")).split("Boundaries and area codes:", 1)[1]
    assert "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley" in footer
    assert "Open Government Licence v3.0" in footer


def test_the_about_page_lists_every_source_with_its_licence(client):
    response = client.get("/about/")
    html, page = response.content.decode(), text_of(response)
    for source in Source.objects.all():
        assert escape(source.title) in html, source.key
    assert "Licence: Creative Commons Attribution 4.0 International" in page
    assert "© Crown copyright and database right 2016" in page


@override_settings(
    PORTAL_OPERATOR="Safer Councils Network", PORTAL_CONTACT_EMAIL="help@example.org"
)
def test_the_operator_and_contact_address_come_from_the_settings(client):
    contact = client.get("/contact/").content.decode()
    assert "SV Portal is run by Safer Councils Network." in contact
    assert 'href="mailto:help@example.org"' in contact
    statement = text_of(client.get("/accessibility/"))
    assert "This website is run by Safer Councils Network." in statement
    assert "email help@example.org" in statement


def test_the_accessibility_statement_follows_the_model(client):
    page = text_of(client.get("/accessibility/"))
    for heading in [
        "Accessibility statement for SV Portal",
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that's not within the scope of the accessibility regulations",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
        "How we tested this website",
    ]:
        assert heading in page, heading
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in page
    # How it was tested, with what was found: the axe scans and the keyboard check of a map
    # that tests/browser repeat.
    assert "axe-core in Chromium against the WCAG 2.2 A and AA rules" in page
    assert "Result: no violations." in page
    assert "Keyboard, in Chromium, on a borough's map" in page
    assert "Enter opens the area's page" in page
    assert "Not yet tested: with screen readers" in page


def test_the_cookies_page_names_only_essential_cookies(client, settings):
    page = text_of(client.get("/cookies/"))
    assert "uses only essential cookies" in page
    assert f"{settings.SESSION_COOKIE_NAME} Keeps you signed in" in page
    assert f"{settings.CSRF_COOKIE_NAME} Protects the forms" in page
    assert "analytics" in page


@pytest.mark.parametrize("path", ["/", "/boroughs/", "/about/", "/cookies/"])
def test_reading_pages_sets_no_cookie(client, path):
    assert client.get(path).cookies == {}


def test_the_stock_takes_index_lists_every_round_and_is_in_the_menu(client):
    response = client.get("/stock-takes/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<a class="govuk-service-navigation__link" href="/stock-takes/">Stock-takes</a>' in html
    assert (
        '<a class="govuk-link" href="/stock-takes/london-councils-2018/">'
        "Stock-take of Borough Activity" in html
    )
    assert "Every borough in London" in text_of(response)


def test_the_stock_takes_index_queries_do_not_grow(client, django_assert_num_queries):
    """1 rounds with their sources and question counts."""
    from boroughs.models import StockTake

    with django_assert_num_queries(1):
        client.get("/stock-takes/")
    for n in range(5):
        StockTake.objects.create(
            title=f"Round {n}", slug=f"round-{n}", publisher="LGA", coverage_region="london"
        )
    with django_assert_num_queries(1):
        response = client.get("/stock-takes/")
    assert "6 rounds" in text_of(response)
