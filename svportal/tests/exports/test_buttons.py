"""Every analyst page offers an export that carries the page's filters."""

import pytest
from django.contrib.auth import get_user_model

from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client):
    analyst = get_user_model().objects.create_user("analyst-buttons")
    role_grant(user=analyst, role="analyst")
    client.force_login(analyst)
    return client


@pytest.mark.parametrize(
    ("path", "kind", "filters"),
    [
        ("/boroughs/?region=london&sort=name", "borough-summary", "region=london&amp;sort=name"),
        (
            "/stock-takes/london-councils-2018/",
            "stock-take-summary",
            "stock_take=london-councils-2018",
        ),
        (
            "/stock-takes/london-councils-2018/",
            "stock-take-matrix",
            "stock_take=london-councils-2018",
        ),
        (
            "/funding/?stream=trusted-relationships-fund",
            "awards",
            "stream=trusted-relationships-fund",
        ),
        (
            "/boroughs/westminster/action-plan/",
            "action-items",
            "plan=westminster-knife-crime-action-plan-2019",
        ),
    ],
)
def test_the_export_button_carries_the_kind_and_filters(analyst_client, path, kind, filters):
    page = analyst_client.get(path).content.decode()
    assert f'name="kind" value="{kind}"' in page
    assert f'name="filters" value="{filters}"' in page


def test_signed_out_visitors_are_offered_sign_in_instead(client):
    page = client.get("/boroughs/").content.decode()
    assert 'action="/exports/new/"' not in page
    assert "to export the borough summary as a spreadsheet" in page


def test_an_export_from_the_borough_table_holds_its_rows(
    analyst_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            "/exports/new/",
            {"kind": "borough-summary", "format": "csv", "filters": "region=london&sort=name"},
            follow=True,
        )
    assert response.status_code == 200
    from svportal.models import ExportJob

    job = ExportJob.objects.get(owner__username="analyst-buttons")
    assert job.status == "done"
    assert job.filters == {"region": "london"}
