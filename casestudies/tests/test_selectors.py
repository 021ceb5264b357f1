"""Search, facets and related case studies (casestudies.selectors), on factory-built data."""

import pytest
from django.contrib.auth.models import AnonymousUser

from boroughs.tests.factories import BoroughFactory
from casestudies.models import CaseStudy
from casestudies.selectors import (
    SEARCH_MAX_WORDS,
    CaseStudyCriteria,
    Choice,
    InterventionCriteria,
    case_study_search,
    case_study_summary_links,
    intervention_search,
    intervention_uses,
    related_case_studies,
    search_words,
)
from casestudies.tests.factories import (
    ApproachFactory,
    CaseStudyFactory,
    InterventionFactory,
    SettingFactory,
)
from funding.tests.factories import AwardFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def choice(record):
    return Choice(record.slug, record.name)


def search(**criteria):
    return case_study_search(user=ANONYMOUS, criteria=CaseStudyCriteria(**criteria))


def facet_counts(result, name):
    facets = {facet.name: facet for facet in [*result.facets, result.age_facet]}
    return {option.value: option.count for option in facets[name].options}


@pytest.fixture
def two_boroughs():
    """Four case studies: two in Quillham (one public health), two in Zedbury."""
    quillham = BoroughFactory(name="Quillham", slug="quillham")
    zedbury = BoroughFactory(name="Zedbury", slug="zedbury")
    public_health = ApproachFactory(name="Test public health", slug="test-public-health")
    CaseStudyFactory(title="Quillham one", boroughs=[quillham], approaches=[public_health])
    CaseStudyFactory(title="Quillham two", boroughs=[quillham], approaches=[])
    CaseStudyFactory(title="Zedbury one", boroughs=[zedbury], approaches=[public_health])
    CaseStudyFactory(title="Zedbury two", boroughs=[zedbury], approaches=[], status="draft")
    return quillham, zedbury, public_health


def test_search_words_are_split_on_spaces_and_capped():
    assert search_words("  family   therapy ") == ["family", "therapy"]
    assert len(search_words(" ".join(f"w{n}" for n in range(50)))) == SEARCH_MAX_WORDS


def test_a_facet_counts_with_the_other_facets_but_not_its_own(two_boroughs):
    quillham, zedbury, public_health = two_boroughs
    result = search(boroughs=(choice(quillham),), approaches=(choice(public_health),))
    assert [case_study.title for case_study in result.results] == ["Quillham one"]
    # Borough counts apply the approach filter only: one public-health study in each.
    boroughs = facet_counts(result, "borough")
    assert boroughs["quillham"] == 1
    assert boroughs["zedbury"] == 1
    # Approach counts apply the borough filter only (the draft is not counted).
    assert facet_counts(result, "approach")["test-public-health"] == 1


def test_counts_ignore_drafts_for_the_public(two_boroughs):
    assert facet_counts(search(q="Zedbury"), "borough") == {"zedbury": 1}


def test_a_selected_value_nothing_matches_stays_on_the_list_with_zero(two_boroughs):
    quillham, _, _ = two_boroughs
    result = search(q="Zedbury", boroughs=(choice(quillham),))
    options = {option.value: option for option in result.facets[0].options}
    assert options["quillham"].count == 0
    assert options["quillham"].selected


def test_search_is_case_insensitive_and_every_word_must_match(two_boroughs):
    assert {c.title for c in search(q="QUILLHAM").results} == {"Quillham one", "Quillham two"}
    assert {c.title for c in search(q="quillham one").results} == {"Quillham one"}
    assert list(search(q="quillham zedbury").results) == []


def test_search_wildcards_are_taken_literally(two_boroughs):
    assert list(search(q="%").results) == []
    assert list(search(q="_").results) == []


def test_results_have_no_duplicates_whatever_the_joins():
    boroughs = BoroughFactory.create_batch(3, name="Dupton")
    case_study = CaseStudyFactory(boroughs=boroughs, title="Dupton study")
    result = search(q="Dupton", boroughs=tuple(choice(b) for b in boroughs))
    assert list(result.results) == [case_study]
    assert facet_counts(result, "year") == {"2019": 1}


def test_the_age_facet_counts_open_ranges_as_the_api_does():
    """With unstated ages included (the default) a case study that states none counts at
    every age; left out, only the ranges that include the age count."""
    CaseStudyFactory(title="Agetest under", min_age=None, max_age=12)
    CaseStudyFactory(title="Agetest teens", min_age=13, max_age=17)
    CaseStudyFactory(title="Agetest unknown", min_age=None, max_age=None)
    ages = facet_counts(search(q="Agetest"), "age")
    assert (ages["5"], ages["12"], ages["13"], ages["18"]) == (2, 2, 2, 1)
    assert {c.title for c in search(q="Agetest", age=12).results} == {
        "Agetest under",
        "Agetest unknown",
    }
    stated = search(q="Agetest", age=12, include_unstated_ages=False)
    assert stated.unstated_ages == 0
    assert {c.title for c in stated.results} == {"Agetest under"}
    ages = facet_counts(stated, "age")
    assert (ages["5"], ages["12"], ages["13"]) == (1, 1, 1)
    assert "18" not in ages  # no case study that states its ages includes 18
    assert search(q="Agetest", age=12).unstated_ages == 1


def test_newest_sorts_undated_case_studies_last():
    CaseStudyFactory(title="Sorttest undated", year=None)
    CaseStudyFactory(title="Sorttest old", year=2001)
    CaseStudyFactory(title="Sorttest new", year=2021)
    titles = [c.title for c in search(q="Sorttest", sort="newest").results]
    assert titles == ["Sorttest new", "Sorttest old", "Sorttest undated"]


def test_related_ranks_by_how_much_is_shared_and_leaves_out_itself():
    approach, intervention = ApproachFactory(), InterventionFactory()
    case_study = CaseStudyFactory(approaches=[approach], interventions=[intervention])
    both = CaseStudyFactory(approaches=[approach], interventions=[intervention])
    one = CaseStudyFactory(approaches=[approach], interventions=[])
    draft = CaseStudyFactory(approaches=[approach], interventions=[intervention], status="draft")
    related = list(related_case_studies(case_study, user=ANONYMOUS))
    assert related == [both, one]
    assert draft not in related
    assert case_study not in related


def test_related_are_the_three_sharing_most_newest_first_among_equals():
    """Ten case studies share one approach; two share the approach and a borough, one of
    them a draft. The three shown: the published one sharing two, then the newest two of
    those sharing one (undated last, then by title)."""
    approach, borough = ApproachFactory(), BoroughFactory()
    case_study = CaseStudyFactory(approaches=[approach], boroughs=[borough])
    two = CaseStudyFactory(approaches=[approach], boroughs=[borough], year=2001)
    CaseStudyFactory(approaches=[approach], boroughs=[borough], year=2022, status="draft")
    for year in range(2010, 2018):
        CaseStudyFactory(approaches=[approach], boroughs=[], year=year, title=f"Rel {year}")
    newest = CaseStudyFactory(approaches=[approach], boroughs=[], year=2018, title="Rel b")
    also_newest = CaseStudyFactory(approaches=[approach], boroughs=[], year=2018, title="Rel a")
    CaseStudyFactory(approaches=[approach], boroughs=[], year=None, title="Rel undated")
    related = list(related_case_studies(case_study, user=ANONYMOUS))
    assert related == [two, also_newest, newest]


def test_intervention_facets_and_search():
    school = SettingFactory(name="Test school", slug="test-school")
    InterventionFactory(name="Ivtest mentoring", category="mentoring", settings=[school])
    InterventionFactory(name="Ivtest therapy", category="therapeutic", settings=[school])
    InterventionFactory(name="Ivtest talks", category="education", prevention_level="universal")
    result = intervention_search(
        criteria=InterventionCriteria(q="ivtest", settings=(Choice("test-school", "Test school"),))
    )
    assert {i.name for i in result.results} == {"Ivtest mentoring", "Ivtest therapy"}
    facets = {facet.name: facet for facet in result.facets}
    categories = {option.value: option.count for option in facets["category"].options}
    assert categories == {"mentoring": 1, "therapeutic": 1}
    settings = {option.value: option.count for option in facets["setting"].options}
    assert settings == {"test-school": 2}


def test_an_intervention_shows_the_funding_of_the_case_studies_using_it_once():
    intervention = InterventionFactory()
    award = AwardFactory()
    hidden_award = AwardFactory()
    for _ in range(2):
        CaseStudyFactory(interventions=[intervention]).awards.add(award)
    CaseStudyFactory(interventions=[intervention], status="draft").awards.add(hidden_award)
    case_studies, awards = intervention_uses(intervention, user=ANONYMOUS)
    assert len(case_studies) == 2
    assert list(awards) == [award]
    assert all(cs.status == CaseStudy.Status.PUBLISHED for cs in case_studies)


def test_summary_links_list_each_kind_by_name_for_each_case_study(django_assert_num_queries):
    boroughs = [BoroughFactory(name=name) for name in ("Sutton", "Barnet", "Camden")]
    approaches = [ApproachFactory(name=name) for name in ("Whole family", "Mentoring")]
    settings = [SettingFactory(name=name) for name in ("School", "Home")]
    interventions = [InterventionFactory(name=name) for name in ("Zeta", "Alpha")]
    first = CaseStudyFactory(
        boroughs=boroughs, approaches=approaches, settings=settings, interventions=interventions
    )
    second = CaseStudyFactory(boroughs=boroughs[:1], approaches=[], interventions=[])

    with django_assert_num_queries(3):
        links = case_study_summary_links(
            [first.pk, second.pk], outcome_fields=["metric"], rating_fields=["scheme"]
        )

    assert [borough["name"] for borough in links.boroughs[first.pk]] == [
        "Barnet",
        "Camden",
        "Sutton",
    ]
    assert links.boroughs[first.pk][0] == {
        "slug": boroughs[1].slug,
        "name": "Barnet",
        "gss_code": boroughs[1].gss_code,
    }
    assert links.approaches[first.pk] == [approaches[1].slug, approaches[0].slug]
    assert links.settings[first.pk] == [settings[1].slug, settings[0].slug]
    assert links.interventions[first.pk] == [
        {"intervention_id": interventions[1].pk, "slug": interventions[1].slug, "name": "Alpha"},
        {"intervention_id": interventions[0].pk, "slug": interventions[0].slug, "name": "Zeta"},
    ]
    assert [borough["name"] for borough in links.boroughs[second.pk]] == ["Sutton"]
    assert second.pk not in links.approaches
    assert second.pk not in links.interventions


def test_summary_links_of_no_case_studies_read_no_links(django_assert_num_queries):
    with django_assert_num_queries(0):
        links = case_study_summary_links([], outcome_fields=["metric"], rating_fields=["scheme"])

    assert links.boroughs == {}
    assert links.interventions == {}
    assert links.headline_outcomes == {}
