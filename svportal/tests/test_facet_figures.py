"""The case-study facets' stored counts over every published case study
(casestudies.facet_figures) stay what counting the case studies gives, whichever way the
records are written: page forms, API, admin, the loader, the synthetic data generator,
deletion, and the records whose names the facets show. The list and its search read them,
so a change shows in their facets at once (docs/decisions/0044)."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boroughs.models import Borough
from casestudies import search
from casestudies.facet_figures import (
    _facet_values,
    published_counts_matching,
    published_facet_counts,
)
from casestudies.models import (
    Approach,
    CaseStudy,
    CaseStudyFacetValue,
    Intervention,
    Outcome,
    PublishedFacetCount,
)
from casestudies.querysets import sees_drafts
from casestudies.selectors import _counted_from_published, _counted_over
from casestudies.tests.api.test_case_study_writes import client_for
from casestudies.tests.factories import CaseStudyFactory
from casestudies.tests.test_drafting_pages import form_data, make_draft, signed_in
from funding.models import Award, FundingStream
from tests.test_change_history import admin_edit

pytestmark = pytest.mark.django_db

CASE_STUDIES = "/api/v1/case-studies/"


def assert_facets_current():
    """The stored counts are what counting every published case study gives now, and
    each case study's stored values what it has now."""
    counted = _counted_over(CaseStudy.objects.published(), {}, "default")
    assert sorted(published_facet_counts()) == sorted(row for row in counted if row[3])
    stored = set(
        CaseStudyFacetValue.objects.values_list(
            "case_study_id", "published", "value__facet", "value__value", "value__label"
        )
    )
    assert stored == _facet_values(None)


def facet_count(facet, value, client=None):
    """The count the API's list shows beside a facet's value (0 when not offered)."""
    facets = (client or Client()).get(CASE_STUDIES).json()["facets"]
    return next((option["count"] for option in facets[facet] if option["value"] == value), 0)


def test_the_real_data_arrives_with_every_facet_counted():
    assert published_facet_counts()
    assert_facets_current()


@pytest.mark.parametrize("reader", ["anonymous", "editor"])
def test_a_search_counted_from_the_stored_values_is_what_counting_its_matches_gives(reader):
    """Whichever side of the published is counted: those that match ('loftus', few), or
    those that do not, less the stored counts ('young', most); the drafts an editor sees
    counted with them."""
    CaseStudyFactory(status=CaseStudy.Status.DRAFT, summary="Young people in Loftus Road.")
    user = client_for("editor", "editor").user if reader == "editor" else None
    published = CaseStudy.objects.published()
    for q, most in (("young", True), ("loftus", False), ("young -loftus", True)):
        parsed = search.parse_query(q)
        assert (
            search.matching(published, search.CASE_STUDIES, parsed).count() * 2 > published.count()
        ) is most
        searched = search.matching(CaseStudy.objects.visible_to(user), search.CASE_STUDIES, parsed)
        stored = _counted_from_published(
            searched, "default", drafts_visible=sees_drafts(user), query=parsed
        )
        counted = _counted_over(searched, {}, "default")
        assert sorted(stored) == sorted(row for row in counted if row[3]), q


def test_a_case_study_published_through_the_api_is_counted_at_once(
    write_westminster_draft, publish_through_api
):
    officer = client_for("wm-officer", "officer", "westminster")
    editor = client_for("editor", "editor")
    before = facet_count("borough", "westminster")
    draft = write_westminster_draft(officer.user)
    assert facet_count("borough", "westminster") == before  # a draft is not counted…
    # …but is, for a reader who may see it, beside the published ones.
    assert facet_count("borough", "westminster", editor) == before + 1
    assert facet_count("borough", "westminster", officer) == before + 1
    detail = f"{CASE_STUDIES}{draft.slug}/"
    publish_through_api(draft, officer, editor)
    assert facet_count("borough", "westminster") == before + 1
    assert facet_count("borough", "westminster", editor) == before + 1
    assert_facets_current()
    response = editor.post(f"{detail}unpublish/", content_type="application/json")
    assert response.status_code == HTTPStatus.OK, response.content
    assert facet_count("borough", "westminster") == before
    assert_facets_current()


def test_a_published_case_study_edited_on_its_page_is_counted_at_once():
    editor = signed_in("page-editor", "editor")
    study = make_draft(editor.user)
    study.status = CaseStudy.Status.PUBLISHED
    study.save()
    before = facet_count("year", "2011")
    response = editor.post(
        f"/case-studies/{study.slug}/edit/", form_data(year="2011", version=study.version)
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert facet_count("year", "2011") == before + 1
    assert_facets_current()


def test_admin_edits_of_case_studies_and_the_names_facets_show_are_counted_at_once(client):
    admin = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(admin)
    area = Borough.objects.filter(case_studies__status="published").order_by("pk").first()
    admin_edit(client, f"/admin/boroughs/borough/{area.pk}/change/", name="Renamed Borough")
    labels = {
        option["value"]: option["label"]
        for option in Client().get(CASE_STUDIES).json()["facets"]["borough"]
    }
    assert labels[area.slug] == "Renamed Borough"
    assert_facets_current()
    study = CaseStudy.objects.published().filter(year__isnull=False).order_by("pk").first()
    before = facet_count("year", "1999")
    admin_edit(client, f"/admin/casestudies/casestudy/{study.pk}/change/", year="1999")
    assert facet_count("year", "1999") == before + 1
    assert_facets_current()


def test_links_outcomes_and_the_records_facets_name_are_counted_when_written_or_deleted():
    study = CaseStudy.objects.published().order_by("pk").first()
    area = Borough.objects.exclude(case_studies=study).order_by("pk").first()
    study.boroughs.add(area)
    assert_facets_current()
    area.case_studies.clear()
    assert_facets_current()
    Outcome.objects.create(case_study=study, metric="Admissions", value=3, outcome_type="reduction")
    study.outcomes.update(outcome_type="")  # behind the portal's back: counted at the next write
    study.outcomes.first().save()
    assert_facets_current()
    approach = Approach.objects.filter(case_studies__status="published").first()
    approach.delete()
    assert_facets_current()
    intervention = Intervention.objects.filter(case_studies__status="published").first()
    intervention.category = next(
        value for value, _ in Intervention.Category.choices if value != intervention.category
    )
    intervention.save()
    assert_facets_current()
    intervention.delete()
    assert_facets_current()
    stream = FundingStream.objects.filter(awards__case_studies__status="published").first()
    if stream is not None:
        stream.name = "Renamed stream"
        stream.save()
        Award.objects.filter(stream=stream, case_studies__isnull=False).first().delete()
        assert_facets_current()
    study.delete()
    assert_facets_current()


def test_the_loader_refreshing_the_real_data_is_counted_at_once(run_command):
    study = CaseStudy.objects.published().filter(boroughs__isnull=False).order_by("pk").first()
    # Writes made behind the portal's back (no signals) are not counted…
    CaseStudy.boroughs.through.objects.filter(casestudy=study).delete()
    with pytest.raises(AssertionError):
        assert_facets_current()
    run_command("load_portal_data", "--refresh")
    # …until the loader puts the records back, which is counted at once.
    assert study.boroughs.exists()
    assert_facets_current()


def test_generated_synthetic_records_are_counted(run_command):
    run_command("generate_synthetic", "--scale", "0.002")
    assert CaseStudy.objects.filter(slug__startswith="synthetic-").exists()
    assert_facets_current()


@pytest.mark.parametrize("path", [CASE_STUDIES, "/case-studies/"])
def test_a_list_without_words_reads_the_stored_counts_not_every_case_study(path):
    """A first visit to the list (anonymous, no words, no facet chosen) counts its facets
    from the stored counts, on either database; counting every case study's facets cost
    about 300 ms with 20,000 of them."""
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == HTTPStatus.OK
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert PublishedFacetCount._meta.db_table in read
    assert "facet_matched" not in read


@pytest.mark.parametrize("q", ["young", "loftus", "zzxqwv"])
def test_a_searchs_published_counts_are_one_query(q, django_assert_num_queries):
    """The stored counts, how many match and the stored values of the fewer side: one
    query, giving what counting the published matches gives (nothing for no match)."""
    parsed = search.parse_query(q)
    published = CaseStudy.objects.published()
    with django_assert_num_queries(1):
        counts = published_counts_matching(search.CASE_STUDIES.matching_ids(parsed, "default"))
    counted = _counted_over(search.matching(published, search.CASE_STUDIES, parsed), {}, "default")
    assert sorted(counts) == sorted(row for row in counted if row[3])


def test_a_search_before_anything_was_counted_counts_and_stores_first():
    PublishedFacetCount.objects.all().delete()
    parsed = search.parse_query("young")
    published = CaseStudy.objects.published()
    counts = published_counts_matching(search.CASE_STUDIES.matching_ids(parsed, "default"))
    counted = _counted_over(search.matching(published, search.CASE_STUDIES, parsed), {}, "default")
    assert sorted(counts) == sorted(row for row in counted if row[3])
    assert_facets_current()
