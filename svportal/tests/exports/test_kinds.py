"""What each kind of export holds: the same rows as the API, in each format."""

import csv
import io
import json
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from casestudies.models import CaseStudy
from conftest import require_service
from svportal.exports.selectors import export_kind
from svportal.exports.services import export_job_run, export_path
from svportal.models import ExportJob

pytestmark = pytest.mark.django_db

REDBRIDGE_DRAFT = "redbridge-functional-family-therapy"


def export(owner, kind, format, filters=None):
    job = ExportJob.objects.create(
        owner=owner,
        kind=kind,
        format=format,
        filters=filters or {},
        file_token=secrets.token_urlsafe(16),
    )
    job = export_job_run(job.pk)
    assert job.status == ExportJob.Status.DONE, job.error
    return job, export_path(job)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def api_csv(client, url, params):
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.fixture
def analyst(make_user):
    return make_user("kinds-analyst", role="analyst")


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (ExportJob.Kind.ACTION_ITEMS, "/api/v1/action-items/"),
        (ExportJob.Kind.CASE_STUDIES, "/api/v1/case-studies/"),
        (ExportJob.Kind.AWARDS, "/api/v1/awards/"),
    ],
)
def test_a_lists_export_takes_its_api_lists_filters_search_and_ordering(kind, url):
    listing = resolve(url).func.cls.listing

    assert export_kind(kind).listing is listing
    assert export_kind(kind).parameters() == {
        *listing.filterset_class.base_filters,
        "q",
        "ordering",
    }


def test_the_borough_summary_in_xlsx_has_one_row_per_london_borough(analyst):
    job, path = export(analyst, "borough-summary", "xlsx", {"region": "london"})
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 33 == job.rows_written == job.total_rows
    assert header[:5] == ("borough", "gss_code", "region", "kind", "active_plan")
    assert "items_on_track" in header
    assert "overdue_items" in header
    boroughs = [dict(zip(header, row, strict=True)) for row in body]
    assert [row["borough"] for row in boroughs] == sorted(row["borough"] for row in boroughs)
    assert len({row["gss_code"] for row in boroughs}) == 33
    westminster = next(row for row in boroughs if row["borough"] == "Westminster")
    assert westminster["gss_code"] == "E09000033"
    assert isinstance(westminster["item_count"], int)  # a number a spreadsheet can sum
    assert westminster["item_count"] > 0


def test_the_borough_summary_matches_the_api(client, analyst):
    _, path = export(
        analyst, "borough-summary", "csv", {"region": "london", "kind": "london_borough"}
    )
    assert read_csv(path) == api_csv(
        client, "/api/v1/borough-summary/", {"region": "london", "kind": "london_borough"}
    )


def test_the_borough_summary_in_json_is_the_apis_objects(client, analyst):
    _, path = export(analyst, "borough-summary", "json", {"region": "london"})
    assert (
        json.loads(path.read_text())
        == client.get("/api/v1/borough-summary/", {"region": "london"}).json()
    )


def test_the_stock_take_summary_keeps_the_published_total(analyst):
    _, path = export(analyst, "stock-take-summary", "csv", {"stock_take": "london-councils-2018"})
    rows = read_csv(path)
    [plan] = [
        row
        for row in rows
        if row["question"] == "Does the borough have a specific knife crime action plan?"
        and row["answer"] == "Yes"
    ]
    assert (plan["published_count"], plan["published_denominator"]) == ("22", "33")
    assert plan["denominator"] == "33"


def test_the_stock_take_matrix_matches_the_api(client, analyst):
    _, path = export(analyst, "stock-take-matrix", "csv", {"stock_take": "london-councils-2018"})
    assert read_csv(path) == api_csv(client, "/api/v1/stock-takes/london-councils-2018/matrix/", {})


def test_the_stock_take_matrix_in_xlsx(analyst):
    job, path = export(analyst, "stock-take-matrix", "xlsx", {"stock_take": "london-councils-2018"})
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("borough", "gss_code", "corporate-approach")
    assert len(rows) == 34


@pytest.mark.parametrize(
    "filters",
    [
        {"borough": "westminster"},
        {"borough": "westminster", "overdue": "true"},
        {"q": "knife", "ordering": "-due_date"},
        {},
    ],
)
def test_action_items_match_the_apis_csv(client, analyst, filters):
    job, path = export(analyst, "action-items", "csv", filters)
    rows = read_csv(path)
    assert rows == api_csv(client, "/api/v1/action-items/", filters)
    assert job.rows_written == len(rows)


def test_action_items_in_json_are_the_apis_objects(client, analyst):
    _, path = export(analyst, "action-items", "json", {"borough": "westminster"})
    exported = json.loads(path.read_text())
    listed = client.get("/api/v1/action-items/", {"borough": "westminster", "page_size": 500})
    assert exported == listed.json()["results"]
    assert exported


@pytest.fixture
def redbridge_draft():
    CaseStudy.objects.filter(slug=REDBRIDGE_DRAFT).update(status="draft")
    return REDBRIDGE_DRAFT


@pytest.mark.parametrize(
    ("role", "borough", "sees_draft"),
    [
        ("officer", "redbridge", True),
        ("officer", "westminster", False),
        (None, None, False),
        ("analyst", None, True),
    ],
)
def test_case_studies_include_drafts_only_for_an_owner_allowed_them(
    make_user, redbridge_draft, role, borough, sees_draft
):
    owner = make_user(f"cs-{role}-{borough}", role=role, borough=borough)
    _, path = export(owner, "case-studies", "csv")
    slugs = [row["slug"] for row in read_csv(path)]
    assert (redbridge_draft in slugs) is sees_draft
    assert len(slugs) == len(set(slugs))
    _, path = export(owner, "case-studies", "json", {"status": "draft"})
    assert [row["slug"] for row in json.loads(path.read_text())] == (
        [redbridge_draft] if sees_draft else []
    )


def test_awards_match_the_apis_csv(client, analyst):
    _, path = export(analyst, "awards", "csv", {"funder": "home-office"})
    assert read_csv(path) == api_csv(client, "/api/v1/awards/", {"funder": "home-office"})


@pytest.fixture(scope="module")
def grants_validator():
    standards = Path(settings.SEED_DOCUMENTS_DIR).parent / "standards" / "360giving"
    if not standards.is_dir():
        require_service("The 360Giving schema", f"{standards} is missing")
    package = json.loads((standards / "360-giving-package-schema.json").read_text())
    grant = json.loads((standards / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (grant["$id"], resource),
            (
                "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
                "360-giving-schema.json",
                resource,
            ),
        ]
    )
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_awards_as_360giving_are_a_valid_package_like_the_apis(client, analyst, grants_validator):
    job, path = export(analyst, "awards", "360giving-json")
    package = json.loads(path.read_text())
    errors = sorted(grants_validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    api = client.get("/api/v1/awards/360giving/").json()
    assert package["grants"] == api["grants"]
    assert package["description"] == api["description"]
    assert job.rows_written == len(package["grants"]) == job.total_rows


def test_a_progress_report_saves_each_new_per_cent(analyst, django_assert_num_queries):
    from svportal.exports.services import ProgressReport

    job = ExportJob.objects.create(
        owner=analyst, kind="awards", format="csv", file_token="p", status="running"
    )
    report = ProgressReport(job, total=400)
    with django_assert_num_queries(2):  # 1%, then 50%: not one update per row
        for rows in (1, 2, 3, 4, 5, 6, 200, 201):
            report(rows)
    job.refresh_from_db()
    assert (job.progress, job.rows_written) == (50, 200)
    report(400)
    job.refresh_from_db()
    assert job.progress == 99  # 100 only once the file is in place


def test_action_item_rows_are_the_apis_records_flattened(analyst):
    """The table is read with values_list, not a serializer per row: it must still be the
    API's record, whoever changed the item and whatever it lacks."""
    from actionplans.models import ActionItem
    from actionplans.services import action_item_update
    from core.api.csv import flatten
    from svportal.exports.selectors import export_kind

    editor = analyst.__class__.objects.create_user("rows-editor")
    from boroughs.roles import role_grant

    role_grant(user=editor, role="editor")
    first, second = ActionItem.objects.order_by("pk")[:2]
    action_item_update(
        item=first,
        acting_user=editor,
        expected_version=first.version,
        changes={"title": "Renamed for the export"},
    )
    ActionItem.objects.filter(pk=second.pk).update(source=None, due_date="2020-02-02")

    source = export_kind("action-items").source({}, analyst)
    table = [dict(zip(source.columns, row, strict=True)) for row in source.table()]
    records = [flatten(record) for record in source.records()]
    assert table == [
        {column: record.get(column) for column in source.columns} for record in records
    ]
    assert len(table) == ActionItem.objects.count()
    by_id = {row["id"]: row for row in table}
    assert by_id[first.pk]["last_updated_by"] == "rows-editor"
    assert by_id[second.pk]["source.key"] is None
    assert next(record for record in records if record["id"] == second.pk)["source"] is None
    assert by_id[second.pk]["is_overdue"] is (second.status not in ("complete", "cancelled"))
