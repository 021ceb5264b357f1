"""The drafting pages: start, edit, preview, submit, publish, unpublish, and "your case
studies". Forms work without JavaScript; bad input is a GOV.UK error and changes nothing."""

import re
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.checklist import CODES
from casestudies.models import Approach, CaseStudy, Setting
from casestudies.services import (
    case_study_create_draft,
    case_study_publish,
    case_study_submit_for_review,
    case_study_update,
)

pytestmark = pytest.mark.django_db

NEW_URL = "/case-studies/new/"
MINE_URL = "/my/case-studies/"


def borough(slug):
    return Borough.objects.get(slug=slug)


def signed_in(name, role=None, borough_slug=None):
    user = get_user_model().objects.create_user(name)
    if role:
        role_grant(user=user, role=role, borough=borough(borough_slug) if borough_slug else None)
    client = Client()
    client.force_login(user)
    client.user = get_user_model().objects.get(pk=user.pk)
    return client


@pytest.fixture
def officer():
    return signed_in("wm-officer", "officer", "westminster")


@pytest.fixture
def editor():
    return signed_in("editor", "editor")


def make_draft(user, title="Westminster navigators", slug_borough="westminster", **fields):
    values = {"challenge": "Knife injuries rose.", "solution": "Navigators.", "impact": "Fewer."}
    return case_study_create_draft(
        acting_user=user,
        title=title,
        summary="Youth workers in A&E.",
        boroughs=[borough(slug_borough)],
        **{**values, **fields},
    )


@pytest.fixture
def draft(officer):
    return make_draft(officer.user)


def form_data(**changes):
    data = {
        "title": "Westminster hospital navigators",
        "summary": "Youth workers meet young people in A&E.",
        "boroughs": [borough("westminster").pk],
        "year": "2021",
        "challenge": "Knife injuries among **14 to 17** year olds rose.",
        "solution": "- Youth workers in A&E\n- Follow-up mentoring",
        "impact": "Re-attendance fell by a third.",
        "lessons_learned": "",
        "sustainability": "",
        "approaches": [Approach.objects.get(slug="public-health").pk],
        "settings": [Setting.objects.get(slug="hospital").pk],
        "min_age": "11",
        "max_age": "24",
        "contact_name": "Sam Jones",
        "contact_role": "",
        "contact_organisation": "Westminster City Council",
        "contact_email": "sam.jones@westminster.gov.uk",
        "contact_phone": "020 7641 6000",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def error_summary(response):
    html = response.content.decode()
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    return [unescape(message) for message in re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary)]


def stored(case_study):
    case_study = CaseStudy.objects.get(pk=case_study.pk)
    return (
        case_study.title,
        case_study.summary,
        case_study.status,
        case_study.version,
        case_study.published_at,
        sorted(case_study.boroughs.values_list("slug", flat=True)),
    )


# --- Starting a case study -------------------------------------------------------------------


def test_the_new_page_offers_the_officers_own_boroughs_and_markdown_sections(officer):
    response = officer.get(NEW_URL)
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert "<title>Start a case study – SV Portal</title>" in page
    assert page.count("You can use Markdown: **bold**, lists with -, links") == 5
    for name in ("challenge", "solution", "impact", "lessons_learned", "sustainability"):
        assert f'<textarea class="govuk-textarea" id="id_{name}" name="{name}"' in page
    boroughs = re.findall(r'name="boroughs" type="checkbox" value="(\d+)"( checked)?', page)
    assert boroughs == [(str(borough("westminster").pk), " checked")]
    assert 'name="contact_email" type="email"' in page


def test_an_editor_may_choose_any_borough(editor):
    page = text(editor.get(NEW_URL))
    offered = re.findall(r'name="boroughs" type="checkbox" value="(\d+)"', page)
    assert len(offered) == Borough.objects.count()


def test_starting_a_case_study_saves_a_draft_and_shows_its_preview(officer):
    response = officer.post(NEW_URL, form_data())
    assert response.status_code == HTTPStatus.FOUND
    case_study = CaseStudy.objects.get(slug="westminster-hospital-navigators")
    assert response["Location"] == f"/case-studies/{case_study.slug}/preview/"
    assert (case_study.status, case_study.version, case_study.year) == ("draft", 1, 2021)
    assert (case_study.min_age, case_study.max_age) == (11, 24)
    assert case_study.contact_email == "sam.jones@westminster.gov.uk"
    assert list(case_study.approaches.values_list("slug", flat=True)) == ["public-health"]
    assert list(case_study.settings.values_list("slug", flat=True)) == ["hospital"]
    assert case_study.created_by == officer.user
    preview = officer.get(response["Location"])
    assert "Your draft has been saved." in text(preview)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 301}, "Title must be 300 characters or fewer"),
        ({"summary": "  "}, "Enter a summary"),
        ({"boroughs": None}, "Select at least one borough"),
        ({"boroughs": ["not-a-number"]}, "Tick only boroughs in the list"),
        ({"year": "last year"}, "Year must be a whole number, like 2019"),
        ({"year": "1850"}, "Year must be between 1990 and 2100"),
        ({"min_age": "-1"}, "Youngest age must be between 0 and 99"),
        (
            {"min_age": "18", "max_age": "10"},
            "The oldest age must be the same as or older than the youngest age",
        ),
        (
            {"contact_email": "sam at westminster"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"approaches": ["999999"]}, "Tick only approaches in the list"),
    ],
)
def test_bad_input_shows_a_govuk_error_and_saves_nothing(officer, changes, message):
    before = CaseStudy.objects.count()
    response = officer.post(NEW_URL, form_data(**changes))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = text(response)
    assert "<title>Error: Start a case study – SV Portal</title>" in page
    assert message in error_summary(response)
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in page
    assert CaseStudy.objects.count() == before
    # What they typed is still there.
    if "title" not in changes:
        assert 'value="Westminster hospital navigators"' in page


def test_a_draft_for_another_borough_is_refused(officer):
    before = CaseStudy.objects.count()
    response = officer.post(NEW_URL, form_data(boroughs=[borough("lambeth").pk]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "not Lambeth" in text(response)
    assert CaseStudy.objects.count() == before


def test_without_a_borough_role_the_new_page_says_why_not():
    response = signed_in("nobody").get(NEW_URL)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Ask an editor to give you a role in your borough" in text(response)


def test_signing_in_comes_first(client):
    response = client.get(NEW_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/case-studies/new/")


# --- Editing ----------------------------------------------------------------------------------


def test_the_edit_page_shows_the_draft_with_its_version(officer, draft):
    response = officer.get(f"/case-studies/{draft.slug}/edit/")
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert '<input type="hidden" name="version" value="1">' in page
    assert 'value="Westminster navigators"' in page
    assert "Knife injuries rose.</textarea>" in page


def test_saving_changes_moves_the_version_on(officer, draft):
    response = officer.post(
        f"/case-studies/{draft.slug}/edit/", form_data(title="Navigators in A&E", version="1")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/case-studies/{draft.slug}/preview/"
    draft.refresh_from_db()
    assert (draft.title, draft.version, draft.year) == ("Navigators in A&E", 2, 2021)
    assert "Your changes have been saved." in text(officer.get(response["Location"]))


def test_a_stale_save_shows_what_changed_and_lets_them_save_theirs_again(officer, draft):
    lead = signed_in("wm-lead", "lead", "westminster")
    case_study_update(
        case_study=draft, acting_user=lead.user, expected_version=1, changes={"title": "Lead's"}
    )
    before = stored(draft)
    url = f"/case-studies/{draft.slug}/edit/"
    response = officer.post(url, form_data(title="Officer's", version="1"))
    assert response.status_code == HTTPStatus.CONFLICT
    page = text(response)
    assert "Someone else changed this case study while you were editing it." in page
    differences = page[page.index('id="stale-differences"') :]
    assert (
        '<th scope="row" class="govuk-table__header">Title</th> '
        '<td class="govuk-table__cell">Lead\'s</td> <td class="govuk-table__cell">Officer\'s</td>'
    ) in differences
    # Their version is kept, now against the version they have been shown.
    assert 'value="Officer\'s"' in page
    assert '<input type="hidden" name="version" value="2">' in page
    assert stored(draft) == before

    again = officer.post(url, form_data(title="Officer's", version="2"))
    assert again.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Officer's", 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"version": None},
            "This page is out of date: open the case study again and make your changes.",
        ),
        ({"title": ""}, "Enter a title"),
        ({"boroughs": None}, "Select at least one borough"),
        ({"year": "2200"}, "Year must be between 1990 and 2100"),
    ],
)
def test_a_bad_edit_shows_an_error_and_changes_nothing(officer, draft, changes, message):
    before = stored(draft)
    response = officer.post(
        f"/case-studies/{draft.slug}/edit/", form_data(**{"version": "1", **changes})
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in error_summary(response)
    assert stored(draft) == before


def test_a_submitted_case_study_cannot_be_edited_by_its_officer(officer, draft):
    case_study_submit_for_review(case_study=draft, acting_user=officer.user)
    before = stored(draft)
    url = f"/case-studies/{draft.slug}/edit/"
    assert officer.get(url).status_code == HTTPStatus.FORBIDDEN
    response = officer.post(url, form_data(version="2"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "now that it is in review" in text(response)
    assert stored(draft) == before


def test_an_officer_keeps_another_boroughs_place_in_a_shared_draft(officer, editor):
    shared = case_study_create_draft(
        acting_user=editor.user,
        title="Shared",
        summary="S",
        boroughs=[borough("westminster"), borough("lambeth")],
    )
    url = f"/case-studies/{shared.slug}/edit/"
    page = text(officer.get(url))
    assert "This case study is also about Lambeth." in page
    response = officer.post(url, form_data(title="Shared work", version="1"))
    assert response.status_code == HTTPStatus.FOUND
    assert stored(shared)[0] == "Shared work"
    assert stored(shared)[-1] == ["lambeth", "westminster"]


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_renders_the_sections_as_they_will_appear(officer):
    case_study = make_draft(
        officer.user,
        challenge="Injuries among **14 to 17** year olds rose.",
        solution="- Navigators\n- [Mentoring](https://example.org/mentoring)",
    )
    response = officer.get(f"/case-studies/{case_study.slug}/preview/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "<strong>14 to 17</strong>" in page
    assert '<ul class="govuk-list govuk-list--bullet">' in page
    assert 'href="https://example.org/mentoring"' in page
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert "Submit for review</button>" in page
    assert "Publish</button>" not in page


def test_drafts_are_previewed_only_by_those_allowed(draft):
    url = f"/case-studies/{draft.slug}/preview/"
    assert signed_in("nobody").get(url).status_code == HTTPStatus.NOT_FOUND
    lambeth = signed_in("lambeth-officer", "officer", "lambeth")
    assert lambeth.get(url).status_code == HTTPStatus.NOT_FOUND
    analyst = signed_in("analyst", "analyst").get(url)
    assert analyst.status_code == HTTPStatus.OK
    assert "</button>" not in analyst.content.decode().split('id="case-study-content"')[1]


# --- Review and publication ----------------------------------------------------------------


def test_an_officer_submits_and_an_editor_publishes(officer, editor, draft):
    response = officer.post(f"/case-studies/{draft.slug}/submit/", {"version": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert stored(draft)[2:4] == ("in_review", 2)
    preview = text(officer.get(response["Location"]))
    assert "Your case study has been submitted for review." in preview
    assert "An editor will check this case study" in preview

    editor_preview = text(editor.get(f"/case-studies/{draft.slug}/preview/"))
    assert "Publish</button>" in editor_preview
    assert "Send back to draft</button>" in editor_preview
    response = editor.post(
        f"/case-studies/{draft.slug}/publish/", {"version": "2", "confirmed": list(CODES)}
    )
    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("published", 3)
    assert draft.published_at is not None
    # Published case studies are public.
    assert Client().get(f"/api/v1/case-studies/{draft.slug}/").status_code == HTTPStatus.OK
    assert "See it as the public sees it" in text(editor.get(response["Location"]))

    response = editor.post(f"/case-studies/{draft.slug}/unpublish/", {"version": "3"})
    assert response.status_code == HTTPStatus.FOUND
    assert stored(draft)[2:5] == ("draft", 4, None)
    assert Client().get(f"/api/v1/case-studies/{draft.slug}/").status_code == 404


def test_an_editor_sends_a_case_study_back_to_draft(officer, editor, draft):
    case_study_submit_for_review(case_study=draft, acting_user=officer.user)
    response = editor.post(
        f"/case-studies/{draft.slug}/return-to-draft/",
        {"version": "2", "reason": "Add the re-attendance figures."},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert stored(draft)[2:4] == ("draft", 3)
    assert "sent back to draft" in text(editor.get(response["Location"]))


def test_submitting_without_the_main_sections_lists_what_is_missing(officer):
    thin = make_draft(officer.user, solution="", impact="")
    before = stored(thin)
    response = officer.post(f"/case-studies/{thin.slug}/submit/", {"version": "1"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_summary(response) == [
        "Enter the solution before you submit the case study for review.",
        "Enter the impact before you submit the case study for review.",
    ]
    assert f'href="/case-studies/{thin.slug}/edit/#id_impact"' in response.content.decode()
    assert "<title>Error: Preview" in text(response)
    assert stored(thin) == before


def test_a_step_from_a_stale_page_is_refused_and_shows_the_case_study_now(officer, draft):
    case_study_update(
        case_study=draft, acting_user=officer.user, expected_version=1, changes={"title": "New"}
    )
    before = stored(draft)
    response = officer.post(f"/case-studies/{draft.slug}/submit/", {"version": "1"})
    assert response.status_code == HTTPStatus.CONFLICT
    page = text(response)
    assert "This case study has changed since you opened it." in page
    assert '<h1 class="govuk-heading-l">New</h1>' in page
    assert stored(draft) == before


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("publish", "Only a case study in review can be published: this one is draft."),
        ("unpublish", "Only a published case study can be unpublished: this one is draft."),
    ],
)
def test_a_step_that_does_not_fit_the_status_says_so(editor, draft, step, message):
    before = stored(draft)
    response = editor.post(f"/case-studies/{draft.slug}/{step}/", {"version": "1"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert error_summary(response) == [message]
    assert stored(draft) == before


@pytest.mark.parametrize("version", [None, "", "one"])
def test_a_step_without_a_version_is_refused(officer, draft, version):
    before = stored(draft)
    data = {} if version is None else {"version": version}
    response = officer.post(f"/case-studies/{draft.slug}/submit/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_summary(response) == ["This page is out of date: reload it and try again."]
    assert stored(draft) == before


def test_steps_are_posts_only(officer, draft):
    for step in ("submit", "publish", "unpublish", "return-to-draft"):
        url = f"/case-studies/{draft.slug}/{step}/"
        assert officer.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- Your case studies -----------------------------------------------------------------------


def titles(response, table):
    page = response.content.decode()
    if f'id="{table}"' not in page:
        return []
    section = page[page.index(f'id="{table}"') :]
    section = section[: section.index("</table>")]
    return re.findall(r'href="/case-studies/[^/]+/preview/">([^<]+)</a>', section)


def test_officers_see_their_boroughs_drafts_and_reviews_editors_every_review(officer, editor):
    lambeth = signed_in("lambeth-officer", "officer", "lambeth")
    mine = make_draft(officer.user, title="Westminster draft")
    waiting = make_draft(officer.user, title="Westminster in review")
    case_study_submit_for_review(case_study=waiting, acting_user=officer.user)
    make_draft(lambeth.user, title="Lambeth draft", slug_borough="lambeth")
    theirs = make_draft(lambeth.user, title="Lambeth in review", slug_borough="lambeth")
    case_study_submit_for_review(case_study=theirs, acting_user=lambeth.user)
    published = make_draft(officer.user, title="Westminster published")
    case_study_submit_for_review(case_study=published, acting_user=officer.user)
    case_study_publish(case_study=published, acting_user=editor.user, confirmed=CODES)

    response = officer.get(MINE_URL)
    assert response.status_code == HTTPStatus.OK
    assert titles(response, "drafts") == [mine.title]
    assert titles(response, "in-review") == [waiting.title]
    assert "Start a case study" in text(response)

    assert '<h1 class="govuk-heading-l">Your case studies</h1>' in response.content.decode()

    response = editor.get(MINE_URL)
    assert titles(response, "drafts") == []
    # The review queue, longest waiting first.
    assert titles(response, "review-queue") == ["Westminster in review", "Lambeth in review"]
    assert '<h1 class="govuk-heading-l">Case studies to review</h1>' in response.content.decode()


def test_someone_without_a_role_is_told_how_to_get_one():
    response = signed_in("nobody").get(MINE_URL)
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert "Ask an editor to give you a role in your borough" in page
    assert "There are no drafts for your boroughs." in page


@pytest.mark.parametrize("who", ["officer", "editor"])
def test_your_case_studies_queries_do_not_grow(request, officer, who, django_assert_num_queries):
    """1 user, 1 global roles (groups), 1 borough roles, 1 case studies, 1 boroughs
    prefetch (the session is read from the cache)."""
    client = request.getfixturevalue(who)

    def add(n):
        for _ in range(n):
            case_study = make_draft(officer.user, title=f"Case study {CaseStudy.objects.count()}")
            if who == "editor":
                case_study_submit_for_review(case_study=case_study, acting_user=officer.user)

    add(2)
    with django_assert_num_queries(5):
        response = client.get(MINE_URL)
    table = "review-queue" if who == "editor" else "drafts"
    assert len(titles(response, table)) == 2
    add(20)
    with django_assert_num_queries(5):
        response = client.get(MINE_URL)
    assert len(titles(response, table)) == 22


def test_the_preview_queries_do_not_grow(officer, django_assert_num_queries):
    """1 user, 1 case study, 1 global roles (groups), 1 borough roles, 1 boroughs,
    1 approaches, 1 settings, 1 interventions, 1 awards, 1 outcomes prefetch, 1 last review
    step (the session is read from the cache)."""
    few = make_draft(officer.user, title="Few")
    many = make_draft(officer.user, title="Many")
    many.approaches.set(Approach.objects.all())
    many.settings.set(Setting.objects.all())
    for case_study in (few, many):
        with django_assert_num_queries(11):
            response = officer.get(f"/case-studies/{case_study.slug}/preview/")
        assert response.status_code == HTTPStatus.OK
    assert text(response).count("Trauma-informed") == 1
