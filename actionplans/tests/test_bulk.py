import pytest
from django.contrib.auth import get_user_model

from actionplans.bulk import BulkUploadError, action_items_upload, template_csv
from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Borough
from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db

HEADER = "theme,title,description,lead_agency,partners,due_date,status,progress,note\n"


@pytest.fixture
def plan():
    return ActionPlan.objects.get(borough__slug="westminster")


@pytest.fixture
def lead():
    user = get_user_model().objects.create_user("wm-lead")
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    return user


def upload(plan, lead, text):
    return action_items_upload(plan=plan, acting_user=lead, uploaded_bytes=text.encode("utf-8"))


def test_every_row_loads(plan, lead):
    items = upload(
        plan,
        lead,
        HEADER
        + "governance,Agree the data-sharing protocol,,Community Safety,,2027-03-31,on_track,20,\n"
        + "Targeting lawbreakers,Weekly robbery patrols,,Metropolitan Police,,31/01/2027,"
        "At risk,10,Officers redeployed\n",
    )
    assert [item.title for item in items] == [
        "Agree the data-sharing protocol",
        "Weekly robbery patrols",
    ]
    patrols = ActionItem.objects.get(pk=items[1].pk)
    assert patrols.theme.slug == "targeting-lawbreakers"
    assert patrols.due_date.isoformat() == "2027-01-31"
    assert patrols.status == "at_risk"
    assert patrols.updates.get().note == "Officers redeployed"
    assert plan.items.count() == 42


def test_one_bad_row_loads_nothing_and_is_named(plan, lead):
    text = (
        HEADER
        + "governance,A good row,,,,2027-03-31,on_track,,\n"
        + "governance,A bad date,,,,next spring,on_track,,\n"
        + "nonsense-theme,A bad theme,,,,,,,\n"
        + "governance,Bad progress,,,,,,140,\n"
        + "governance,Off track without a note,,,,,off_track,,\n"
    )
    with pytest.raises(BulkUploadError) as error:
        upload(plan, lead, text)
    problems = [(e.line, e.column) for e in error.value.errors]
    assert problems == [(3, "due_date"), (4, "theme"), (5, "progress"), (6, "note")]
    assert str(error.value.errors[0]) == (
        "Line 3, column due_date: Enter a date like 2027-03-31 or 31/03/2027."
    )
    assert plan.items.count() == 40
    assert not ActionItem.objects.filter(title="A good row").exists()


def test_a_missing_or_unknown_column_is_named_on_line_1(plan, lead):
    with pytest.raises(BulkUploadError) as error:
        upload(plan, lead, "theme,titel\ngovernance,x\n")
    assert [str(e) for e in error.value.errors] == [
        "Line 1, column title: This column is missing.",
        "Line 1, column titel: Unknown column. Use: theme, title, description, lead_agency, "
        "partners, due_date, status, progress, note.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "Save the file as CSV UTF-8"),
        (HEADER.encode(), "The file has no rows of items."),
    ],
)
def test_an_unreadable_or_empty_file_is_explained(plan, lead, content, message):
    with pytest.raises(BulkUploadError) as error:
        action_items_upload(plan=plan, acting_user=lead, uploaded_bytes=content)
    assert message in str(error.value)


def test_the_template_has_the_columns_and_an_example(plan):
    lines = template_csv(plan).splitlines()
    assert lines[0] == HEADER.strip()
    assert lines[1].startswith("governance,Example:")
