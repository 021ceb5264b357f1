"""The real data: counts and exact values checked against the seed documents' own text."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from actionplans.models import ActionPlan, Framework
from boroughs.models import Borough, Organisation, PublishedTotal, StockTake, StockTakeAnswer
from casestudies.models import CaseStudy, Intervention, Outcome, PlanItemIntervention
from conftest import require_service
from core.models import SourcedModel
from funding.models import Award, FundingStream

pytestmark = pytest.mark.django_db

PUBLIC_HEALTH_GUIDE = "lga-public-health-approach-2020"
BREAKING_THE_CYCLE = "lga-breaking-the-cycle-2019"


def normalise(text):
    """Compare text as read, not as typeset: straight quotes, single spaces, no hyphen breaks."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def seed_text():
    """The normalised text of each seed document, by file name."""
    directory = Path(settings.SEED_DOCUMENTS_DIR)
    if not directory.is_dir():
        require_service("The seed documents", f"{directory} is missing")
    return {path.name: normalise(path.read_text(encoding="utf-8")) for path in directory.iterdir()}


def test_all_33_london_authorities_with_their_gss_codes():
    london = Borough.objects.filter(region="london").order_by("gss_code")
    assert london.count() == 33
    assert [b.gss_code for b in london] == [f"E090000{n:02d}" for n in range(1, 34)]
    assert london.first().name == "City of London"
    assert london.first().kind == Borough.Kind.CITY_OF_LONDON
    assert london.get(gss_code="E09000002").name == "Barking and Dagenham"
    assert london.last().name == "Westminster"
    # After the City, the codes run alphabetically.
    names = [b.name for b in london][1:]
    assert names == sorted(names)


def test_areas_outside_london_doing_the_work_are_there():
    expected = {
        "redcar-and-cleveland": "E06000003",
        "greater-manchester-combined-authority": "E47000001",
        "bradford": "E08000032",
        "wakefield": "E08000036",
        "suffolk": "E10000029",
        "brighton-and-hove": "E06000043",
    }
    found = dict(Borough.objects.filter(slug__in=expected).values_list("slug", "gss_code"))
    assert found == expected


def test_nineteen_case_studies_ten_and_nine_from_the_two_guides():
    assert CaseStudy.objects.published().count() == 19
    assert CaseStudy.objects.filter(source__key=PUBLIC_HEALTH_GUIDE).count() == 10
    assert CaseStudy.objects.filter(source__key=BREAKING_THE_CYCLE).count() == 9


def test_every_case_study_has_its_sections_places_and_contact():
    for case_study in CaseStudy.objects.prefetch_related("boroughs"):
        for section in ("summary", "challenge", "solution", "impact", "lessons_learned"):
            assert getattr(case_study, section).strip(), f"{case_study.slug} has no {section}"
        assert case_study.boroughs.exists() or case_study.partnership_id, case_study.slug
        assert case_study.contact_name or case_study.contact_email, case_study.slug


def test_the_public_health_guide_case_studies_are_the_ten_places_in_its_contents():
    places = {
        "barking-and-dagenham",
        "greater-manchester-combined-authority",
        "york",
        "nottingham",
        "redbridge",
        "redcar-and-cleveland",
        "somerset",
        "suffolk",
        "east-sussex",
        "waltham-forest",
    }
    covered = set(
        Borough.objects.filter(
            case_studies__source__key=PUBLIC_HEALTH_GUIDE, slug__in=places
        ).values_list("slug", flat=True)
    )
    partnership_members = set(
        Borough.objects.filter(
            partnerships__case_studies__source__key=PUBLIC_HEALTH_GUIDE, slug__in=places
        ).values_list("slug", flat=True)
    )
    assert places == covered | partnership_members


@pytest.mark.parametrize(
    ("recipient", "amount", "is_minimum", "stream"),
    [
        ("redbridge", Decimal("700000"), True, "youth-endowment-fund"),
        ("bradford", Decimal("1000000"), False, "trusted-relationships-fund"),
    ],
)
def test_awards_to_boroughs_keep_their_amounts_as_stated(recipient, amount, is_minimum, stream):
    award = Award.objects.get(recipient_boroughs__slug=recipient, stream__slug=stream)
    assert award.amount == amount
    assert award.amount_is_minimum is is_minimum


@pytest.mark.parametrize(
    ("amount_text", "amount", "is_minimum", "stream"),
    [
        ("over £546,000", Decimal("546000"), True, "early-intervention-youth-fund"),
        ("£1.16 million", Decimal("1160000"), False, "serious-violence-fund"),
        ("over £890,000", Decimal("890000"), True, "early-intervention-youth-fund"),
    ],
)
def test_awards_to_commissioners_keep_their_amounts_as_stated(
    amount_text, amount, is_minimum, stream
):
    award = Award.objects.get(amount_text__icontains=amount_text)
    assert (award.amount, award.amount_is_minimum, award.stream.slug) == (
        amount,
        is_minimum,
        stream,
    )


def test_every_award_amount_as_printed_is_in_its_document(seed_text):
    for award in Award.objects.exclude(amount_text="").select_related("source"):
        assert normalise(award.amount_text) in seed_text[award.source.document], award.slug


def test_funding_streams_the_documents_name():
    streams = set(FundingStream.objects.values_list("slug", flat=True))
    assert {
        "early-intervention-youth-fund",
        "trusted-relationships-fund",
        "serious-violence-fund",
        "youth-endowment-fund",
        "youth-investment-fund",
        "london-crime-prevention-fund",
    } <= streams
    assert FundingStream.objects.get(slug="youth-endowment-fund").total_amount == Decimal(
        "200000000"
    )
    assert FundingStream.objects.get(slug="youth-endowment-fund").funder.slug == "home-office"


def test_loftus_outcome_is_structured():
    outcome = Outcome.objects.get(
        case_study__boroughs__slug="redcar-and-cleveland", value=41, unit="percent"
    )
    assert outcome.direction == Outcome.Direction.DECREASE
    assert "12 months to December 2019" in outcome.period


def test_every_outcome_quote_is_in_its_document(seed_text):
    outcomes = Outcome.objects.exclude(quote="").select_related("source")
    assert outcomes.count() >= 60
    for outcome in outcomes:
        assert normalise(outcome.quote) in seed_text[outcome.source.document], outcome.quote


def test_glasgows_violence_reduction_unit_and_its_projects_are_records_with_their_source():
    unit = Organisation.objects.get(slug="glasgow-violence-reduction-unit")
    assert unit.source.key == BREAKING_THE_CYCLE
    assert "Strathclyde Police" in unit.description
    projects = set(unit.interventions.values_list("slug", flat=True))
    assert projects == {
        "glasgow-a-and-e-navigators",
        "street-and-arrow-employment-programme",
        "glasgow-mentors-in-violence",
        "glasgow-domestic-violence-signs-training",
        "glasgow-doctors-in-schools",
    }
    for intervention in unit.interventions.all():
        assert intervention.source.key == BREAKING_THE_CYCLE
        assert intervention.source_section == "What is the 'public health' approach?"
        assert intervention.evaluation_status == "none"  # the source reports none of them


@pytest.mark.parametrize(
    ("slug", "provider"),
    [
        ("bradford-turnaround-project", "barnardos"),
        ("keighley-hand-in-hand", "the-childrens-society"),
        ("bradford-mesmac-boys-and-young-men", "mesmac"),
        ("national-citizen-service", None),
    ],
)
def test_the_programmes_the_guide_names_are_interventions_with_their_source(slug, provider):
    intervention = Intervention.objects.get(slug=slug)
    assert intervention.source.key == BREAKING_THE_CYCLE
    assert intervention.source_section
    providers = list(intervention.providers.values_list("slug", flat=True))
    assert providers == ([provider] if provider else [])


def test_the_national_citizen_service_keeps_the_ages_the_guide_states():
    service = Intervention.objects.get(slug="national-citizen-service")
    assert (service.min_age, service.max_age) == (15, 17)


def test_every_intervention_a_plan_item_delivers_is_named_in_its_document(seed_text):
    links = PlanItemIntervention.objects.select_related("source")
    assert links.count() == 11
    for link in links:
        assert normalise(link.quote) in seed_text[link.source.document], link.quote


def test_the_2018_stock_take_round_and_its_questions():
    stock_take = StockTake.objects.get(slug="london-councils-2018")
    assert stock_take.publisher == "London Councils"
    assert stock_take.coverage_region == "london"
    assert list(stock_take.questions.values_list("slug", flat=True)) == [
        "corporate-approach",
        "knife-crime-action-plan",
        "collaboration",
        "voluntary-sector-engagement",
    ]


def test_the_published_action_plan_total_is_22_of_33_with_its_quote():
    total = PublishedTotal.objects.get(question__slug="knife-crime-action-plan")
    assert (total.count, total.denominator, total.option.slug) == (22, 33, "yes")
    assert total.quote == (
        "Twenty-two boroughs said that they had a specific knife crime action plan."
    )


def test_published_totals_and_borough_answers_quote_the_stock_take(seed_text):
    document = seed_text["000_46e1919ff77c9483.txt"]
    for total in PublishedTotal.objects.all():
        assert normalise(total.quote) in document, total.quote
    answers = StockTakeAnswer.objects.select_related("borough")
    assert answers.exists()
    for answer in answers:
        assert answer.quote, f"{answer.borough} has an answer without the words it rests on"
        assert normalise(answer.quote) in document, answer.quote


def test_no_borough_answer_is_invented_for_the_action_plan_question():
    """The source names only some boroughs; the 22 stay a published total, not 22 answers."""
    answers = StockTakeAnswer.objects.filter(question__slug="knife-crime-action-plan")
    assert answers.count() < 22
    assert set(answers.values_list("borough__slug", flat=True)) == {"lewisham"}


def test_westminsters_action_plan_under_the_mopac_2017_themes():
    plan = ActionPlan.objects.get(borough__slug="westminster")
    assert plan.framework.slug == "mopac-knife-crime-strategy-2017"
    assert plan.status == ActionPlan.Status.ACTIVE
    assert (plan.last_refreshed_on.year, plan.last_refreshed_on.month) == (2019, 5)
    themes = list(plan.framework.themes.values_list("name", flat=True))
    assert len(themes) == 6
    assert themes[0] == "Governance"
    assert themes[1] == "Targeting lawbreakers"
    assert plan.items.count() == 40
    assert set(plan.items.values_list("theme__framework", flat=True)) == {plan.framework_id}
    statuses = set(plan.items.values_list("status", flat=True))
    assert statuses <= {"complete", "on_track", "not_started"}
    assert all(item.progress == 100 for item in plan.items.filter(status="complete"))


@pytest.mark.parametrize(
    ("slug", "themes"),
    [
        ("prevent-protect-prepare-pursue", {"Prevent", "Protect", "Prepare", "Pursue"}),
        ("curtail-treat-support-strengthen", ["Curtail", "Treat", "Support", "Strengthen"]),
    ],
)
def test_the_named_frameworks_and_their_themes(slug, themes):
    names = list(Framework.objects.get(slug=slug).themes.values_list("name", flat=True))
    assert (set(names) if isinstance(themes, set) else names) == themes


def test_the_serious_violence_strategy_has_four_themes():
    framework = Framework.objects.get(slug="serious-violence-strategy-2018")
    assert framework.themes.count() == 4


def test_every_loaded_record_names_its_source_and_section():
    for model in apps.get_models():
        if not issubclass(model, SourcedModel):
            continue
        loaded = model.objects.all()
        assert not loaded.filter(source__isnull=True).exists(), model.__name__
        assert not loaded.filter(source_section="").exists(), model.__name__


def test_every_source_is_a_seed_document_or_reference_data(seed_text):
    from boroughs.models import Source

    reference_data = ["ons-local-authority-codes", "uk-geojson-lad-2013"]
    for source in Source.objects.exclude(key__in=reference_data):
        assert source.document in seed_text, source.key
