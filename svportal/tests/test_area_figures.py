"""Each area's stored figures (casestudies.figures, funding.figures) and each plan's
overdue items (actionplans.figures) stay what counting the records gives, whichever way
the records are written: page forms, API, CSV upload, admin, the loader, the synthetic
data generator, deletion. The borough summary reads them, so a change shows in its
figures at once (docs/decisions/0036)."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from actionplans.figures import overdue_items_on
from actionplans.models import CLOSED_STATUSES, ActionItem, ActionPlan, PlanFigures
from actionplans.tests.test_pages import form_data
from boroughs.models import Borough
from casestudies.figures import in_use_counts
from casestudies.models import BoroughPracticeFigures, CaseStudy, Intervention
from casestudies.plan_items import InUseCounts, practice_counts
from casestudies.tests.api.test_case_study_writes import client_for
from funding.models import Award, BoroughAwardFigures
from svportal.selectors import borough_summaries
from tests.test_change_history import admin_edit

pytestmark = pytest.mark.django_db

BOROUGH_SUMMARY = "/api/v1/borough-summary/"
CASE_STUDIES = "/api/v1/case-studies/"


def counted_practice():
    """Every area's practice figures as counting its case studies and plans now gives."""
    ids = list(Borough.objects.values_list("pk", flat=True))
    case_studies, in_use = practice_counts(ids)
    return {pk: (case_studies.get(pk, 0), in_use.get(pk, InUseCounts())) for pk in ids}


def stored_practice():
    return {
        row.borough_id: (row.published_case_studies, in_use_counts(row))
        for row in BoroughPracticeFigures.objects.all()
    }


def counted_awards():
    """Every area's awards, their stated total, "over" amounts and unstated amounts, as
    adding up the awards one by one gives them."""
    figures = {pk: [0, Decimal("0"), 0, 0] for pk in Borough.objects.values_list("pk", flat=True)}
    for award in Award.objects.prefetch_related("recipient_boroughs"):
        for area in award.recipient_boroughs.all():
            found = figures[area.pk]
            found[0] += 1
            found[1] += award.amount or Decimal("0")
            found[2] += award.amount_is_minimum
            found[3] += award.amount is None
    return {pk: tuple(found) for pk, found in figures.items()}


def stored_awards():
    return {
        row.borough_id: (row.awards, row.total, row.amounts_at_least, row.amounts_not_stated)
        for row in BoroughAwardFigures.objects.all()
    }


def assert_every_figure_current():
    assert stored_practice() == counted_practice()
    assert stored_awards() == counted_awards()
    today = timezone.localdate()
    stored = {figures.plan_id: figures for figures in PlanFigures.objects.all()}
    overdue = {
        plan.pk: sum(
            1
            for item in plan.items.all()
            if item.due_date and item.due_date < today and item.status not in CLOSED_STATUSES
        )
        for plan in ActionPlan.objects.prefetch_related("items")
    }
    assert overdue_items_on(stored, today) == overdue


def row_of(slug):
    summary = Client().get(BOROUGH_SUMMARY).json()
    return next(row for row in summary if row["borough"]["slug"] == slug)


def test_the_real_data_arrives_with_every_area_counted():
    assert set(stored_practice()) == set(Borough.objects.values_list("pk", flat=True))
    assert_every_figure_current()
    westminster = row_of("westminster")
    assert westminster["interventions_in_plan"] > 0
    assert westminster["overdue_items"] == 0  # its items have no due dates


@pytest.mark.parametrize("as_at", [None, "today"])
def test_an_area_without_stored_figures_is_counted_when_the_summary_reads_it(as_at):
    """The summary reads an area's stored figures with the area: one written without
    signals, and so not yet counted, is counted then and its figures stored."""
    params = {"as_at": timezone.localdate().isoformat()} if as_at else {}
    westminster = Borough.objects.get(slug="westminster")

    def westminster_row():
        rows = Client().get(BOROUGH_SUMMARY, params).json()
        return next(row for row in rows if row["borough"]["slug"] == "westminster")

    before = westminster_row()
    BoroughPracticeFigures.objects.filter(pk=westminster.pk).delete()
    BoroughAwardFigures.objects.filter(pk=westminster.pk).delete()
    assert westminster_row() == before
    assert BoroughPracticeFigures.objects.filter(pk=westminster.pk).exists()
    assert BoroughAwardFigures.objects.filter(pk=westminster.pk).exists()


def test_a_case_study_published_through_the_api_is_counted_at_once(
    write_westminster_draft, publish_through_api
):
    officer = client_for("wm-officer", "officer", "westminster")
    editor = client_for("editor", "editor")
    before = row_of("westminster")["case_studies"]
    draft = write_westminster_draft(officer.user)
    draft.interventions.add(
        Intervention.objects.exclude(case_studies__boroughs__slug="westminster").first()
    )
    assert row_of("westminster")["case_studies"] == before  # a draft is not counted
    detail = f"{CASE_STUDIES}{draft.slug}/"
    publish_through_api(draft, officer, editor)
    assert row_of("westminster")["case_studies"] == before + 1
    assert_every_figure_current()
    response = editor.post(f"{detail}unpublish/", content_type="application/json")
    assert response.status_code == HTTPStatus.OK, response.content
    assert row_of("westminster")["case_studies"] == before
    assert_every_figure_current()


def test_a_lead_picking_an_items_interventions_on_its_page_and_api_is_counted_at_once():
    lead = client_for("wm-lead", "lead", "westminster")
    item = ActionItem.objects.get(plan__borough__slug="westminster", slug="wkcap-mash")
    new = Intervention.objects.exclude(plan_items__plan__borough__slug="westminster").first()
    before = row_of("westminster")["interventions_in_plan"]
    response = lead.post(f"/action-items/{item.pk}/interventions/", {"interventions": [new.slug]})
    assert response.status_code == HTTPStatus.FOUND
    assert row_of("westminster")["interventions_in_plan"] == before + 1
    assert_every_figure_current()
    response = lead.put(
        f"/api/v1/action-items/{item.pk}/interventions/",
        {"interventions": []},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert row_of("westminster")["interventions_in_plan"] == before
    assert_every_figure_current()


def test_overdue_items_from_a_csv_upload_and_a_page_edit_are_counted_at_once():
    lead = client_for("wm-lead", "lead", "westminster")
    content = (
        b"theme,title,due_date\ngovernance,First uploaded,2020-01-31\n"
        b"governance,Second uploaded,2020-02-29\n"
    )
    response = lead.post(
        "/boroughs/westminster/action-plan/upload/",
        {"file": SimpleUploadedFile("items.csv", content, "text/csv")},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert row_of("westminster")["overdue_items"] == 2
    assert_every_figure_current()
    item = ActionItem.objects.get(plan__borough__slug="westminster", title="First uploaded")
    response = lead.post(
        f"/action-items/{item.pk}/edit/",
        form_data(item, status="complete", progress=100, due_day=31, due_month=1, due_year=2020),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert row_of("westminster")["overdue_items"] == 1
    assert_every_figure_current()


def test_an_item_falling_due_is_counted_once_its_day_has_passed(django_assert_num_queries):
    """The stored count holds until an open item's due date passes, without a query; then
    the plans concerned are counted again."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    today = timezone.localdate()
    item = plan.items.exclude(status__in=CLOSED_STATUSES).order_by("pk").first()
    item.due_date = today + dt.timedelta(days=2)
    item.save()
    westminster = Borough.objects.filter(slug="westminster")
    assert borough_summaries(westminster, today=today)[0].overdue_items == 0
    stored = {plan.pk: PlanFigures.objects.get(plan=plan)}
    with django_assert_num_queries(0):
        assert overdue_items_on(stored, today + dt.timedelta(days=2)) == {plan.pk: 0}
    later = today + dt.timedelta(days=3)
    assert borough_summaries(westminster, today=later)[0].overdue_items == 1
    item.status = "complete"
    item.save()
    assert borough_summaries(westminster, today=later)[0].overdue_items == 0


def test_admin_edits_and_deletions_of_awards_are_counted_at_once(client):
    admin = get_user_model().objects.create_superuser("admin-editor", "admin@example.org", "x")
    client.force_login(admin)
    award = Award.objects.filter(recipient_boroughs__slug="bristol").order_by("pk").first()
    before = row_of("bristol")
    admin_edit(client, f"/admin/funding/award/{award.pk}/change/", amount="1000000")
    after = row_of("bristol")
    stated = Decimal(before["awards_total"] or 0) - (award.amount or 0) + 1_000_000
    assert Decimal(after["awards_total"]) == stated
    assert_every_figure_current()
    response = client.post(f"/admin/funding/award/{award.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert row_of("bristol")["awards"] == before["awards"] - 1
    assert_every_figure_current()


def test_the_loader_refreshing_the_real_data_is_counted_at_once(run_command):
    award = Award.objects.filter(recipient_boroughs__isnull=False).order_by("pk").first()
    study = CaseStudy.objects.published().filter(boroughs__isnull=False).order_by("pk").first()
    # Writes made behind the portal's back (no signals) are not counted…
    Award.objects.filter(pk=award.pk).update(amount=Decimal("1.00"), amount_is_minimum=False)
    CaseStudy.boroughs.through.objects.filter(casestudy=study).delete()
    assert stored_awards() != counted_awards()
    assert stored_practice() != counted_practice()
    run_command("load_portal_data", "--refresh")
    # …until the loader puts the records back, which is counted at once.
    assert study.boroughs.exists()
    assert_every_figure_current()


def test_generated_synthetic_records_are_counted(run_command):
    run_command("generate_synthetic", "--scale", "0.002")
    assert Award.objects.filter(recipient_boroughs__slug__startswith="synthetic-").exists()
    assert_every_figure_current()


def test_plans_interventions_and_areas_deleted_or_set_aside_are_counted_at_once():
    plan = ActionPlan.objects.get(borough__slug="westminster")
    plan.status = ActionPlan.Status.SUPERSEDED
    plan.save()
    assert row_of("westminster")["interventions_in_plan"] is None  # no active plan
    assert_every_figure_current()
    plan.status = ActionPlan.Status.ACTIVE
    plan.save()
    used = Intervention.objects.filter(plan_items__plan=plan).distinct()
    before = row_of("westminster")["interventions_in_plan"]
    used.first().delete()
    assert row_of("westminster")["interventions_in_plan"] == before - 1
    assert_every_figure_current()
    area = Borough.objects.get(slug="bristol")
    area.awards.all().delete()
    area.delete()
    assert area.pk not in stored_awards()
    assert area.pk not in stored_practice()
    assert_every_figure_current()


def test_a_case_study_deleted_leaves_its_areas_figures_at_once():
    study = CaseStudy.objects.published().filter(boroughs__isnull=False).order_by("pk").first()
    area = study.boroughs.order_by("pk").first()
    before = row_of(area.slug)["case_studies"]
    study.delete()
    assert row_of(area.slug)["case_studies"] == before - 1
    assert_every_figure_current()


def test_the_funding_pages_area_filter_offers_an_area_once_an_award_to_it_is_recorded(client):
    def offered():
        form = client.get("/funding/").context["form"]
        return [slug for slug, _ in form.fields["borough"].choices if slug]

    area = Borough.objects.filter(awards__isnull=True).order_by("name").first()
    assert area.slug not in offered()
    Award.objects.order_by("pk").first().recipient_boroughs.add(area)
    assert area.slug in offered()
    assert set(offered()) == set(
        Borough.objects.filter(awards__isnull=False).values_list("slug", flat=True)
    )
