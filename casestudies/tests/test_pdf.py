"""A case study as a PDF (WeasyPrint) at /case-studies/<slug>/pdf/, read back with pypdf:
its text, source and date; public for published case studies, drafts only for those who
may see them; and the print stylesheet on the pages people print."""

import io
import re
from http import HTTPStatus

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy
from casestudies.services import case_study_create_draft

pytestmark = pytest.mark.django_db

LOADED = "barking-and-dagenham-positive-diversionary-activities"


def pdf_text(response):
    assert response.status_code == HTTPStatus.OK, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_anyone_downloads_a_published_case_study_with_its_source_and_date(client):
    response = client.get(f"/case-studies/{LOADED}/pdf/")
    assert response["Content-Disposition"] == f'attachment; filename="{LOADED}.pdf"'
    text = pdf_text(response)
    case_study = CaseStudy.objects.get(slug=LOADED)
    assert case_study.title in text
    assert (
        "Source: Taking a public health approach to tackling serious violent crime: case "
        "studies, Local Government Association, July 2020" in text
    )
    assert f"Downloaded on {timezone.now():%-d %B %Y}" in text
    for heading in ("The challenge", "The solution", "The impact", "Lessons learned"):
        assert heading in text
    assert "115 possession of weapons incidents were reported" in text
    assert "jade.hodgson@lbbd.gov.uk" in text
    assert f"http://testserver/case-studies/{LOADED}/" in text
    assert "Not published" not in text


def person(name, role, borough):
    user = get_user_model().objects.create_user(name)
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough))
    client = Client()
    client.force_login(user)
    return user, client


def test_a_draft_is_a_pdf_only_for_those_who_may_see_it(client):
    author, officer = person("author", "officer", "westminster")
    _, other = person("other", "officer", "lambeth")
    draft = case_study_create_draft(
        acting_user=author,
        title="Westminster navigators",
        summary="Youth workers in A&E.",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="Knife injuries rose. ![map](file:///etc/passwd) ![x](http://127.0.0.1:9/x.png)",
    )
    url = f"/case-studies/{draft.slug}/pdf/"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert other.get(url).status_code == HTTPStatus.NOT_FOUND
    response = officer.get(url)
    text = pdf_text(response)
    assert "Draft: not published." in text
    assert "Source: recorded in SV Portal by its borough" in text
    assert "Knife injuries rose." in text
    assert "root:" not in text  # nothing fetched, not even a local file
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_case_study_has_no_pdf(client):
    assert client.get("/case-studies/no-such-thing/pdf/").status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/case-studies/{LOADED}/pdf/").status_code in (
        HTTPStatus.METHOD_NOT_ALLOWED,
        HTTPStatus.FORBIDDEN,  # refused by CSRF before the view
    )


def test_the_case_study_page_links_its_pdf(client):
    html = client.get(f"/case-studies/{LOADED}/").content.decode()
    assert f'href="/case-studies/{LOADED}/pdf/" download' in html


@pytest.mark.parametrize(
    "path",
    [
        f"/case-studies/{LOADED}/",
        "/interventions/empower/",
        "/boroughs/westminster/action-plan/",
        "/boroughs/westminster/",
    ],
)
def test_the_pages_people_print_have_the_print_stylesheet(client, path):
    html = client.get(path).content.decode()
    assert re.search(r'<link rel="stylesheet" media="print" href="/static/css/print\.css">', html)
