"""Pages that span apps: the boroughs table, a borough's profile, compare, "my portal",
and the error pages."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory
from boroughs.models import Borough, StockTakeAnswer
from boroughs.roles import role_grant
from boroughs.tests.factories import BoroughFactory, PartnershipFactory
from casestudies.models import CaseStudy
from casestudies.tests.factories import CaseStudyFactory
from funding.models import Award
from funding.tests.factories import AwardFactory, FundingStreamFactory
from svportal.selectors import borough_stock_take_answers
from svportal.views import server_error

pytestmark = pytest.mark.django_db

BOROUGHS = "/boroughs/"
COMPARE = "/compare/"
MY = "/my/"


def text_of(response):
    """The page's words without its markup, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_rows(response):
    """The borough names of the boroughs table, in order."""
    table = response.content.decode().split('id="boroughs-table"', 1)[1]
    body = table.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', body)


def make_user(username, *, role=None, boroughs=()):
    user = get_user_model().objects.create_user(username, password="a-long-passphrase-1")
    for borough in boroughs:
        role_grant(user=user, role=role or "lead", borough=borough)
    if role in ("analyst", "editor"):
        role_grant(user=user, role=role)
    return user


def borough(slug):
    return Borough.objects.get(slug=slug)


# --- Boroughs table --------------------------------------------------------------------------


def test_the_boroughs_table_lists_every_borough_with_its_figures(client):
    response = client.get(BOROUGHS)
    assert response.status_code == 200
    names = table_rows(response)
    assert len(names) == Borough.objects.count()
    assert names == sorted(names, key=str.lower)
    html = response.content.decode()
    assert '<a class="govuk-link" href="/boroughs/westminster/">Westminster</a>' in html
    html = html.split('id="boroughs-table"', 1)[1]
    westminster_row = html.split('href="/boroughs/westminster/"', 1)[1].split("</tr>", 1)[0]
    assert "Active" in westminster_row
    assert "32.5%" in westminster_row
    redbridge_row = html.split('href="/boroughs/redbridge/"', 1)[1].split("</tr>", 1)[0]
    assert "at least £1,200,000" in redbridge_row
    assert "<title>Boroughs – SV Portal</title>" in response.content.decode()


def test_the_boroughs_tables_figures_are_right_aligned_from_its_fourth_column(client):
    """Its body's cells carry no class: the table's modifier aligns the figures, so it must
    name the columns whose headings are numeric."""
    html = client.get(BOROUGHS).content.decode()
    table = html[html.rindex("<table", 0, html.index('id="boroughs-table"')) :]
    table = table[: table.index("</table>")]
    assert "portal-long-table portal-long-table--numeric-from-4" in table.split(">", 1)[0]
    headings = re.findall(r'<th scope="col" class="([^"]+)"', table)
    assert ["--numeric" in heading for heading in headings] == [False] * 3 + [True] * 5
    westminster = table.split('href="/boroughs/westminster/"', 1)[1].split("</tr>", 1)[0]
    assert westminster.count("<td>") == 7
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert ".portal-long-table--numeric-from-4 tbody td:nth-child(n + 4)" in css


def test_the_boroughs_table_agrees_with_the_borough_summary_api(client):
    page = client.get(BOROUGHS, {"region": "london"})
    api = client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    summaries = {summary.borough.slug: summary for summary in page.context["summaries"]}
    assert set(summaries) == {entry["borough"]["slug"] for entry in api}
    for entry in api:
        summary = summaries[entry["borough"]["slug"]]
        assert summary.percent_complete == entry["percent_complete"]
        assert summary.recorded_overdue_items == entry["overdue_items"]
        assert summary.plan_state == entry["plan_state"]
        assert summary.case_studies == entry["case_studies"]
        assert summary.awards == entry["awards"]
        if summary.awards > summary.awards_amount_not_stated:
            assert summary.awards_total == Decimal(entry["awards_total"])
        else:
            assert entry["awards_total"] is None


def test_the_boroughs_table_filters_by_region(client):
    response = client.get(BOROUGHS, {"region": "london"})
    names = table_rows(response)
    assert len(names) == 33
    assert "Bristol" not in names
    assert "33 boroughs in London" in text_of(response)
    # The select keeps the choice.
    assert '<option value="london" selected>London</option>' in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "Adur"),
        ("-name", "York"),
        ("complete", "Westminster"),
        ("plan", "Westminster"),
        ("-funding", "Redbridge"),
        ("-awards", "Bristol"),
        ("case_studies", "Adur"),
    ],
)
def test_the_boroughs_table_sorts_by_a_column(client, sort, first):
    response = client.get(BOROUGHS, {"sort": sort})
    assert response.status_code == 200
    assert table_rows(response)[0] == first


def test_boroughs_without_a_figure_sort_last_in_both_directions(client):
    ascending = table_rows(client.get(BOROUGHS, {"sort": "complete"}))
    descending = table_rows(client.get(BOROUGHS, {"sort": "-complete"}))
    # Only Westminster has plan items; the rest have no percentage and follow by name.
    assert ascending[0] == descending[0] == "Westminster"
    assert ascending[1:] == descending[1:] == sorted(ascending[1:], key=str.lower)


def test_sortable_headings_are_links_that_keep_the_filter_and_say_the_order(client):
    html = client.get(BOROUGHS, {"region": "london", "sort": "complete"}).content.decode()
    # The sorted column says so, and its link reverses the order.
    assert 'aria-sort="ascending"' in html
    assert 'href="?region=london&amp;sort=-complete"' in html
    assert 'href="?region=london&amp;sort=name"' in html
    assert html.count("aria-sort=") == 1
    # Applying another region keeps the sort.
    assert '<input type="hidden" name="sort" value="complete">' in html


def test_an_unknown_region_is_an_error_message_not_a_crash(client):
    response = client.get(BOROUGHS, {"region": "atlantis"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Boroughs – SV Portal</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#region">Select a region from the list</a>' in html
    assert 'id="region-error"' in html
    assert "govuk-select--error" in html
    # The table is still there, unfiltered.
    assert len(table_rows(response)) == Borough.objects.count()


def test_an_unknown_sort_is_dropped_with_a_notice(client):
    response = client.get(BOROUGHS, {"sort": "<b>shoe size</b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-notification-banner" in html
    assert "cannot be sorted by “&lt;b&gt;shoe size&lt;/b&gt;”" in html
    assert "<b>shoe size</b>" not in html
    names = table_rows(response)
    assert names == sorted(names, key=str.lower)


def test_a_region_with_no_boroughs_says_so(client):
    Borough.objects.filter(region="wales").delete()
    response = client.get(BOROUGHS, {"region": "wales"})
    assert response.status_code == 200
    assert "There are no boroughs in Wales in the portal." in text_of(response)


def add_boroughs_with_plans_and_practice(count):
    for _ in range(count):
        place = BoroughFactory(region="london")
        plan = ActionPlanFactory(borough=place)
        ActionItemFactory.create_batch(2, plan=plan)
        ActionItemFactory(plan=plan, status="complete", progress=100)
        CaseStudyFactory(boroughs=[place])
        AwardFactory(recipient_boroughs=[place])


@pytest.mark.parametrize("extra", [1, 12])
def test_boroughs_table_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 boroughs with their stored practice and award figures; 2 borough summary (active
    plans with their stored figures, overdue items among them; stock-take answers on
    having a plan).
    1 for the map of plans: the boundary source, its areas and their plan states being the
    table's (the map of case studies reads 3: each district's own and the covering areas';
    that of overdue items 2: the active plans with their overdue counts)."""
    add_boroughs_with_plans_and_practice(extra)
    with django_assert_num_queries(4):
        response = client.get(BOROUGHS, {"region": "london", "sort": "-complete"})
    assert len(table_rows(response)) == 33 + extra
    with django_assert_num_queries(6):
        client.get(BOROUGHS, {"region": "london", "map": "case-studies"})
    with django_assert_num_queries(5):
        client.get(BOROUGHS, {"region": "london", "map": "overdue"})


# --- Borough profile -------------------------------------------------------------------------


def test_westminsters_profile_shows_its_plan_progress(client):
    response = client.get("/boroughs/westminster/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "<title>Westminster – SV Portal</title>" in html
    assert "40 items" in page
    assert "32.5% complete" in page
    assert 'href="/boroughs/westminster/action-plan/"' in html
    # The chart, and the table that says the same for screen readers.
    assert re.search(r'<svg [^>]*role="img" aria-label="Action plan items by status: ', html)
    assert "Not started 5, On track 22, Complete 13" in html
    status_table = html.split('id="items-by-status"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Complete</th>\s*<td[^>]*>13</td>\s*<td[^>]*>32.5%</td>", status_table)
    assert "E09000033" in page


def test_a_profile_shows_the_boroughs_stock_take_answers_with_their_quotes(client):
    page = text_of(client.get("/boroughs/lambeth/"))
    assert "Stock-take of Borough Activity" in page
    assert "Engagement and co-production with community groups" in page  # Q4's quote
    # Lambeth answered only question 4. Question 3's published total counts every borough,
    # so it is Lambeth's answer too, with the quote; the other two say none is recorded.
    assert page.count("No answer from Lambeth is recorded.") == 2
    assert "Yes (the source says this of all 33 boroughs it covers)" in page
    assert "All boroughs and the City of London said that their work" in page


def test_a_boroughs_answers_are_read_with_the_rounds_questions(django_assert_num_queries):
    """Rounds, their questions each with the borough's answer if it gave one, and their
    published totals: three queries; each answer sits with its own question."""
    lambeth = borough("lambeth")
    with django_assert_num_queries(3):
        rounds = borough_stock_take_answers(lambeth)
    answered = {
        (entry.question.stock_take_id, entry.question.number): entry.answer
        for round_ in rounds
        for entry in round_.answers
        if entry.answer is not None
    }
    recorded = StockTakeAnswer.objects.filter(borough=lambeth).select_related("question")
    assert {
        (answer.question.stock_take_id, answer.question.number): (answer.pk, answer.option.label)
        for answer in recorded
    } == {key: (answer.pk, answer.option.label) for key, answer in answered.items()}
    assert answered


def test_a_borough_outside_every_round_says_so(client):
    page = text_of(client.get("/boroughs/bristol/"))
    assert "No stock-take round recorded in the portal covers Bristol yet." in page


def test_a_profile_lists_case_studies_awards_and_partnerships(client):
    response = client.get("/boroughs/redbridge/")
    html = response.content.decode()
    assert 'href="/case-studies/redbridge-functional-family-therapy/"' in html
    assert "over £700,000" in html  # Award.amount_display keeps the "over"
    assert "at least £1,200,000 (2 awards)" in text_of(response)
    stream = Award.objects.filter(recipient_boroughs__slug="redbridge").first().stream
    assert f'href="/funding/{stream.slug}/"' in html
    westminster = text_of(client.get("/boroughs/westminster/"))
    assert "Safer Westminster Partnership" in westminster


def test_a_profiles_award_tables_show_each_award_as_the_award_says(client):
    """Read as values, each row of the profile's awards and of those to the areas covering
    it shows what the award itself gives (its amount and end in words, its stream's page,
    its funder or none), in the awards' order; two alike awards are two rows."""
    ipswich = Borough.objects.get(slug="ipswich")
    suffolk = Borough.objects.get(slug="suffolk")
    unfunded = FundingStreamFactory(funder=None)
    for _ in range(2):  # alike in all a row shows
        AwardFactory(
            recipient_boroughs=[suffolk], stream=unfunded, title="Alike", amount=Decimal("10.50")
        )
    AwardFactory(
        recipient_boroughs=[ipswich],
        amount=Decimal("700000"),
        amount_is_minimum=True,
        ends_on=dt.date(2026, 3, 31),
    )
    AwardFactory(recipient_boroughs=[ipswich], amount=None)
    response = client.get("/boroughs/ipswich/")
    for rows, awards in (
        (response.context["awards"], Award.objects.for_borough(ipswich)),
        (
            response.context["covering_awards"],
            Award.objects.through_covering(ipswich, [suffolk]),
        ),
    ):
        assert rows == [
            {
                "title": award.title,
                "stream_href": f"/funding/{award.stream.slug}/",
                "stream": {
                    "name": award.stream.name,
                    "funder": {"name": award.funder.name} if award.funder else None,
                },
                "amount_display": award.amount_display,
                "ends_on_display": award.ends_on_display,
            }
            for award in awards
        ]
    assert [row["title"] for row in response.context["covering_awards"]].count("Alike") == 2
    html = response.content.decode()
    assert "over £700,000" in html
    assert "£10.50" in html
    assert "Amount not stated" in html


def test_a_borough_without_a_plan_has_no_action_plan_link(client):
    response = client.get("/boroughs/lambeth/")
    html = response.content.decode()
    assert (
        "No knife crime action plan for Lambeth is recorded in the portal yet, so its items "
        "and progress are not known." in text_of(response)
    )
    assert "/action-plan/" not in html


@pytest.fixture
def lambeth_draft():
    draft = CaseStudyFactory(
        title="A draft from Lambeth", status=CaseStudy.Status.DRAFT, published_at=None
    )
    draft.boroughs.set([borough("lambeth")])
    return draft


def test_drafts_are_hidden_from_the_public(client, lambeth_draft):
    assert "A draft from Lambeth" not in client.get("/boroughs/lambeth/").content.decode()


@pytest.mark.parametrize(
    ("role", "member_of", "sees_draft"),
    [
        ("officer", "lambeth", True),
        ("lead", "lambeth", True),
        ("officer", "westminster", False),
        ("analyst", None, True),
        ("editor", None, True),
    ],
)
def test_drafts_are_marked_for_those_allowed_to_see_them(
    client, lambeth_draft, role, member_of, sees_draft
):
    user = make_user(role, role=role, boroughs=[borough(member_of)] if member_of else [])
    client.force_login(user)
    html = client.get("/boroughs/lambeth/").content.decode()
    assert ("A draft from Lambeth" in html) is sees_draft
    assert ('<strong class="govuk-tag govuk-tag--yellow">Draft</strong>' in html) is sees_draft


def test_an_unknown_borough_is_a_styled_404(client):
    response = client.get("/boroughs/atlantis/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="govuk-template"' in html


def add_practice_to(place, count):
    plan = ActionPlan.objects.filter(borough=place, status="active").first() or ActionPlanFactory(
        borough=place
    )
    ActionItemFactory.create_batch(count, plan=plan)
    for _ in range(count):
        CaseStudyFactory(boroughs=[place])
        AwardFactory(recipient_boroughs=[place])
        PartnershipFactory().members.add(place)


@pytest.mark.parametrize("extra", [1, 10])
def test_borough_profile_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 borough with its source; 5 borough summary (active plans with their stored
    figures, overdue items among them; the area's stored practice figures; the
    interventions in use by name; its stored award figures; stock-take answers on having
    a plan); 3 stock-take answers (rounds, their questions with the borough's answers,
    their published totals);
    1 case studies; 1 awards with their streams and funders; 2 places it sits among (the
    areas covering it and the districts it covers; the partnerships of both).
    2 map (areas with whether each has an active plan and the boundary data's attribution;
    stock-take answers on having a plan)."""
    add_practice_to(borough("westminster"), extra)
    with django_assert_num_queries(15):
        response = client.get("/boroughs/westminster/")
    assert response.context["summary"].case_studies == extra


@pytest.mark.parametrize("extra", [1, 10])
def test_a_county_profile_queries_do_not_grow(client, django_assert_num_queries, extra):
    """As a borough's profile, with no area covering it and no stock-take round of its
    region; the districts it covers, read once, are both listed and outlined on England's
    map: 1 borough; 5 summary; 1 stock-take rounds (none); 1 case studies; 1 awards (those
    of the areas covering it need no query: there are none); 2 places (covering areas
    and districts; partnerships); 2 map (areas with their active plans and the attribution,
    plan answers)."""
    suffolk = borough("suffolk")
    published = CaseStudy.objects.published().for_borough(suffolk).count()
    add_practice_to(suffolk, extra)
    for district in BoroughFactory.create_batch(extra, kind="district", region=suffolk.region):
        suffolk.districts.add(district)
    with django_assert_num_queries(13):
        response = client.get("/boroughs/suffolk/")
    html = response.content.decode()
    assert response.context["summary"].case_studies == published + extra
    assert len(response.context["links"].districts) == 7 + extra
    # The districts the boundary data draws are outlined; those added here have no outline.
    block = html.split('id="profile-map"', 1)[1]
    assert block.count('class="portal-map__highlight"') == 7


# --- Compare ---------------------------------------------------------------------------------


def test_compare_without_a_choice_shows_the_picker(client):
    response = client.get(COMPARE)
    assert response.status_code == 200
    html = response.content.decode()
    for n, ordinal in enumerate(["First", "Second", "Third", "Fourth"], start=1):
        assert f'<label class="govuk-label" for="borough-{n}">{ordinal} borough</label>' in html
        assert f'<select class="govuk-select" id="borough-{n}" name="boroughs">' in html
    assert '<form method="get" action="/compare/"' in html
    assert ">Compare</button>" in html
    assert "govuk-error-summary" not in html


def test_compare_two_boroughs_side_by_side(client):
    response = client.get(COMPARE, {"boroughs": "westminster,lambeth"})
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "<title>Compare Westminster, Lambeth – SV Portal</title>" in html
    assert "Westminster and Lambeth" in page
    assert '<a class="govuk-link" href="/boroughs/westminster/">Westminster</a>' in html
    assert '<a class="govuk-link" href="/boroughs/lambeth/">Lambeth</a>' in html
    assert "Governance" in page  # a theme of Westminster's plan
    assert "32.5%" in page
    assert "Interventions in common" in page
    # The picker shows the choice.
    assert '<option value="westminster" selected>Westminster</option>' in html
    assert '<option value="lambeth" selected>Lambeth</option>' in html
    assert 'href="/api/v1/compare/?boroughs=westminster,lambeth&amp;format=csv"' in html


def test_each_compare_select_offers_every_area_and_selects_only_its_own(client):
    """The selects' options are written by the form, not the template, once for all
    four: each lists every area, and marks only the borough chosen in it."""
    html = client.get("/compare/", {"boroughs": "lambeth,westminster"}).content.decode()
    selects = html.split('<select class="govuk-select')[1:]
    assert len(selects) == 4
    areas = Borough.objects.count()
    assert [select.count("<option ") for select in selects] == [areas + 1] * 4
    assert [select.count(" selected>") for select in selects] == [1, 1, 0, 0]
    assert '<option value="lambeth" selected>Lambeth</option>' in selects[0]
    assert '<option value="westminster" selected>Westminster</option>' in selects[1]


def test_the_compare_page_agrees_with_the_compare_api(client):
    from casestudies.models import Intervention

    shared = Intervention.objects.get(slug="empower")
    CaseStudy.objects.get(slug="redbridge-functional-family-therapy").interventions.add(shared)
    query = {"boroughs": "westminster,redbridge,lambeth"}
    page = client.get(COMPARE, query)
    api = client.get("/api/v1/compare/", query).json()
    assert page.context["comparison"].interventions_in_common == api["interventions_in_common"]
    assert "Empower" in text_of(page)
    for column, entry in zip(page.context["columns"], api["boroughs"], strict=True):
        assert column["summary"].borough.slug == entry["borough"]["slug"]
        assert column["themes"] == entry["themes_covered"]
        assert column["approaches"] == entry["approaches"]
        assert [name for _, name, _ in column["interventions"]] == entry["interventions"]
        assert column["unique"] == entry["unique_interventions"]
        assert column["summary"].percent_complete == entry["percent_complete"]


def test_compares_lists_of_interventions_escape_their_names(client):
    """Compare writes its lists of interventions itself, not the template: each name
    escaped, in every list it is in."""
    from casestudies.tests.factories import InterventionFactory

    shared = InterventionFactory(name="Shared <b>work</b> & “others”")
    own = InterventionFactory(name="Own <i>work</i>")
    for slug, interventions in (("westminster", [shared, own]), ("redbridge", [shared])):
        CaseStudyFactory(
            boroughs=[Borough.objects.get(slug=slug)], status=CaseStudy.Status.PUBLISHED
        ).interventions.add(*interventions)

    html = client.get(COMPARE, {"boroughs": "westminster,redbridge"}).content.decode()
    assert "<b>work" not in html
    assert "<i>work" not in html
    shared_item = "Shared &lt;b&gt;work&lt;/b&gt; &amp; “others”"
    own_item = "Own &lt;i&gt;work&lt;/i&gt;"
    common = html[html.index('id="interventions-in-common"') : html.index('id="unique-')]
    assert f"<li>{shared_item}</li>" in common
    assert f'<li>{shared_item} <span class="govuk-body-s">(in a case study)</span></li>' in html
    only = html[html.index('id="unique-interventions"') :]
    assert f"<li>{own_item}</li>" in only[: only.index("Only Redbridge")]


def test_the_picker_redirects_to_the_link_to_share(client):
    response = client.get(
        COMPARE + "?boroughs=westminster&boroughs=&boroughs=lambeth&boroughs=redbridge"
    )
    assert response.status_code == 302
    assert response["Location"] == "/compare/?boroughs=westminster,lambeth,redbridge"


@pytest.mark.parametrize(
    ("query", "anchor", "message"),
    [
        ("boroughs=westminster", "borough-2", "Choose at least 2 boroughs to compare"),
        ("boroughs=", "borough-1", "Choose at least 2 boroughs to compare"),
        ("boroughs=&boroughs=&boroughs=&boroughs=", "borough-1", "Choose at least 2 boroughs"),
        (
            "boroughs=westminster,atlantis",
            "borough-2",
            "There is no borough “atlantis”: select a borough from the list",
        ),
        (
            "boroughs=westminster,lambeth,redbridge,bexley,barnet",
            "borough-1",
            "Choose no more than 4 boroughs",
        ),
        (
            "boroughs=westminster,lambeth,westminster",
            "borough-3",
            "You have already chosen Westminster: choose a different borough",
        ),
    ],
)
def test_a_bad_choice_of_boroughs_is_explained(client, query, anchor, message):
    response = client.get(f"{COMPARE}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Compare boroughs – SV Portal</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#{anchor}">{message}' in html
    assert response.context["comparison"] is None


def test_a_field_error_sits_with_its_select(client):
    html = client.get(COMPARE, {"boroughs": "westminster,atlantis"}).content.decode()
    assert '<p id="borough-2-error" class="govuk-error-message">' in html
    assert 'id="borough-2" name="boroughs" aria-describedby="borough-2-error"' in html


def test_what_a_visitor_types_is_escaped(client):
    response = client.get(COMPARE, {"boroughs": "westminster,<script>alert(1)</script>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("items", [1, 30])
def test_compare_queries_do_not_grow(client, django_assert_num_queries, items):
    """1 boroughs for the picker (the chosen ones are among them); 5 borough summary
    (active plans with their stored figures, overdue items among them; the areas' stored
    practice figures; the interventions in use by name, from the plans and the case
    studies in one query; the areas' stored award figures; stock-take answers on having
    a plan); 1 themes, 1 approaches."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    ActionItemFactory.create_batch(items, plan=plan, theme=plan.framework.themes.last())
    for place in ("lambeth", "redbridge"):
        for _ in range(items):
            CaseStudyFactory(boroughs=[borough(place)])
    with django_assert_num_queries(8):
        response = client.get(COMPARE, {"boroughs": "westminster,lambeth,redbridge"})
    assert response.status_code == 200


# --- My portal -------------------------------------------------------------------------------


def test_my_portal_needs_signing_in(client):
    response = client.get(MY)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my/"


@pytest.fixture
def westminster_lead():
    return make_user("westminster-lead", role="lead", boroughs=[borough("westminster")])


def test_a_lead_sees_their_borough_overdue_items_and_funding_ending(client, westminster_lead):
    today = timezone.localdate()
    plan = ActionPlan.objects.get(borough__slug="westminster")
    open_items = list(plan.items.exclude(status__in=["complete", "cancelled"])[:2])
    ActionItem.objects.filter(pk__in=[item.pk for item in open_items]).update(
        due_date=today - dt.timedelta(days=3)
    )
    done = plan.items.filter(status="complete").first()
    ActionItem.objects.filter(pk=done.pk).update(due_date=today - dt.timedelta(days=3))
    not_yet = plan.items.exclude(pk__in=[item.pk for item in open_items]).exclude(pk=done.pk)[0]
    ActionItem.objects.filter(pk=not_yet.pk).update(due_date=today + dt.timedelta(days=3))
    ending = AwardFactory(
        title="Westminster youth work award",
        recipient_boroughs=[borough("westminster")],
        ends_on=today + dt.timedelta(days=30),
    )
    AwardFactory(
        title="Ends next year",
        recipient_boroughs=[borough("westminster")],
        ends_on=today + dt.timedelta(days=200),
    )
    AwardFactory(
        title="Lambeth youth award",
        recipient_boroughs=[borough("lambeth")],
        ends_on=today + dt.timedelta(days=30),
    )
    client.force_login(westminster_lead)
    response = client.get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "<title>My portal – SV Portal</title>" in html
    assert "Westminster" in page
    assert "Your role: Borough lead" in page
    for item in open_items:
        assert f'<a class="govuk-link" href="/action-items/{item.pk}/">' in html
    assert f'href="/action-items/{done.pk}/"' not in html
    assert f'href="/action-items/{not_yet.pk}/"' not in html
    assert ending.title in page
    assert f'href="/funding/{ending.stream.slug}/"' in html
    assert "Ends next year" not in page
    assert "Lambeth youth award" not in page
    assert 'href="/account/api-token/"' in html
    assert 'href="/boroughs/westminster/action-plan/"' in html


def test_a_lead_with_nothing_overdue_is_told_so(client, westminster_lead):
    client.force_login(westminster_lead)
    page = text_of(client.get(MY))
    assert "No items are overdue." in page
    assert "No recorded funding for Westminster ends in the next 90 days." in page


@pytest.mark.parametrize("role", ["analyst", "editor"])
def test_an_analyst_or_editor_without_a_borough_is_pointed_to_the_analyst_views(client, role):
    client.force_login(make_user(role, role=role))
    response = client.get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-borough"' in html
    assert "You do not have a role in a particular borough" in html
    assert 'href="/boroughs/"' in html
    assert 'href="/compare/"' in html
    assert 'href="/stock-takes/london-councils-2018/"' in html
    assert 'href="/account/api-token/"' in html


def test_a_user_with_no_role_is_told_how_to_get_one(client):
    client.force_login(make_user("newcomer"))
    page = text_of(client.get(MY))
    assert "Ask an editor to add you to your borough" in page
    assert "Views for analysts" not in page


@pytest.mark.parametrize("extra", [1, 8])
def test_my_portal_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 user; 4 desk (roles with boroughs, active plans, overdue items, awards ending
    with their streams); 1 global roles; 1 review notices (the session is read from the
    cache)."""
    today = timezone.localdate()
    places = [BoroughFactory() for _ in range(extra)]
    for place in places:
        plan = ActionPlanFactory(borough=place)
        ActionItemFactory.create_batch(extra, plan=plan, due_date=today - dt.timedelta(days=1))
        AwardFactory(recipient_boroughs=[place], ends_on=today + dt.timedelta(days=10))
    client.force_login(make_user("busy-lead", role="lead", boroughs=places))
    with django_assert_num_queries(7):
        response = client.get(MY)
    assert sum(len(desk.overdue_items) for desk in response.context["desks"]) == extra * extra


# --- Home ------------------------------------------------------------------------------------


def test_the_home_page_links_case_studies_and_funding_streams(client):
    today = timezone.localdate()
    soon = Award.objects.order_by("slug").first()
    Award.objects.filter(pk=soon.pk).update(ends_on=today + dt.timedelta(days=30))
    response = client.get("/")
    html = response.content.decode()
    for case_study in response.context["latest_case_studies"]:
        assert f'<a class="govuk-link" href="/case-studies/{case_study.slug}/">' in html
    assert f'<a class="govuk-link" href="/funding/{soon.stream.slug}/">' in html
    assert 'id="headline-figures"' in html


# --- Error pages -----------------------------------------------------------------------------


def test_the_500_page_stands_alone(django_assert_num_queries):
    """No context processors, no user, no database: just the template."""
    with django_assert_num_queries(0):
        html = get_template("500.html").template.render(Context())
    assert "Sorry, there is a problem with the service" in html
    assert 'class="govuk-template"' in html
    assert "govuk-frontend.min.css" in html
    assert '<a href="/" class="govuk-generic-header__homepage-link">SV Portal</a>' in html


def test_the_500_handler_touches_no_database(django_assert_num_queries):
    request = RequestFactory().get("/boroughs/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
