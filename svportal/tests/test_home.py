import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from actionplans.models import ActionPlan
from casestudies.models import CaseStudy
from funding.models import Award, FundingStream

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_real_figures(client):
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.published_case_studies == 19
    assert figures.boroughs_with_active_plan == 1  # Westminster
    assert figures.awards == Award.objects.count()
    assert figures.total_funding_is_minimum  # "over £700,000" and friends
    page = response.content.decode()
    assert "Published case studies" in page
    assert "at least £" in page
    latest = response.context["latest_case_studies"]
    assert len(latest) == 5
    assert latest[0].title in page


def test_draft_case_studies_are_not_on_the_home_page(client):
    draft = CaseStudy.objects.first()
    CaseStudy.objects.filter(pk=draft.pk).update(status="draft", title="A secret draft")
    response = client.get("/")
    assert response.context["figures"].published_case_studies == 18
    assert "A secret draft" not in response.content.decode()


def test_funding_ending_in_the_next_90_days_is_listed(client):
    today = timezone.localdate()
    soon = Award.objects.order_by("slug").first()
    Award.objects.filter(pk=soon.pk).update(
        starts_on=today - dt.timedelta(days=300), ends_on=today + dt.timedelta(days=30)
    )
    later = Award.objects.order_by("slug").last()
    Award.objects.filter(pk=later.pk).update(ends_on=today + dt.timedelta(days=120))
    response = client.get("/")
    ending = list(response.context["funding_ending_soon"])
    assert soon in ending
    assert later not in ending


def test_the_home_page_lists_the_ten_awards_ending_soonest_and_says_how_many_end(client):
    """At national scale about 500 awards end in any 90 days: the home page lists the ten
    ending soonest and says how many end in all; with fewer than ten, all and no count."""
    add_awards_and_plans(3)
    response = client.get("/")
    assert len(response.context["funding_ending_soon"]) == 3
    assert 'id="ending-soon-count"' not in response.content.decode()
    stream, today = FundingStream.objects.first(), timezone.localdate()
    for n in range(12):
        Award.objects.create(
            stream=stream,
            title=f"Sooner award {n}",
            slug=f"sooner-award-{n}",
            ends_on=today + dt.timedelta(days=1 + n % 3),
        )
    response = client.get("/")
    listed = response.context["funding_ending_soon"]
    assert len(listed) == 10
    ends = [award.ends_on for award in listed]
    assert ends == sorted(ends)
    assert ends[-1] == today + dt.timedelta(days=3)  # the awards ending in 10 days are not
    assert "15 recorded awards end in the next 90 days; the 10 ending soonest are listed here." in (
        response.content.decode()
    )


def add_awards_and_plans(count):
    stream = FundingStream.objects.first()
    today = timezone.localdate()
    for n in range(count):
        Award.objects.create(
            stream=stream,
            title=f"Test award {n}",
            slug=f"test-award-{n}",
            amount=Decimal("1000"),
            ends_on=today + dt.timedelta(days=10),
        )
    plan = ActionPlan.objects.first()
    for n in range(count):
        ActionPlan.objects.create(
            title=f"Plan {n}",
            slug=f"plan-{n}",
            borough=plan.borough,
            framework=plan.framework,
            status="active",
        )


@pytest.mark.parametrize("extra", [2, 20])
def test_home_page_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 boroughs with an active plan, 1 published case studies, 1 award figures,
    1 latest case studies, 1 their boroughs,
    1 awards ending soon (the ten soonest), 1 how many end soon (when ten or more do),
    1 their recipient boroughs, 1 the latest stock-take's published
    total of boroughs with a plan.
    4 for the two maps (England's areas, boundary source, active plans, stock-take answers
    on having a plan; London's areas are England's)."""
    add_awards_and_plans(extra)
    with django_assert_num_queries(12 if extra < 10 else 13):
        client.get("/")
