"""The exports pages: the list with progress, the start form, the export button, downloads."""

import re
import secrets
from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from svportal.exports.services import export_job_run
from svportal.models import ExportJob

pytestmark = pytest.mark.django_db


def job_for(owner, **fields):
    values = {"kind": "borough-summary", "format": "csv", "filters": {"region": "london"}}
    values.update(fields)
    return ExportJob.objects.create(owner=owner, file_token=secrets.token_urlsafe(16), **values)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_signed_out_visitors_are_asked_to_sign_in(client):
    response = client.get("/exports/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/exports/")


def test_with_no_exports_the_page_says_so_and_offers_the_form(signed_in):
    client, _ = signed_in("new-analyst", role="analyst")
    response = client.get("/exports/")
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert "You have not started any exports" in page
    assert '<form method="post" action="/exports/new/"' in page
    assert "Files are kept for 24 hours." in page
    assert "js/exports.js" not in page  # nothing to follow


def test_a_running_export_has_an_accessible_progress_bar_and_a_text_percentage(signed_in):
    client, user = signed_in("progress-analyst", role="analyst")
    job = job_for(user, status="running", progress=40)
    page = text(client.get("/exports/"))
    assert f'id="export-{job.pk}"' in page
    assert f'data-export-url="/api/v1/exports/{job.pk}/"' in page
    assert 'data-export-status="running"' in page
    assert (
        f'<progress class="portal-progress__bar" max="100" value="40" '
        f'aria-labelledby="export-{job.pk}-label">40%</progress>'
    ) in page
    assert "data-export-percent>40%</span>" in page
    assert "Running</strong>" in page
    assert "Refresh the page</a> to see progress" in page  # without JavaScript
    assert 'src="/static/js/exports.js"' in page
    assert 'type="module"' in page


def test_finished_failed_and_expired_exports_say_so(signed_in):
    client, user = signed_in("states-analyst", role="analyst")
    done = export_job_run(job_for(user).pk)
    job_for(user, status="failed", error="ValueError: The database went away")
    job_for(user, kind="awards", status="expired")
    page = text(client.get("/exports/"))
    assert f'href="/exports/{done.pk}/download/"' in page
    assert "33 rows" in page
    assert "The export failed: ValueError: The database went away." in page
    assert "Expired: the file has been deleted." in page
    assert "<progress" not in page


def test_the_list_shows_only_my_exports(signed_in, make_user):
    theirs = job_for(make_user("someone-else"))
    client, user = signed_in("mine-analyst", role="analyst")
    mine = job_for(user)
    page = text(client.get("/exports/"))
    assert f"export-{mine.pk}" in page
    assert f"export-{theirs.pk}" not in page


@pytest.mark.parametrize("extra", [1, 15])
def test_the_list_page_queries_do_not_grow(signed_in, django_assert_num_queries, extra):
    """1 user, 1 exports, 1 stock-takes for the form's choices; and the base page's
    none (the session is read from the cache)."""
    client, user = signed_in("counting-analyst", role="analyst")
    for _ in range(extra):
        job_for(user, status="running", progress=10)
    with django_assert_num_queries(3):
        assert client.get("/exports/").status_code == HTTPStatus.OK


# --- Starting an export from a page ------------------------------------------------------


def start(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/exports/new/", data)


def test_starting_an_export_from_the_form(signed_in, django_capture_on_commit_callbacks):
    client, user = signed_in("form-analyst", role="analyst")
    response = start(
        client,
        django_capture_on_commit_callbacks,
        kind="action-items",
        format="xlsx",
        filters="borough=westminster&overdue=false",
    )
    job = ExportJob.objects.get(owner=user)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/exports/#export-{job.pk}"
    assert job.filters == {"borough": "westminster", "overdue": "false"}
    assert (job.kind, job.format, job.status) == ("action-items", "xlsx", "done")
    page = text(client.get("/exports/"))
    assert "Your action items export has started." in page  # the message, then its status
    assert f'href="/exports/{job.pk}/download/"' in page


def test_the_stock_take_round_is_chosen_from_a_list(signed_in, django_capture_on_commit_callbacks):
    client, user = signed_in("round-analyst", role="analyst")
    start(
        client,
        django_capture_on_commit_callbacks,
        kind="stock-take-summary",
        format="csv",
        stock_take="london-councils-2018",
    )
    assert ExportJob.objects.get(owner=user).filters == {"stock_take": "london-councils-2018"}


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        (
            {"kind": "borough-summary", "format": "csv", "filters": "regoin=london"},
            "id_filters",
            "Filter “regoin”: Unknown filter for borough summary exports. Filters: kind, region",
        ),
        (
            {"kind": "action-items", "format": "csv", "filters": "borough=gotham"},
            "id_filters",
            "Filter “borough”: There is no borough “gotham”",
        ),
        ({"format": "csv"}, "id_kind", "Select what to export"),
        ({"kind": "awards"}, "id_format", "Select a file format"),
        (
            {"kind": "borough-summary", "format": "360giving-json"},
            "id_format",
            "Borough summary cannot be exported as 360giving-json",
        ),
        ({"kind": "stock-take-matrix", "format": "csv"}, "id_stock_take", "Choose a stock-take"),
    ],
)
def test_a_problem_is_shown_as_a_govuk_error(signed_in, data, anchor, message):
    client, _ = signed_in("error-analyst", role="analyst")
    response = client.post("/exports/new/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = text(response)
    assert "<title>Error: Exports – SV Portal</title>" in page
    assert "There is a problem" in page
    assert f'<a href="#{anchor}">{message}' in page
    assert 'class="govuk-error-message"' in page
    assert not ExportJob.objects.exists()


def test_a_page_cannot_be_exported_with_get(signed_in):
    client, _ = signed_in("get-analyst", role="analyst")
    assert client.get("/exports/new/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- The export button other pages include -------------------------------------------------


def render_button(user, **context):
    request = RequestFactory().get("/boroughs/", {"region": "london", "sort": "-complete"})
    request.user = user
    return re.sub(
        r"\s+",
        " ",
        render_to_string(
            "exports/_export_button.html",
            {"filters": request.GET.urlencode(), **context},
            request=request,
        ),
    )


def test_the_export_button_carries_kind_format_and_the_pages_filters(make_user):
    html = render_button(make_user("button-analyst", role="analyst"), kind="borough-summary")
    assert '<form method="post" action="/exports/new/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="kind" value="borough-summary">' in html
    assert '<input type="hidden" name="filters" value="region=london&amp;sort=-complete">' in html
    for format_, label in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON")):
        assert f'name="format" value="{format_}"' in html
        assert f"Export as {label}" in html


def test_the_export_button_may_offer_one_format(make_user):
    html = render_button(
        make_user("one-format"), kind="awards", format="360giving-json", label="the awards"
    )
    assert 'name="format" value="360giving-json"' in html
    assert "Export as 360Giving JSON" in html
    assert 'value="csv"' not in html


def test_signed_out_visitors_see_a_sign_in_link_instead_of_the_button():
    from django.contrib.auth.models import AnonymousUser

    html = render_button(AnonymousUser(), kind="borough-summary")
    assert "<form" not in html
    assert 'href="/accounts/login/?next=/boroughs/%3Fregion%3Dlondon' in html


def test_the_buttons_post_exports_what_the_page_shows_without_its_sort_or_page(
    signed_in, django_capture_on_commit_callbacks
):
    client, user = signed_in("button-post-analyst", role="analyst")
    response = start(
        client,
        django_capture_on_commit_callbacks,
        kind="borough-summary",
        format="csv",
        filters="region=london&sort=-complete&page=2",
    )
    assert response.status_code == HTTPStatus.FOUND
    job = ExportJob.objects.get(owner=user)
    assert job.filters == {"region": "london"}
    assert (job.status, job.rows_written) == ("done", 33)


# --- Downloading from the page -------------------------------------------------------------


@pytest.fixture
def leads_export(make_user):
    owner = make_user("page-owner", role="lead", borough="westminster")
    return export_job_run(
        job_for(owner, kind="action-items", filters={"borough": "westminster"}).pk
    )


@pytest.mark.parametrize("who", ["owner", "analyst", "editor"])
def test_the_owner_analysts_and_editors_download_from_the_page(leads_export, make_user, who):
    client = Client()
    user = leads_export.owner if who == "owner" else make_user(f"page-{who}", role=who)
    client.force_login(user)
    response = client.get(f"/exports/{leads_export.pk}/download/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith(
        'attachment; filename="svportal-action-items-'
    )
    assert b"".join(response.streaming_content).startswith(b"id,slug,plan.slug")


def test_anyone_else_gets_page_not_found(leads_export, make_user):
    client = Client()
    client.force_login(make_user("page-stranger", role="officer", borough="westminster"))
    response = client.get(f"/exports/{leads_export.pk}/download/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in text(response)


def test_an_expired_export_is_410_with_a_way_on(leads_export):
    ExportJob.objects.filter(pk=leads_export.pk).update(status="expired")
    client = Client()
    client.force_login(leads_export.owner)
    response = client.get(f"/exports/{leads_export.pk}/download/")
    assert response.status_code == HTTPStatus.GONE
    page = text(response)
    assert "This export has expired" in page
    assert 'href="/exports/"' in page


def test_a_running_export_is_not_ready(signed_in):
    client, user = signed_in("page-waiting")
    job = job_for(user, status="running", progress=5)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert "This export is not ready yet" in text(response)


def test_with_the_task_queue_down_the_form_says_to_try_again_and_saves_nothing(
    signed_in, broker_down
):
    client, user = signed_in("outage-officer")
    response = client.post("/exports/new/", {"kind": "awards", "format": "csv"})
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Exports cannot be started at the moment. Nothing has been saved" in page
    assert not ExportJob.objects.filter(owner=user).exists()
