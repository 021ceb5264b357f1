"""Drafting, review and publication of case studies: who may, what is checked, and that a
refused or stale write changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.checklist import CODES
from casestudies.models import Approach, CaseStudy
from casestudies.services import (
    WrongStatus,
    case_study_create_draft,
    case_study_publish,
    case_study_return_to_draft,
    case_study_submit_for_review,
    case_study_unpublish,
    case_study_update,
)
from core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db

SECTIONS = {
    "challenge": "Stabbings among **14 to 17** year olds rose.",
    "solution": "- Youth workers in A&E\n- Mentoring",
    "impact": "Re-attendance fell by a third.",
}


def borough(slug):
    return Borough.objects.get(slug=slug)


def user_with(name, role=None, borough_slug=None):
    user = get_user_model().objects.create_user(name)
    if role:
        role_grant(user=user, role=role, borough=borough(borough_slug) if borough_slug else None)
    return get_user_model().objects.get(pk=user.pk)  # without cached roles


@pytest.fixture
def officer():
    return user_with("wm-officer", "officer", "westminster")


@pytest.fixture
def lead():
    return user_with("wm-lead", "lead", "westminster")


@pytest.fixture
def other_officer():
    return user_with("lambeth-officer", "officer", "lambeth")


@pytest.fixture
def editor():
    return user_with("editor", "editor")


@pytest.fixture
def analyst():
    return user_with("analyst", "analyst")


@pytest.fixture
def draft(officer):
    return case_study_create_draft(
        acting_user=officer,
        title="Westminster hospital navigators",
        summary="Youth workers meet young people in A&E.",
        boroughs=[borough("westminster")],
        **SECTIONS,
    )


def submitted(case_study, user):
    return case_study_submit_for_review(
        case_study=case_study, acting_user=user, expected_version=case_study.version
    )


def snapshot(case_study):
    """Everything a refused write must leave as it was."""
    case_study = CaseStudy.objects.get(pk=case_study.pk)
    return (
        case_study.title,
        case_study.summary,
        case_study.status,
        case_study.version,
        case_study.published_at,
        case_study.year,
        case_study.contact_email,
        sorted(case_study.boroughs.values_list("slug", flat=True)),
        sorted(case_study.approaches.values_list("slug", flat=True)),
    )


# --- Creating drafts ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "lead", "editor"])
def test_an_officer_lead_or_editor_creates_a_draft(request, who):
    user = request.getfixturevalue(who)
    case_study = case_study_create_draft(
        acting_user=user,
        title="  Westminster hospital navigators ",
        summary="Youth workers meet young people in A&E.",
        boroughs=[borough("westminster")],
        year=2021,
        approaches=[Approach.objects.get(slug="public-health")],
        min_age=11,
        max_age=18,
        contact_email="navigators@westminster.gov.uk",
        **SECTIONS,
    )
    case_study.refresh_from_db()
    assert case_study.title == "Westminster hospital navigators"
    assert case_study.slug == "westminster-hospital-navigators"
    assert (case_study.status, case_study.version, case_study.published_at) == ("draft", 1, None)
    assert case_study.created_by == user
    assert list(case_study.boroughs.values_list("slug", flat=True)) == ["westminster"]
    assert list(case_study.approaches.values_list("slug", flat=True)) == ["public-health"]
    assert case_study.challenge == SECTIONS["challenge"]


def test_slugs_are_unique_and_never_a_pages_address(officer):
    first = case_study_create_draft(
        acting_user=officer, title="New", summary="S", boroughs=[borough("westminster")]
    )
    second = case_study_create_draft(
        acting_user=officer, title="New", summary="S", boroughs=[borough("westminster")]
    )
    assert (first.slug, second.slug) == ("new-case-study", "new-case-study-2")


@pytest.mark.parametrize("who", ["other_officer", "analyst"])
def test_a_draft_for_someone_elses_borough_is_refused(request, who):
    before = CaseStudy.objects.count()
    with pytest.raises(PermissionDenied):
        case_study_create_draft(
            acting_user=request.getfixturevalue(who),
            title="Not yours",
            summary="S",
            boroughs=[borough("westminster")],
        )
    assert CaseStudy.objects.count() == before


@pytest.mark.parametrize("user", [AnonymousUser, lambda: user_with("nobody")])
def test_anonymous_and_role_less_users_cannot_draft(user):
    before = CaseStudy.objects.count()
    with pytest.raises(PermissionDenied):
        case_study_create_draft(
            acting_user=user(), title="T", summary="S", boroughs=[borough("westminster")]
        )
    assert CaseStudy.objects.count() == before


def test_an_officer_cannot_add_another_borough_to_their_own(officer):
    before = CaseStudy.objects.count()
    with pytest.raises(PermissionDenied, match="not Lambeth"):
        case_study_create_draft(
            acting_user=officer,
            title="T",
            summary="S",
            boroughs=[borough("westminster"), borough("lambeth")],
        )
    assert CaseStudy.objects.count() == before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"boroughs": []}, "boroughs", "Select at least one borough."),
        ({"title": "   "}, "title", "This field cannot be blank."),
        ({"summary": ""}, "summary", "This field cannot be blank."),
        ({"year": 1850}, "year", None),
        ({"min_age": 18, "max_age": 10}, "max_age", None),
        ({"contact_email": "not an address"}, "contact_email", None),
        ({"status": "published"}, "status", None),
        ({"published_at": None}, "published_at", "This field cannot be changed here."),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(officer, values, field, message):
    before = CaseStudy.objects.count()
    arguments = {
        "title": "A title",
        "summary": "A summary",
        "boroughs": [borough("westminster")],
        **values,
    }
    with pytest.raises(ValidationError) as error:
        case_study_create_draft(acting_user=officer, **arguments)
    assert field in error.value.message_dict
    if message:
        assert error.value.message_dict[field] == [message]
    assert CaseStudy.objects.count() == before


# --- Editing ---------------------------------------------------------------------------------


def test_an_officer_edits_their_boroughs_draft_and_the_version_moves_on(officer, draft):
    saved = case_study_update(
        case_study=draft,
        acting_user=officer,
        expected_version=1,
        changes={"title": "Navigators in A&E", "year": 2022, "approaches": []},
    )
    assert (saved.title, saved.year, saved.version) == ("Navigators in A&E", 2022, 2)
    assert snapshot(draft)[0] == "Navigators in A&E"
    assert draft.slug == CaseStudy.objects.get(pk=draft.pk).slug  # links keep working


def test_saving_without_a_change_keeps_the_version(officer, draft):
    saved = case_study_update(
        case_study=draft,
        acting_user=officer,
        expected_version=1,
        changes={"title": draft.title, "boroughs": [borough("westminster")]},
    )
    assert saved.version == 1


def test_a_stale_edit_is_refused_and_the_other_change_kept(officer, lead, draft):
    case_study_update(
        case_study=draft, acting_user=lead, expected_version=1, changes={"title": "Lead's"}
    )
    before = snapshot(draft)
    with pytest.raises(StaleEdit) as stale:
        case_study_update(
            case_study=draft, acting_user=officer, expected_version=1, changes={"title": "Mine"}
        )
    assert stale.value.current.version == 2
    assert stale.value.current.title == "Lead's"
    assert snapshot(draft) == before


@pytest.mark.parametrize("who", ["other_officer", "analyst"])
def test_others_cannot_edit_a_draft(request, draft, who):
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        case_study_update(
            case_study=draft,
            acting_user=request.getfixturevalue(who),
            expected_version=1,
            changes={"title": "Changed"},
        )
    assert snapshot(draft) == before


def test_officers_cannot_edit_once_submitted_but_editors_can(officer, editor, draft):
    draft = submitted(draft, officer)
    before = snapshot(draft)
    with pytest.raises(PermissionDenied, match="now that it is in review"):
        case_study_update(
            case_study=draft, acting_user=officer, expected_version=2, changes={"title": "Late"}
        )
    assert snapshot(draft) == before
    saved = case_study_update(
        case_study=draft, acting_user=editor, expected_version=2, changes={"title": "Edited"}
    )
    assert (saved.title, saved.status, saved.version) == ("Edited", "in_review", 3)


def test_an_editor_edits_a_published_case_study():
    editor = user_with("an-editor", "editor")
    published = CaseStudy.objects.published().first()
    saved = case_study_update(
        case_study=published,
        acting_user=editor,
        expected_version=published.version,
        changes={"summary": "Corrected."},
    )
    assert (saved.summary, saved.status) == ("Corrected.", "published")


def test_an_officer_may_not_touch_another_boroughs_place_in_a_shared_draft(officer, editor):
    shared = case_study_create_draft(
        acting_user=editor,
        title="Shared",
        summary="S",
        boroughs=[borough("westminster"), borough("lambeth")],
    )
    before = snapshot(shared)
    with pytest.raises(PermissionDenied, match="not Lambeth"):
        case_study_update(
            case_study=shared,
            acting_user=officer,
            expected_version=1,
            changes={"boroughs": [borough("westminster")]},
        )
    with pytest.raises(ValidationError) as error:
        case_study_update(
            case_study=shared,
            acting_user=officer,
            expected_version=1,
            changes={"boroughs": [borough("lambeth")]},
        )
    assert "Keep at least one of your own boroughs" in error.value.message_dict["boroughs"][0]
    assert snapshot(shared) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"year": 3000}, "year"),
        ({"min_age": 20, "max_age": 12}, "max_age"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"boroughs": []}, "boroughs"),
        ({"status": "published"}, "status"),
        ({"slug": "elsewhere"}, "slug"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(officer, draft, changes, field):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as error:
        case_study_update(
            case_study=draft, acting_user=officer, expected_version=1, changes=changes
        )
    assert field in error.value.message_dict
    assert snapshot(draft) == before


# --- Review and publication -----------------------------------------------------------------


def test_a_draft_goes_through_review_to_publication_and_back(officer, editor, draft):
    anonymous = AnonymousUser()
    assert not CaseStudy.objects.visible_to(anonymous).filter(pk=draft.pk).exists()

    in_review = submitted(draft, officer)
    assert (in_review.status, in_review.version) == ("in_review", 2)

    published = case_study_publish(
        case_study=in_review, acting_user=editor, expected_version=2, confirmed=CODES
    )
    assert (published.status, published.version) == ("published", 3)
    assert published.published_at is not None
    assert CaseStudy.objects.visible_to(anonymous).filter(pk=draft.pk).exists()

    unpublished = case_study_unpublish(case_study=published, acting_user=editor)
    assert (unpublished.status, unpublished.version, unpublished.published_at) == (
        "draft",
        4,
        None,
    )
    assert not CaseStudy.objects.visible_to(anonymous).filter(pk=draft.pk).exists()


def test_an_editor_sends_a_case_study_back_to_draft_for_its_borough_to_change(
    officer, editor, draft
):
    in_review = submitted(draft, officer)
    back = case_study_return_to_draft(
        case_study=in_review, acting_user=editor, reason="Add the figures."
    )
    assert (back.status, back.version) == ("draft", 3)
    saved = case_study_update(
        case_study=back, acting_user=officer, expected_version=3, changes={"title": "Better"}
    )
    assert saved.title == "Better"


def test_a_draft_needs_its_main_sections_before_review(officer):
    thin = case_study_create_draft(
        acting_user=officer,
        title="Thin",
        summary="S",
        boroughs=[borough("westminster")],
        challenge="Only this",
        solution="  ",
    )
    before = snapshot(thin)
    with pytest.raises(ValidationError) as error:
        submitted(thin, officer)
    assert error.value.message_dict == {
        "solution": ["Enter the solution before you submit the case study for review."],
        "impact": ["Enter the impact before you submit the case study for review."],
    }
    assert snapshot(thin) == before


@pytest.mark.parametrize(
    ("step", "who", "allowed"),
    [
        (case_study_submit_for_review, "other_officer", False),
        (case_study_submit_for_review, "analyst", False),
        (case_study_submit_for_review, "lead", True),
        (case_study_submit_for_review, "editor", True),
        (case_study_publish, "officer", False),
        (case_study_publish, "lead", False),
        (case_study_publish, "analyst", False),
        (case_study_return_to_draft, "lead", False),
        (case_study_unpublish, "lead", False),
        (case_study_unpublish, "analyst", False),
    ],
)
def test_who_may_take_each_step(request, officer, draft, step, who, allowed):
    user = request.getfixturevalue(who)
    if step is not case_study_submit_for_review:
        draft = submitted(draft, officer)
    if step is case_study_unpublish:
        draft = case_study_publish(
            case_study=draft, acting_user=user_with("e2", "editor"), confirmed=CODES
        )
    before = snapshot(draft)
    extra = {"reason": "Add the figures."} if step is case_study_return_to_draft else {}
    if allowed:
        assert step(case_study=draft, acting_user=user, **extra).version == draft.version + 1
        return
    with pytest.raises(PermissionDenied):
        step(case_study=draft, acting_user=user, **extra)
    assert snapshot(draft) == before


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (case_study_publish, "Only a case study in review can be published: this one is draft."),
        (
            case_study_unpublish,
            "Only a published case study can be unpublished: this one is draft.",
        ),
        (
            case_study_return_to_draft,
            "Only a case study in review can be sent back to draft: this one is draft.",
        ),
    ],
)
def test_a_step_that_does_not_fit_the_status_is_refused(editor, draft, step, message):
    before = snapshot(draft)
    extra = {"reason": "Add the figures."} if step is case_study_return_to_draft else {}
    with pytest.raises(WrongStatus) as error:
        step(case_study=draft, acting_user=editor, **extra)
    assert str(error.value) == message
    assert snapshot(draft) == before


def test_submitting_twice_is_refused(officer, draft):
    in_review = submitted(draft, officer)
    with pytest.raises(WrongStatus, match="this case study is in review"):
        case_study_submit_for_review(case_study=in_review, acting_user=officer)


def test_a_step_from_a_stale_version_is_refused(officer, editor, draft):
    in_review = submitted(draft, officer)
    case_study_update(
        case_study=in_review, acting_user=editor, expected_version=2, changes={"title": "New"}
    )
    before = snapshot(draft)
    with pytest.raises(StaleEdit):
        case_study_publish(case_study=in_review, acting_user=editor, expected_version=2)
    assert snapshot(draft) == before
