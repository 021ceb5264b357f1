"""Evidence: every value traced to its quote in the seed text, and one rule for the level."""

import itertools
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from boroughs.roles import role_grant
from casestudies.evidence import (
    LEVELS,
    EvaluatedBy,
    EvaluationDesign,
    EvaluationStatus,
    evidence_level_for,
)
from casestudies.models import CaseStudy, Intervention
from casestudies.tests.factories import InterventionFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
FIXTURES = Path(settings.PORTAL_FIXTURES_DIR)


def _plain(text):
    """Text as the seeds and fixtures may both print it: one kind of quote and space."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return re.sub(r"\s+", " ", text.replace("\u201d", '"')).strip()


def _fixture_records():
    for path in sorted(FIXTURES.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for kind, model in (("interventions", Intervention), ("case_studies", CaseStudy)):
            for record in document.get(kind, []):
                yield document["source"].get("document"), model, record


def test_every_evidence_quote_is_in_its_seed_document():
    assert SEEDS.is_dir(), f"the seed documents are missing from {SEEDS}"
    seeds = {path.name: _plain(path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt")}
    quoted = 0
    for document, _, record in _fixture_records():
        quote = record.get("evidence_quote")
        if quote:
            quoted += 1
            assert _plain(quote) in seeds[document], record["slug"]
    assert quoted >= 20


def test_every_loaded_record_has_an_honest_evidence_value():
    """An evaluation is recorded only with its quote and place; "none" guesses nothing."""
    checked = 0
    for _, model, record in _fixture_records():
        loaded = model.objects.get(slug=record["slug"])
        checked += 1
        if loaded.evaluation_status == EvaluationStatus.NONE:
            assert (loaded.evaluated_by, loaded.evaluation_design, loaded.evidence_quote) == (
                "",
                "",
                "",
            ), loaded.slug
            assert loaded.evidence_level == 0
        else:
            assert loaded.evidence_quote == record["evidence_quote"]
            assert loaded.evidence_section.startswith("Case studies › "), loaded.slug
        assert loaded.evidence_level == evidence_level_for(
            evaluation_status=loaded.evaluation_status,
            evaluation_design=loaded.evaluation_design,
            evaluated_by=loaded.evaluated_by,
        )
    assert checked == Intervention.objects.count() + CaseStudy.objects.count()


@pytest.mark.parametrize(
    ("slug", "status", "design", "evaluated_by", "level", "words"),
    [
        ("wakefield-diverting-young-people", "completed", "comparison_group", "", 3, "32 per cent"),
        (
            "redcar-and-cleveland-youth-work-plus-asb-hotspots",
            "completed",
            "before_after",
            "",
            2,
            "41 per cent",
        ),  # noqa: E501
        (
            "redbridge-functional-family-therapy",
            "planned",
            "comparison_group",
            "academic",
            0,
            "control group",
        ),  # noqa: E501
        (
            "greater-manchester-psychologists-in-complex-safeguarding",
            "completed",
            "",
            "",
            1,
            "Evaluation of the original CSE work",
        ),  # noqa: E501
        (
            "north-yorkshire-and-york-trusted-relationship-models",
            "planned",
            "",
            "",
            0,
            "full outcome and performance framework",
        ),  # noqa: E501
        ("bristol-involving-the-community", "none", "", "", 0, ""),
    ],
)
def test_case_studies_carry_what_their_source_says(
    slug, status, design, evaluated_by, level, words
):
    case_study = CaseStudy.objects.get(slug=slug)
    assert case_study.evaluation_status == status
    assert case_study.evaluation_design == design
    assert case_study.evaluated_by == evaluated_by
    assert case_study.evidence_level == level
    assert words in case_study.evidence_quote


def test_the_database_and_python_apply_the_same_rule_to_every_combination():
    record = InterventionFactory()
    combinations = itertools.product(
        EvaluationStatus.values, ["", *EvaluationDesign.values], ["", *EvaluatedBy.values]
    )
    seen = set()
    for status, design, evaluated_by in combinations:
        Intervention.objects.filter(pk=record.pk).update(
            evaluation_status=status, evaluation_design=design, evaluated_by=evaluated_by
        )
        record.refresh_from_db(fields=["evidence_level"])
        expected = evidence_level_for(
            evaluation_status=status, evaluation_design=design, evaluated_by=evaluated_by
        )
        assert record.evidence_level == expected, (status, design, evaluated_by)
        seen.add(expected)
    assert seen == {level.number for level in LEVELS}


def test_an_evaluation_needs_its_quote_and_none_reported_guesses_nothing():
    record = InterventionFactory.build(
        evaluation_status=EvaluationStatus.COMPLETED, evaluation_design="before_after"
    )
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert "evidence_quote" in error.value.message_dict
    record = InterventionFactory.build(
        evaluation_status=EvaluationStatus.NONE, evaluation_design="randomised"
    )
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert "evaluation_design" in error.value.message_dict


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_user("an-editor", password="a-long-passphrase-1")
    role_grant(user=editor, role="editor")
    client.force_login(editor)
    return client


def test_an_editor_saving_evidence_in_the_admin_gets_the_rule_s_level(editor_client):
    intervention = Intervention.objects.get(slug="mister-shapeshifter")
    url = reverse("admin:casestudies_intervention_change", args=[intervention.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("settings", "providers")
    }
    data.update(
        settings=[s.pk for s in intervention.settings.all()],
        providers=[p.pk for p in intervention.providers.all()],
        source=intervention.source_id,
        evaluation_status="completed",
        evaluation_design="comparison_group",
        evaluated_by="independent",
        evidence_quote="Results show that 82 per cent of children who have seen the play said "
        "it helped them to understand more about abuse and exploitation.",
        **{"external_ratings-TOTAL_FORMS": "0", "external_ratings-INITIAL_FORMS": "0"},
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    intervention.refresh_from_db()
    assert intervention.evidence_level == 4
    page = editor_client.get(url).content.decode()
    assert "Level 4: Independent comparison" in page


def test_the_api_and_pages_show_the_level_with_its_quote(client):
    body = client.get("/api/v1/case-studies/wakefield-diverting-young-people/").json()
    assert body["evidence"]["level"] == 3
    assert body["evidence"]["design"] == "comparison_group"
    assert body["evidence"]["evaluated_by"] == ""
    assert body["evidence"]["quote"].startswith("Re-offending rates stand at 22 per cent")
    assert body["evidence"]["source"]["section"] == "Case studies › Wakefield Council › The impact"
    page = client.get("/case-studies/wakefield-diverting-young-people/").content.decode()
    assert "Level 3 of 5" in page
    assert "compared to 32 per cent for those who do not receive the tailored support" in page
    listed = client.get("/api/v1/interventions/", {"page_size": 500}).json()["results"]
    none_reported = [i for i in listed if i["evidence"]["status"] == "none"]
    assert none_reported
    assert all(
        i["evidence"]["quote"] == "" and i["evidence"]["source"] is None for i in none_reported
    )


def test_the_methodology_page_prints_the_levels_and_counts(client):
    response = client.get("/methodology/")
    assert response.status_code == 200
    page = response.content.decode()
    for level in LEVELS:
        assert f"Level {level.number}: {level.name}" in page
    assert "Maryland Scientific Methods Scale" in page
    rows = response.context["levels"]
    assert sum(count["case_studies"] for _, count in rows) == CaseStudy.objects.published().count()
    assert sum(count["interventions"] for _, count in rows) == Intervention.objects.count()


# --- Cost ------------------------------------------------------------------------------------

GM = "greater-manchester-psychologists-in-complex-safeguarding"


def test_every_cost_quote_is_in_its_seed_document():
    seeds = {path.name: _plain(path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt")}
    quoted = 0
    for document, _, record in _fixture_records():
        for key in ("cost_quote", "cost_benefit_quote"):
            if record.get(key):
                quoted += 1
                assert _plain(record[key]) in seeds[document], record["slug"]
    assert quoted >= 2


def test_cost_benefit_as_the_source_states_it_and_no_invented_cost(client):
    body = client.get(f"/api/v1/case-studies/{GM}/").json()
    assert body["cost"]["benefit_ratio"] == "5.48"
    assert body["cost"]["benefit_quote"].startswith("For every £1 spent, £5.48 was saved")
    # The seeds state no cost per participant: none is made up.
    assert body["cost"]["per_participant"] is None
    assert body["cost"]["band"] == "not_stated"
    assert not CaseStudy.objects.exclude(cost_band="not_stated").exists()
    page = client.get(f"/case-studies/{GM}/").content.decode()
    assert "£5.48 saved for every £1 spent" in page
    listed = client.get("/case-studies/", {"cost_band": "not_stated"})
    assert listed.context["page"].paginator.count == CaseStudy.objects.published().count()
    assert client.get("/api/v1/case-studies/", {"cost_band": "low"}).json()["count"] == 0
    assert client.get("/api/v1/case-studies/", {"cost_band": "cheap"}).status_code == 400


@pytest.mark.parametrize(
    ("cost", "band"),
    [
        (None, "not_stated"),
        ("0", "low"),
        ("499.99", "low"),
        ("500", "moderate"),
        ("2000", "moderate"),
        ("2000.01", "high"),
    ],  # noqa: E501
)
def test_the_cost_band_follows_the_cost_per_participant(client, cost, band):
    Intervention.objects.filter(slug="empower").update(
        cost_per_participant=cost, cost_quote="" if cost is None else "A quoted cost."
    )
    assert Intervention.objects.get(slug="empower").cost_band == band
    listed = client.get("/api/v1/interventions/", {"cost_band": band, "page_size": 500}).json()
    assert "empower" in [row["slug"] for row in listed["results"]]


def _glance_cost(page, title):
    """The cost a list page shows at a glance for the result named ``title``."""
    result = page.split(f">{title}</a>", 1)[1].split("</li>", 1)[0]
    return re.search(r"Cost</dt> <dd[^>]*>(.*?)</dd>", result, re.S).group(1)


def test_each_result_says_what_it_costs_or_that_no_cost_is_stated(client):
    listed = client.get("/case-studies/", {"q": "Greater Manchester psychologists"})
    gm = CaseStudy.objects.get(slug=GM)
    assert _glance_cost(listed.content.decode(), gm.title) == (
        "Cost not stated; £5.48 saved for every £1 spent, as the source states"
    )
    Intervention.objects.filter(slug="empower").update(
        cost_per_participant="900", cost_quote="A quoted cost."
    )
    empower = Intervention.objects.get(slug="empower")
    listed = client.get("/interventions/", {"q": empower.name})
    assert _glance_cost(listed.content.decode(), empower.name) == (
        "£900 per participant (Moderate: £500 to £2,000 per participant)"
    )
    detail = client.get(f"/interventions/{empower.slug}/").content.decode()
    assert "£900 (Moderate: £500 to £2,000 per participant)" in detail


def test_a_cost_needs_its_sentence():
    record = InterventionFactory.build(cost_per_participant="900")
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert "cost_quote" in error.value.message_dict


# --- External ratings -------------------------------------------------------------------------


def test_an_editor_records_an_external_rating_shown_beside_the_portal_s(editor_client, client):
    fft = Intervention.objects.get(slug="functional-family-therapy-families-are-forever")
    url = reverse("admin:casestudies_intervention_change", args=[fft.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("settings", "providers")
    }
    data.update(
        settings=[s.pk for s in fft.settings.all()],
        providers=[p.pk for p in fft.providers.all()],
        source=fft.source_id,
        **{
            "external_ratings-TOTAL_FORMS": "1",
            "external_ratings-INITIAL_FORMS": "0",
            "external_ratings-0-scheme": "eif_guidebook",
            "external_ratings-0-scale": "Evidence level 2 to 4+",
            "external_ratings-0-value": "Test rating 3",
            "external_ratings-0-rated_on": "2026-11-01",
            "external_ratings-0-url": "https://guidebook.example.org/fft",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, [
        formset.formset.errors for formset in response.context["inline_admin_formsets"]
    ]
    body = client.get(f"/api/v1/interventions/{fft.slug}/").json()
    assert body["external_ratings"] == [
        {
            "scheme": "eif_guidebook",
            "scale": "Evidence level 2 to 4+",
            "value": "Test rating 3",
            "rated_on": "2026-11-01",
            "url": "https://guidebook.example.org/fft",
            "note": "",
        }
    ]
    assert body["evidence"]["level"] == 0  # the portal's own level is unchanged
    page = client.get(f"/interventions/{fft.slug}/").content.decode()
    assert "Early Intervention Foundation Guidebook" in page
    assert "Test rating 3" in page
    listed = client.get("/api/v1/interventions/", {"page_size": 500}).json()["results"]
    assert sum(len(row["external_ratings"]) for row in listed) == 1


def test_the_methodology_page_has_the_crosswalk(client):
    page = client.get("/methodology/").content.decode()
    assert 'id="crosswalk-table"' in page
    assert "Youth Endowment Fund Toolkit" in page
    assert "College of Policing Crime Reduction Toolkit" in page


# --- Every named programme is a record ---------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "seed_words"),
    [
        ("glasgow-a-and-e-navigators", "a team of navigators that work in four A&E units"),
        ("street-and-arrow-employment-programme", "12-month contracts with Street and Arrow"),
    ],
)
def test_glasgow_s_programmes_are_records_with_their_source(client, slug, seed_words):
    intervention = Intervention.objects.select_related("source").get(slug=slug)
    seed = _plain((SEEDS / intervention.source.document).read_text(encoding="utf-8"))
    assert seed_words in seed
    assert intervention.source_section == "What is the 'public health' approach?"
    assert intervention.evaluation_status == EvaluationStatus.NONE  # the text reports none
    body = client.get(f"/api/v1/interventions/{slug}/").json()
    assert body["source"]["key"] == "lga-breaking-the-cycle-2019"
