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
        (b"\xff\xfe\x00bad", "This file is UTF-16 text (“Unicode Text”), not CSV UTF-8."),
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


# --- Malformed files: every one is answered by line and column, and nothing is added ----------


def problems(plan, lead, content):
    before = plan.items.count()
    with pytest.raises(BulkUploadError) as error:
        action_items_upload(plan=plan, acting_user=lead, uploaded_bytes=content)
    assert plan.items.count() == before
    return [str(problem) for problem in error.value.errors]


def test_cr_only_line_endings_are_read_as_lines(plan, lead):
    """Old Mac spreadsheets end lines with CR alone."""
    content = HEADER + "governance,First,,,,,,,\n" + "governance,Second,,,,2027-13-01,,,\n"
    content = content.replace("\n", "\r").encode()
    assert problems(plan, lead, content) == [
        "Line 3, column due_date: Enter a date like 2027-03-31 or 31/03/2027."
    ]
    items = upload(plan, lead, content.decode().replace("2027-13-01", "2027-12-01"))
    assert [item.title for item in items] == ["First", "Second"]


def test_a_byte_order_mark_is_not_part_of_the_first_column(plan, lead):
    items = action_items_upload(
        plan=plan,
        acting_user=lead,
        uploaded_bytes=("\ufeff" + HEADER + "governance,With a BOM,,,,,,,\r\n").encode(),
    )
    assert [item.title for item in items] == ["With a BOM"]


def test_a_cell_longer_than_the_csv_modules_limit_is_named(plan, lead):
    """Python's csv refuses cells over 131,072 characters with no column; the form names it."""
    long = "x" * 131_073
    content = f"{HEADER}governance,Fine,,,,,,,\ngovernance,{long},,,,,,,\n".encode()
    assert problems(plan, lead, content) == [
        "Line 3, column title: Ensure this value has at most 300 characters (it has 131073)."
    ]


def test_a_nul_byte_is_named_by_line_and_column(plan, lead):
    content = f"{HEADER}governance,Fine,,,,,,,\ngovernance,Bad,Has a \x00 in it,,,,,,\n"
    assert problems(plan, lead, content.encode()) == [
        "Line 3, column description: Null characters are not allowed."
    ]


def test_another_encoding_is_named_by_line_and_column(plan, lead):
    """Windows-1252, as Excel's plain "CSV" saves it: é is the byte E9."""
    content = f"{HEADER}governance,Fine,,,,,,,\ngovernance,Café hubs,,,,,,,\n".encode("cp1252")
    assert problems(plan, lead, content) == [
        "Line 3, column title: This cell is not UTF-8 text. In your spreadsheet choose Save "
        "As, then “CSV UTF-8”, and upload that file."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00rest of a zip", "This is an Excel workbook (XLSX), not a CSV file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "This is an old Excel workbook (XLS), not a CSV file."),
        (b"", "The file is empty. Use the template."),
    ],
)
def test_a_file_that_is_not_csv_text_is_named(plan, lead, content, message):
    [problem] = problems(plan, lead, content)
    assert problem.startswith(message)


def test_an_unterminated_quote_is_named_by_the_line_and_column_it_opens(plan, lead):
    content = (
        HEADER
        + "governance,First,,,,,,,\n"
        + 'governance,Second,"An open quote,,,,,,\n'
        + "governance,Third,,,,,,,\n"
    )
    assert problems(plan, lead, content.encode()) == [
        'Line 3, column description: A quote (") opens this cell and is never closed. '
        "Close it, or remove it."
    ]


def test_a_stray_quote_inside_a_quoted_cell_is_named_by_line(plan, lead):
    content = HEADER + 'governance,"Half "quoted" title",,,,,,,\n'
    assert problems(plan, lead, content.encode()) == [
        'Line 2: A quote (") inside a quoted cell must be doubled (""), and a quoted cell '
        "must end where the quote closes."
    ]


def test_line_breaks_inside_quoted_cells_keep_the_line_numbers_right(plan, lead):
    content = (
        HEADER + 'governance,First,"Two\nlines",,,,,,\n' + "governance,Second,,,,not a date,,,\n"
    )
    assert problems(plan, lead, content.encode()) == [
        "Line 4, column due_date: Enter a date like 2027-03-31 or 31/03/2027."
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "theme,title,status,title",
            ["Line 1, column title: This column appears twice (columns 2 and 4). Keep one."],
        ),
        (
            "theme,,title",
            [
                "Line 1, column 2: Column 2 has no name. Use: theme, title, description, "
                "lead_agency, partners, due_date, status, progress, note."
            ],
        ),
        ("theme,description", ["Line 1, column title: This column is missing."]),
    ],
)
def test_duplicated_nameless_or_missing_columns_are_named(plan, lead, header, expected):
    assert problems(plan, lead, f"{header}\ngovernance,x,y,z\n".encode()) == expected


def test_a_row_with_more_cells_than_the_header_is_named(plan, lead):
    content = "theme,title\ngovernance,Fine\ngovernance,Split, by a comma\n"
    assert problems(plan, lead, content.encode()) == [
        "Line 3: This row has 3 cells but the header names 2 columns. Check for a stray comma."
    ]


def test_every_problem_of_every_row_is_listed_up_to_a_limit(plan, lead):
    content = HEADER + "nonsense,,,,,,,,\n" * 150
    listed = problems(plan, lead, content.encode())
    assert len(listed) == 201  # two per row, then how many more
    assert listed[0] == "Line 2, column title: Enter a title"
    assert listed[1].startswith("Line 2, column theme: “nonsense” is not a theme of")
    assert listed[-1] == "… and 100 more problems."


def test_each_row_is_checked_by_a_form_with_the_models_rules(plan, lead):
    content = (
        HEADER
        + "governance,Complete but not done,,,,,complete,50,\n"
        + "governance,At risk without a note,,,,,at risk,,\n"
        + "governance,Complete and blank progress,,,,,Complete,,\n"
    )
    assert problems(plan, lead, content.encode()) == [
        "Line 2, column progress: A complete item is 100% done.",
        "Line 3, column note: Enter a note saying why the item is at risk or off track.",
    ]
