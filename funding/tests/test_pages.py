"""The funding pages: streams, awards, what ends when, and a stream's own page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boroughs.tests.factories import BoroughFactory, OrganisationFactory, PartnershipFactory
from core.charts import TimelineRow, timeline_svg
from funding.models import Award, FundingStream
from funding.tests.factories import AwardFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


# --- /funding/ -------------------------------------------------------------------------


def test_the_funding_page_lists_streams_and_awards_from_the_real_data(client):
    response = client.get("/funding/")
    assert response.status_code == 200
    page = page_text(response)
    assert "<title>Funding – SV Portal</title>" in page
    assert (
        '<a class="govuk-link" href="/funding/youth-endowment-fund/">Youth Endowment Fund</a>'
        in page
    )
    assert "£200,000,000" in page  # the YEF's total as a figure
    assert "over £700,000" in page  # Redbridge's award keeps its "over"
    assert "Amount not stated" in page
    assert response.context["awards"].paginator.count == Award.objects.count()


def test_the_streams_table_counts_each_streams_awards(client):
    """Each stream's count of awards, a stream with none at 0."""
    busy, idle = FundingStreamFactory(name="Busy stream"), FundingStreamFactory(name="Idle stream")
    AwardFactory.create_batch(3, stream=busy)
    streams = {stream.slug: stream for stream in client.get("/funding/").context["streams"]}
    assert streams[busy.slug].award_count == 3
    assert streams[idle.slug].award_count == 0
    for slug, stream in streams.items():
        assert stream.award_count == Award.objects.filter(stream__slug=slug).count()


def test_the_streams_table_and_the_filter_follow_a_changed_stream(client):
    """Their markup is kept once per set of streams: a stream renamed, or given an award,
    since the last visit shows so at once, in the table and in the filter, its name
    escaped."""
    client.get("/funding/")
    stream = FundingStream.objects.get(slug="youth-endowment-fund")
    awards = stream.awards.count()
    FundingStream.objects.filter(pk=stream.pk).update(name="Youth <Endowment> Fund")
    AwardFactory(stream=stream)
    page = page_text(client.get("/funding/"))
    table = page[page.index('id="streams-table"') : page.index('id="awards"')]
    assert (
        '<a class="govuk-link" href="/funding/youth-endowment-fund/">'
        "Youth &lt;Endowment&gt; Fund</a>" in table
    )
    row = table[table.index("Youth &lt;Endowment&gt; Fund") :]
    assert f'govuk-table__cell--numeric">{awards + 1}</td>' in row[: row.index("</tr>")]
    assert '<option value="youth-endowment-fund">Youth &lt;Endowment&gt; Fund</option>' in page


def test_a_stream_total_stated_as_a_minimum_says_at_least(client):
    FundingStream.objects.filter(slug="youth-endowment-fund").update(total_is_minimum=True)
    page = page_text(client.get("/funding/"))
    assert "at least £200,000,000" in page


def test_the_timeline_draws_every_end_date_and_repeats_it_in_a_table(client):
    response = client.get("/funding/")
    page = page_text(response)
    rows = response.context["timeline"].rows
    # The real data states three end dates: the Serious Violence Fund (31 March 2020) and
    # the Avon and Somerset and Cleveland awards.
    assert {row.label for row in rows} >= {
        "Serious Violence Fund",
        Award.objects.get(slug="eiyf-2018-cleveland-pcc").title,
    }
    assert '<svg class="portal-timeline"' in page
    assert 'role="img"' in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">What ends when' in page
    table = page[page.index('id="timeline-table"') :]
    assert "31 March 2020" in table
    assert "Ended" in table


def test_funding_ending_in_the_next_90_days_is_highlighted(client):
    today = timezone.localdate()
    soon = Award.objects.get(slug="yef-redbridge-functional-family-therapy")
    Award.objects.filter(pk=soon.pk).update(ends_on=today + dt.timedelta(days=30))
    later = Award.objects.get(slug="bradford-trusted-relationships-fund")
    Award.objects.filter(pk=later.pk).update(ends_on=today + dt.timedelta(days=120))

    response = client.get("/funding/")
    ending = response.context["timeline"].ending_soon
    assert [entry.label for entry in ending] == [soon.title]
    page = page_text(response)
    highlighted = page[page.index('id="funding-ending-soon"') : page.index('id="what-ends-when"')]
    assert soon.title in highlighted
    assert later.title not in highlighted
    assert "over £700,000" in highlighted
    table = page[page.index('id="timeline-table"') :]
    assert "Ends within 90 days" in table  # said in words, not only in red
    assert "Running" in table  # the one ending in 120 days


def test_nothing_ending_soon_says_so(client):
    response = client.get("/funding/")
    assert response.context["timeline"].ending_soon == []
    assert "No recorded stream or award ends between" in page_text(response)


def test_awards_filter_by_stream_and_the_filter_can_be_removed(client):
    response = client.get("/funding/?stream=youth-endowment-fund")
    awards = list(response.context["awards"])
    assert awards
    assert {award["stream__slug"] for award in awards} == {"youth-endowment-fund"}
    page = page_text(response)
    assert '<a class="govuk-link" href="?#awards">Remove filter: Youth Endowment Fund</a>' in page
    assert '<option value="youth-endowment-fund" selected>' in page


def test_awards_filter_by_recipient_borough(client):
    response = client.get("/funding/?borough=redbridge")
    slugs = {award["slug"] for award in response.context["awards"]}
    assert slugs == set(
        Award.objects.filter(recipient_boroughs__slug="redbridge").values_list("slug", flat=True)
    )
    assert "yef-redbridge-functional-family-therapy" in slugs


def test_an_unknown_filter_value_is_an_error_message_not_a_failure(client):
    response = client.get("/funding/?stream=atlantis&funder=home-office")
    assert response.status_code == 200
    page = page_text(response)
    assert "<title>Error: Funding – SV Portal</title>" in page
    assert '<a href="#stream">Choose a funding stream from the list</a>' in page
    assert 'class="govuk-error-message"' in page
    # The bad filter is dropped; the good one still applies.
    awards = response.context["awards"]
    assert (
        awards.paginator.count == Award.objects.filter(stream__funder__slug="home-office").count()
    )


@pytest.mark.parametrize(
    ("page", "notice"),
    [
        ("zz", "‘zz’ is not a page number, so you are seeing page 1."),
        ("0", "‘0’ is not a page number, so you are seeing page 1."),
        ("99", "There is no page 99, so you are seeing the last page, page 1."),
    ],
)
def test_a_page_that_does_not_exist_shows_a_notice(client, page, notice):
    response = client.get(f"/funding/?page={page}")
    assert response.status_code == 200
    assert notice in page_text(response)
    assert response.context["awards"].number == 1


def test_awards_are_paginated_with_the_govuk_component(client):
    stream = FundingStreamFactory()
    AwardFactory.create_batch(60, stream=stream)
    response = client.get(f"/funding/?stream={stream.slug}&page=2")
    assert response.context["awards"].number == 2
    assert len(response.context["awards"]) == 10
    page = page_text(response)
    assert '<nav class="govuk-pagination" aria-label="Pagination: awards">' in page
    assert f'href="?stream={stream.slug}" rel="prev"' in page
    assert 'aria-current="page">2</a>' in page


def test_an_award_row_names_its_stream_funder_recipients_amount_and_dates(client):
    """Its recipient boroughs by name, then its partnership and its organisation; a row
    with no recipient says so; the amount keeps its "over"; dates at their precision."""
    stream = FundingStreamFactory(name="Rowshire <Fund>", funder__name="Rowshire Trust")
    award = AwardFactory(
        stream=stream,
        title="Rowshire award",
        slug="rowshire-award",
        amount=Decimal("1234.50"),
        amount_is_minimum=True,
        awarded_on=dt.date(2021, 3, 1),
        awarded_on_precision="month",
        ends_on=dt.date(2022, 3, 31),
        recipient_boroughs=[BoroughFactory(name="Zedshire"), BoroughFactory(name="Aysham")],
        recipient_partnership=PartnershipFactory(name="Rowshire Partnership"),
        recipient_organisation=OrganisationFactory(name="Rowshire Youth Club"),
    )
    AwardFactory(stream=stream, title="Rowshire award to no one", amount=None)
    page = page_text(client.get(f"/funding/?stream={stream.slug}"))
    rows = page[page.index('id="awards"') :]
    row = rows[rows.index("Rowshire award<br>") :]
    row = row[: row.index("</tr>")]
    assert (
        f'From <a class="govuk-link" href="/funding/{stream.slug}/#award-{award.slug}">'
        "Rowshire &lt;Fund&gt;</a> (Rowshire Trust)" in row
    )
    assert "Aysham, Zedshire; Rowshire Partnership; Rowshire Youth Club" in row
    assert "over £1,234.50" in row
    assert "March 2021" in row
    assert "31 March 2022" in row
    nobody = rows[rows.index("Rowshire award to no one") :]
    nobody = nobody[: nobody.index("</tr>")]
    assert "Not stated" in nobody
    assert "Amount not stated" in nobody


def test_the_awards_are_counted_without_the_tables_their_rows_read(client):
    """The count reads the awards alone (and a filter's join), not the streams, funders,
    partnerships and organisations the rows show: at national scale a count joined to
    them took 60 ms."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/funding/").status_code == 200
    [count] = [query["sql"] for query in queries if "COUNT(*)" in query["sql"]]
    assert "JOIN" not in count


def add_awards_with_end_dates(count):
    today = timezone.localdate()
    borough = BoroughFactory()
    for n in range(count):
        AwardFactory(
            recipient_boroughs=[borough, BoroughFactory()],
            starts_on=today - dt.timedelta(days=200),
            # One ends today at either size, so the "ending soon" list is never empty.
            ends_on=today + dt.timedelta(days=n * 20 - 20),
        )


@pytest.mark.parametrize("extra", [2, 25])
def test_funding_page_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 streams with funders and award counts, 1 boroughs with awards (for the filter),
    1 count of awards, 1 page of awards with stream, funder, partnership and organisation,
    1 their recipient boroughs, and for the timeline 1 streams and 1 awards still
    to end, 1 streams and 1 awards ended.
    5 map (areas, boundary source, each area's own awards and their figures, the awards
    to areas covering it)."""
    add_awards_with_end_dates(extra)
    with django_assert_num_queries(14):
        response = client.get("/funding/")
    assert response.status_code == 200


# --- /funding/<slug>/ ------------------------------------------------------------------


def test_a_stream_page_shows_its_funder_total_awards_and_source(client):
    response = client.get("/funding/youth-endowment-fund/")
    assert response.status_code == 200
    page = page_text(response)
    assert '<h1 class="govuk-heading-xl">Youth Endowment Fund</h1>' in page
    assert "Home Office" in page
    assert "£200,000,000" in page
    assert "a new £200 million youth endowment fund" in page  # the total as printed
    award = Award.objects.get(slug="yef-redbridge-functional-family-therapy")
    assert f'id="award-{award.slug}"' in page
    assert award.title in page
    assert "over £700,000" in page
    assert "Redbridge" in page
    # The case study the award funds, through the reverse relation.
    assert (
        '<a class="govuk-link" href="/case-studies/redbridge-functional-family-therapy/">' in page
    )
    assert "From: " in page
    assert "section: Case studies › Redbridge › The solution" in page


def test_a_stream_page_shows_dates_at_the_precision_the_source_gives(client):
    page = page_text(client.get("/funding/serious-violence-fund/"))
    # 2019/20 is stored as 1 April 2019 to 31 March 2020 with year precision.
    assert "2019 to 2020" in page


def test_a_stream_page_does_not_list_draft_case_studies(client):
    award = Award.objects.get(slug="yef-redbridge-functional-family-therapy")
    award.case_studies.update(status="draft")
    page = page_text(client.get("/funding/youth-endowment-fund/"))
    assert "/case-studies/redbridge-functional-family-therapy/" not in page
    assert "None published" in page


def test_an_unknown_stream_is_the_styled_404(client):
    response = client.get("/funding/no-such-fund/")
    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def add_awards_to(stream, count):
    for n in range(count):
        award = AwardFactory(stream=stream, recipient_boroughs=[BoroughFactory(), BoroughFactory()])
        award.case_studies.create(
            title=f"Funded study {n}", slug=f"funded-study-{n}", summary="…", status="published"
        )


@pytest.mark.parametrize("count", [2, 20])
def test_stream_page_queries_do_not_grow(client, django_assert_num_queries, count):
    """1 stream with funder and source, 1 its awards with partnership, organisation and
    source, 1 their recipient boroughs, 1 their published case studies."""
    stream = FundingStreamFactory()
    add_awards_to(stream, count)
    with django_assert_num_queries(4):
        response = client.get(f"/funding/{stream.slug}/")
    assert len(response.context["awards"]) == count


# --- core.charts: the timeline -----------------------------------------------------------


def test_the_timeline_escapes_labels_and_marks_what_ends_soon_in_words():
    today = dt.date(2025, 6, 1)
    svg = timeline_svg(
        [
            TimelineRow(label="<script>alert(1)</script>", ends_on=dt.date(2025, 7, 1)),
            TimelineRow(
                label="Ended fund", starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2024, 3, 31)
            ),
            TimelineRow(
                label="Long fund", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2027, 3, 31)
            ),
        ],
        today=today,
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "ends 1 Jul 2025 (ends within 90 days)" in svg
    assert "Ended fund — ends 31 Mar 2024 (ended)" in svg
    assert "Long fund — ends 31 Mar 2027 (running)" in svg
    assert "url(#timeline-hatch)" in svg  # hatched as well as coloured
    assert ">Today</text>" in svg
    for year in ("2023", "2024", "2025", "2026", "2027", "2028"):
        assert f">{year}</text>" in svg


def test_the_timeline_of_nothing_is_empty():
    assert timeline_svg([], today=dt.date(2025, 6, 1)) == ""


def test_amounts_display_with_their_minimum():
    stream = FundingStreamFactory(total_amount=Decimal("1500000"), total_is_minimum=True)
    from funding.selectors import stream_total_display

    assert stream_total_display(stream) == "at least £1,500,000"
