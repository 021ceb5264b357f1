"""load_portal_data: all or nothing, idempotent, and precise about what is wrong."""

import json
import shutil

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from actionplans.models import ActionItem
from boroughs.models import Borough
from casestudies.models import CaseStudy
from svportal.portal_data import FixtureError, load_portal_data

pytestmark = pytest.mark.django_db

MODELS_TO_WATCH = (Borough, CaseStudy, ActionItem)


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "modified_at"))
        for model in MODELS_TO_WATCH
    }


@pytest.fixture
def fixtures_copy(tmp_path):
    """A copy of the real fixtures that a test may break."""
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.PORTAL_FIXTURES_DIR, directory)
    return directory


def edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_loading_again_changes_nothing(run_command):
    before = snapshot()
    output = run_command("load_portal_data")
    assert "already loaded: nothing changed" in output
    assert snapshot() == before


def test_refreshing_unchanged_fixtures_changes_nothing():
    before = snapshot()
    report = load_portal_data(settings.PORTAL_FIXTURES_DIR, refresh=True)
    assert report.changed == 0
    assert snapshot() == before


def test_loading_keeps_changes_made_in_the_portal():
    item = ActionItem.objects.filter(status="on_track").first()
    ActionItem.objects.filter(pk=item.pk).update(status="at_risk")
    load_portal_data(settings.PORTAL_FIXTURES_DIR)
    item.refresh_from_db()
    assert item.status == "at_risk"


def test_refresh_brings_a_changed_record_back_in_line():
    ActionItem.objects.filter(status="on_track").update(title="Changed in the portal")
    report = load_portal_data(settings.PORTAL_FIXTURES_DIR, refresh=True)
    assert report.updated[ActionItem] > 0
    assert not ActionItem.objects.filter(title="Changed in the portal").exists()


def test_a_new_record_in_a_fixture_is_added(fixtures_copy):
    def add_area(document):
        document["areas"].append(
            {
                "slug": "testshire",
                "name": "Testshire",
                "gss_code": "E10999999",
                "kind": "county",
                "region": "south_east",
                "police_force": "Testshire Police",
                "section": "Test",
            }
        )

    edit(fixtures_copy / "areas.json", add_area)
    report = load_portal_data(fixtures_copy)
    assert report.created == {Borough: 1}
    assert Borough.objects.get(slug="testshire").source.key == "ons-local-authority-codes"


def test_a_malformed_record_names_file_and_record_and_loads_nothing(fixtures_copy, run_command):
    def add_good_then_bad(document):
        document["areas"] += [
            {
                "slug": "goodshire",
                "name": "Goodshire",
                "gss_code": "E10999998",
                "kind": "county",
                "region": "south_east",
                "police_force": "",
                "section": "Test",
            },
            {
                "slug": "badshire",
                "name": "Badshire",
                "gss_code": "E1099",
                "kind": "county",
                "region": "south_east",
                "police_force": "",
                "section": "Test",
            },
        ]

    areas_before = len(json.loads((fixtures_copy / "areas.json").read_text())["areas"])
    edit(fixtures_copy / "areas.json", add_good_then_bad)
    with pytest.raises(CommandError) as error:
        run_command("load_portal_data", fixtures_dir=str(fixtures_copy))
    message = str(error.value)
    bad_index = areas_before + 1
    assert message.startswith(
        f'Nothing was loaded. areas.json: areas[{bad_index}] "badshire": gss_code:'
    )
    assert "like E09000033" in message
    assert not Borough.objects.filter(slug__in=["goodshire", "badshire"]).exists()


def test_a_reference_to_a_missing_record_is_named(fixtures_copy):
    def point_at_nowhere(document):
        document["case_studies"][0]["boroughs"] = ["atlantis"]

    path = fixtures_copy / "lga_public_health_2020.json"
    edit(path, point_at_nowhere)
    with pytest.raises(FixtureError) as error:
        load_portal_data(fixtures_copy, refresh=True)
    assert error.value.path == path
    assert '"boroughs": no borough "atlantis"' in error.value.message


def test_an_invalid_item_names_its_plan_and_item(fixtures_copy):
    def bad_progress(document):
        document["action_plans"][0]["items"][2]["progress"] = 150

    edit(fixtures_copy / "westminster_scrutiny_2019.json", bad_progress)
    with pytest.raises(FixtureError) as error:
        load_portal_data(fixtures_copy, refresh=True)
    assert 'action_plans[0] "westminster-knife-crime-action-plan-2019"' in error.value.place
    assert "items[2]" in error.value.message
    assert "progress" in error.value.message


def test_a_file_that_is_not_json_is_named(fixtures_copy):
    (fixtures_copy / "broken.json").write_text('{"source": ')
    with pytest.raises(FixtureError) as error:
        load_portal_data(fixtures_copy)
    assert str(error.value).startswith("broken.json: is not valid JSON")


def test_an_unknown_field_is_refused(fixtures_copy):
    def typo(document):
        document["areas"][0]["gss"] = "E09000001"

    edit(fixtures_copy / "areas.json", typo)
    with pytest.raises(FixtureError) as error:
        load_portal_data(fixtures_copy)
    assert error.value.message == "unknown field(s): gss"


def test_a_record_declared_twice_is_refused(fixtures_copy):
    def duplicate(document):
        document["areas"].append(dict(document["areas"][0]))

    edit(fixtures_copy / "areas.json", duplicate)
    with pytest.raises(FixtureError) as error:
        load_portal_data(fixtures_copy)
    assert "already declared in areas.json" in error.value.message
