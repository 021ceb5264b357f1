"""Import from a guide: every case study in the seed documents written with the guides'
headings is cut out of its document as an editor would copy it, read, and comes out with
the same sections as the record loaded from it (fixtures/), its contact and its boroughs;
then the page: pasting, uploading text, Markdown and .docx, and what is refused."""

import difflib
import io
import json
import re
from http import HTTPStatus
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.guide_import import heading_of, propose_boroughs, read_guide_text
from casestudies.models import CaseStudy

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
FIXTURES = Path(settings.PORTAL_FIXTURES_DIR)
SECTIONS = ("challenge", "solution", "impact", "lessons_learned", "sustainability")


def guide_case_studies():
    """(fixture record, the text an editor would copy) for every loaded case study whose
    source document is a guide written with the headings."""
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not data.get("case_studies"):
            continue
        document = SEEDS / data["source"]["document"]
        lines = document.read_text().split("\n")
        if not any(line.strip() == "The challenge" for line in lines):
            continue  # not a guide with the headings
        records = data["case_studies"]
        starts = []
        for record in records:
            wanted = record["title"].lower()
            starts.append(
                next(
                    i
                    for i, line in enumerate(lines)
                    if line.strip().lower().replace("&", "and") == wanted
                )
            )
        for n, record in enumerate(records):
            end = starts[n + 1] if n + 1 < len(records) else len(lines)
            found.append((record, "\n".join(lines[starts[n] : end])))
    return found


CASES = guide_case_studies()


def words(text):
    return " ".join(re.findall(r"\w+", (text or "").lower()))


@pytest.mark.no_database
def test_the_seed_guides_hold_the_case_studies():
    assert len(CASES) == 19  # 9 in Breaking the cycle (2019), 10 in the 2020 guide


@pytest.mark.no_database
@pytest.mark.parametrize(("record", "text"), CASES, ids=[record["slug"] for record, _ in CASES])
def test_each_guide_case_study_comes_out_with_the_loaded_sections(record, text):
    imported = read_guide_text(text)
    loaded = {name for name in SECTIONS if record.get(name)}
    assert {name for name, value in imported.sections.items() if value} == loaded
    for name in loaded:
        assert alike(record[name], imported.sections[name]), name
    assert imported.title.lower().replace("&", "and") == record["title"].lower()
    # The summary is the text before the first heading; in one the guide's layout put a
    # pull quote there too.
    assert alike(record["summary"], imported.summary[: len(record["summary"]) + 10])


def alike(loaded, imported):
    """The same text, word for word but for a few: the loaded records were tidied by hand
    (a pull quote put back in place, "multiagency" hyphenated)."""
    return difflib.SequenceMatcher(a=words(loaded), b=words(imported), autojunk=False).ratio() > 0.8


@pytest.mark.no_database
@pytest.mark.parametrize(("record", "text"), CASES, ids=[record["slug"] for record, _ in CASES])
def test_each_guide_case_studys_contact_is_found(record, text):
    contact = read_guide_text(text).contact
    loaded = record["contact"]
    assert contact.name == loaded["name"]
    # One address is cut short in the guide itself ("…@redcar-cleveland.gov."): the
    # loaded record completed it by hand.
    assert loaded["email"].startswith(contact.email)
    assert contact.email
    assert contact.role == loaded["role"]
    assert contact.organisation == (loaded["organisation"] or contact.organisation)


@pytest.mark.no_database
def test_the_sections_are_nearly_all_word_for_word():
    """Where they differ, the loaded record was tidied by hand (a pull quote put back)."""
    same = total = 0
    for record, text in CASES:
        imported = read_guide_text(text)
        for name in SECTIONS:
            if record.get(name):
                total += 1
                same += words(record[name]) == words(imported.sections[name])
    assert same >= 0.9 * total


@pytest.mark.django_db
def test_the_boroughs_named_in_each_title_are_proposed():
    councils = list(Borough.objects.values_list("slug", "name"))
    exact = 0
    for record, text in CASES:
        imported = read_guide_text(text)
        proposed = propose_boroughs(imported.title, imported.summary, councils)
        # Never a borough the case study is not about.
        assert set(proposed) <= set(record["boroughs"]), record["slug"]
        exact += set(proposed) == set(record["boroughs"])
    # Safer London (an organisation) and "Sussex" (three councils) name no council.
    assert exact == len(CASES) - 2


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("The impact", "impact"),
        ("Impact", "impact"),
        ("## The Impact", "impact"),
        ("**Lessons learnt**", "lessons_learned"),
        ("How is the approach being sustained?", "sustainability"),
        ("How the approach is being sustained?", "sustainability"),
        ("Sustainability", "sustainability"),
        ("The challenge", "challenge"),
        ("The chalenge", "challenge"),
        ("Contact details", "contact"),
        ("The impact has been immediate.", None),
        ("coordinated approach is helping to get an", None),
        ("Results show that 82 per cent of children who have seen the play", None),
    ],
)
def test_headings_are_matched_by_meaning_not_one_spelling(line, section):
    assert heading_of(line) == section


# --- The page ---------------------------------------------------------------------------------


def signed_in(name, role=None, borough=None):
    user = get_user_model().objects.create_user(name)
    if role:
        role_grant(
            user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None
        )
    client = Client()
    client.force_login(user)
    return client


BRADFORD = next(text for record, text in CASES if record["slug"] == "bradford-learning-from-cse")
URL = "/case-studies/import/"


def filled(response):
    """The values the draft form was filled in with: {name: value}."""
    html = response.content.decode()
    values = dict(
        re.findall(r'name="([a-z_]+)" type="(?:text|email|tel|hidden)" value="([^"]*)"', html)
    )
    for name, value in re.findall(
        r'name="([a-z_]+)" rows="\d+"[^>]*>\n(.*?)</textarea>', html, re.S
    ):
        values[name] = value
    values["boroughs"] = re.findall(r'name="boroughs" type="checkbox" value="(\d+)" checked', html)
    return values


@pytest.mark.django_db
def test_an_editor_pastes_a_case_study_and_checks_the_draft():
    editor = signed_in("editor", "editor")
    assert editor.get(URL).status_code == HTTPStatus.OK
    response = editor.post(URL, {"text": BRADFORD})
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'action="/case-studies/new/"' in page
    assert "Nothing is saved yet" in page
    assert "Impact → The impact" in page.replace("&gt;", ">").replace("→", "→")
    values = filled(response)
    assert values["title"] == "City of Bradford Council: learning from child sexual exploitation"
    assert values["contact_email"] == "jenny.cryer@bradford.gov.uk"
    assert values["boroughs"] == [str(Borough.objects.get(slug="bradford").pk)]
    assert values["challenge"].startswith("Over the last decade")
    assert CaseStudy.objects.filter(title__startswith="City of Bradford Council").count() == 1

    # Saving the checked form makes the draft.
    data = {name: value for name, value in values.items() if name != "boroughs"}
    data["boroughs"] = values["boroughs"]
    data["summary"] = data.get("summary") or "Bradford's CSE hub."
    before = CaseStudy.objects.count()
    response = editor.post("/case-studies/new/", data)
    assert response.status_code == HTTPStatus.FOUND
    assert CaseStudy.objects.count() == before + 1


def docx_bytes(text):
    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bradford.txt", BRADFORD.encode()),
        (
            "bradford.md",
            re.sub(
                r"^(The challenge|The solution|Impact|Lessons learned|How is the approach "
                r"being sustained\?|Contact)$",
                r"## \1",
                BRADFORD,
                flags=re.M,
            ).encode(),
        ),
        ("bradford.docx", docx_bytes(BRADFORD)),
    ],
)
def test_an_editor_uploads_text_markdown_or_word(name, content):
    editor = signed_in("editor", "editor")
    response = editor.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == HTTPStatus.OK, response.content[:3000]
    values = filled(response)
    assert values["contact_name"] == "Jenny Cryer"
    assert values["sustainability"].startswith("The one-to-one work has already started.")
    assert "Lessons learned" not in values["impact"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "text", "Paste the case study, or choose a file to upload"),
        ({"text": "   "}, "text", "Paste the case study, or choose a file to upload"),
        (
            {"text": "A title\n\nJust some text with no headings."},
            "text",
            "No guide headings were found.",
        ),
        (
            {"file": SimpleUploadedFile("case.pdf", b"%PDF-1.4")},
            "file",
            "The file must be a text file (.txt), Markdown (.md) or Word (.docx)",
        ),
        (
            {"file": SimpleUploadedFile("case.docx", b"not a zip")},
            "file",
            "The file is not a Word document the portal can read",
        ),
        (
            {"file": SimpleUploadedFile("case.txt", "The challenge".encode("utf-16"))},
            "file",
            "The file must be saved as UTF-8 text",
        ),
    ],
)
def test_what_cannot_be_read_is_a_clear_error_and_saves_nothing(data, field, message):
    editor = signed_in("editor", "editor")
    before = CaseStudy.objects.count()
    response = editor.post(URL, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert f'href="#id_{field}">{message}' in html
    assert CaseStudy.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "borough", "status"),
    [
        ("officer", "westminster", HTTPStatus.FORBIDDEN),
        ("lead", "westminster", HTTPStatus.FORBIDDEN),
        ("analyst", None, HTTPStatus.FORBIDDEN),
        (None, None, HTTPStatus.FORBIDDEN),
        ("editor", None, HTTPStatus.OK),
    ],
)
def test_only_editors_may_import(role, borough, status):
    client = signed_in(f"{role}-user", role, borough)
    assert client.get(URL).status_code == status
    assert client.post(URL, {"text": BRADFORD}).status_code == status


@pytest.mark.django_db
def test_signing_in_is_needed_to_import():
    response = Client().get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
