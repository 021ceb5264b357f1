"""/api/v1/frameworks/: filters, themes in order, errors and CSV, on the real data."""

from http import HTTPStatus

import pytest

from actionplans.models import Framework, Theme
from core.tests.api_support import assert_invalid, assert_not_found, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/frameworks/"
MOPAC = "mopac-knife-crime-strategy-2017"
CURTAIL = "curtail-treat-support-strengthen"
PPPP = "prevent-protect-prepare-pursue"
SVS = "serious-violence-strategy-2018"
BY_NAME = [CURTAIL, MOPAC, PPPP, SVS]
MOPAC_THEMES = [
    "Governance",
    "Targeting lawbreakers",
    "Keeping weapons off our streets",
    "Protecting and educating young people",
    "Standing with communities, neighbourhoods and families against knife crime",
    "Supporting victims of knife crime and offering ways out of crime",
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"owner": "waltham-forest"}, [CURTAIL]),
        ({"owner": "westminster"}, []),  # a real borough without a framework of its own
        ({"q": "knife"}, [MOPAC, SVS]),
        ({"q": "Curtail"}, [CURTAIL]),
        ({"q": "unicorn"}, []),
    ],
)
def test_filters_and_search(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_paging(client):
    first = client.get(URL, {"page_size": "3"}).json()
    assert first["count"] == 4
    assert [row["slug"] for row in first["results"]] == BY_NAME[:3]
    assert "page=2" in first["next"]
    assert slugs(client.get(URL, {"page_size": "3", "page": "2"})) == BY_NAME[3:]
    assert_not_found(client.get(URL, {"page_size": "3", "page": "3"}))
    assert_invalid(client.get(URL, {"page_size": "-1"}), "page_size")


def test_detail_lists_the_themes_in_order(client):
    response = client.get(f"{URL}{MOPAC}/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["name"] == "MOPAC Anti-Knife Crime Strategy"
    assert body["owner"] is None
    assert [theme["name"] for theme in body["themes"]] == MOPAC_THEMES
    assert [theme["order"] for theme in body["themes"]] == [1, 2, 3, 4, 5, 6]
    assert body["themes"][0]["slug"] == "governance"
    assert body["source"]["key"] == "westminster-knife-crime-scrutiny-2019"


def test_themes_follow_their_order_not_their_age(client):
    for theme in Theme.objects.filter(framework__slug=MOPAC):
        Theme.objects.filter(pk=theme.pk).update(order=10 - theme.order)
    names = [theme["name"] for theme in client.get(f"{URL}{MOPAC}/").json()["themes"]]
    assert names == MOPAC_THEMES[::-1]


def test_detail_names_the_owner(client):
    body = client.get(f"{URL}{CURTAIL}/").json()
    assert body["owner"] == {
        "slug": "waltham-forest",
        "name": "Waltham Forest",
        "gss_code": "E09000031",
    }
    assert [theme["name"] for theme in body["themes"]] == [
        "Curtail",
        "Treat",
        "Support",
        "Strengthen",
    ]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"owner": "atlantis"}, "owner"),
        ({"ordering": "owner"}, "ordering"),
        ({"borough": "westminster"}, "borough"),  # frameworks are filtered by owner
    ],
)
def test_unknown_values_and_parameters_are_a_400_naming_the_parameter(client, params, parameter):
    assert_invalid(client.get(URL, params), parameter)


def test_detail_refuses_unknown_parameters(client):
    assert_invalid(client.get(f"{URL}{MOPAC}/", {"owner": "westminster"}), "owner")


# --- CSV ---------------------------------------------------------------------------------


def test_csv_lists_every_framework_with_its_themes(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "page_size": "1"}))
    assert [row["slug"] for row in rows] == BY_NAME
    assert {"slug", "name", "themes", "owner.slug"} <= set(rows[0])
    assert rows[0]["owner.slug"] == "waltham-forest"
    mopac = rows[1]
    assert mopac["themes"] == "; ".join(MOPAC_THEMES)


def test_csv_honours_the_filters(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "owner": "waltham-forest"}))
    assert [row["slug"] for row in rows] == [CURTAIL]
    rows = csv_rows(client.get(URL, {"format": "csv", "q": "knife"}))
    assert [row["slug"] for row in rows] == [MOPAC, SVS]


def test_csv_keeps_the_owner_whatever_comes_first(client):
    """The columns come from the serializer, not from whichever row happens to be first."""
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "-name"}))
    assert [row["slug"] for row in rows] == BY_NAME[::-1]
    assert rows[-1].get("owner.slug") == "waltham-forest"


def test_csv_neutralises_formulas(client):
    Framework.objects.filter(slug=MOPAC).update(name="@SUM(A1)", description="+1")
    row = next(row for row in csv_rows(client.get(URL, {"format": "csv"})) if row["slug"] == MOPAC)
    assert row["name"] == "'@SUM(A1)"
    assert row["description"] == "'+1"
