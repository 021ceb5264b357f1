"""Review with reasons and notices: sending back needs a reason, which the author reads;
publishing records who and when; a submission tells every editor, a sending back or a
publication tells the author — by e-mail, queued after commit and sent once however often
the task runs, and in the list of notices on /my/. Editors see the review queue."""

import datetime as dt
import json
import re
from html import unescape
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.checklist import CODES
from casestudies.models import CaseStudy, ReviewNotice, ReviewStep
from casestudies.services import (
    case_study_create_draft,
    case_study_publish,
    case_study_return_to_draft,
    case_study_submit_for_review,
)
from casestudies.tasks import send_review_notice

pytestmark = pytest.mark.django_db


def user(name, role=None, borough=None, email=""):
    person = get_user_model().objects.create_user(name, email=email, first_name=name.title())
    if role:
        role_grant(
            user=person, role=role, borough=Borough.objects.get(slug=borough) if borough else None
        )
    return person


def client_for(person):
    client = Client()
    client.force_login(person)
    return client


def text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def error_summary(response):
    html = response.content.decode()
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', summary)


@pytest.fixture
def author():
    return user("author", "officer", "westminster", email="author@westminster.gov.uk")


@pytest.fixture
def editors():
    return [
        user("editor-a", "editor", email="a@editors.example"),
        user("editor-b", "editor", email="b@editors.example"),
        user("editor-no-mail", "editor"),
    ]


def draft_by(person, title="Westminster navigators"):
    return case_study_create_draft(
        acting_user=person,
        title=title,
        summary="Youth workers in A&E.",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="Knife injuries rose.",
        solution="Navigators in A&E.",
        impact="Re-attendance fell by a third.",
    )


def submitted(person, title="Westminster navigators"):
    return case_study_submit_for_review(case_study=draft_by(person, title), acting_user=person)


def stored(case_study):
    current = CaseStudy.objects.get(pk=case_study.pk)
    return (current.status, current.version, current.published_at, current.published_by_id)


# --- Submitting tells every editor ---------------------------------------------------------


def test_a_submission_emails_every_editor_with_an_address_once_committed(
    author, editors, django_capture_on_commit_callbacks
):
    case_study = draft_by(author)
    with django_capture_on_commit_callbacks() as callbacks:
        case_study_submit_for_review(case_study=case_study, acting_user=author)
        # Nothing is sent before the step is committed.
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@editors.example",
        "b@editors.example",
    ]
    message = mail.outbox[0]
    assert message.subject == "Submitted for review: Westminster navigators – SV Portal"
    assert "Author submitted ‘Westminster navigators’ for review." in message.body
    assert f"/case-studies/{case_study.slug}/preview/" in message.body
    # Every editor has the notice on /my/, the one without an address too.
    for editor in editors:
        page = text(client_for(editor).get("/my/"))
        assert "Author submitted ‘Westminster navigators’ for review." in page
    assert "You have no notices." in text(client_for(author).get("/my/"))


def test_a_rolled_back_submission_sends_nothing(author, editors):
    case_study = draft_by(author)
    with mock.patch(
        "casestudies.services._save_transition", side_effect=RuntimeError("database gone")
    ):
        with pytest.raises(RuntimeError):
            case_study_submit_for_review(case_study=case_study, acting_user=author)
    assert mail.outbox == []
    assert not ReviewNotice.objects.exists()


def test_a_notice_is_emailed_once_however_often_the_task_runs(author, editors):
    with mock.patch("casestudies.tasks.send_review_notice.delay"):
        submitted(author)
    notice = ReviewNotice.objects.get(recipient=editors[0])
    send_review_notice(notice.pk)
    send_review_notice(notice.pk)  # a retry, or beat firing twice
    send_review_notice.apply(args=[notice.pk])
    assert [message.to for message in mail.outbox] == [["a@editors.example"]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_failed_send_is_retried_and_then_sent_once(author, editors):
    with mock.patch("casestudies.tasks.send_review_notice.delay"):
        submitted(author)
    notice = ReviewNotice.objects.get(recipient=editors[0])
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        with pytest.raises(OSError, match="SMTP down"):
            send_review_notice.run(notice.pk)
    notice.refresh_from_db()
    assert notice.emailed_at is None  # the claim rolled back with the failed send
    send_review_notice.run(notice.pk)
    send_review_notice.run(notice.pk)
    assert len(mail.outbox) == 1


def test_a_notice_to_someone_without_an_address_is_not_emailed(
    author, editors, django_capture_on_commit_callbacks
):
    with (
        mock.patch("casestudies.tasks.send_review_notice.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        submitted(author)
    quiet = ReviewNotice.objects.get(recipient=editors[2])
    assert quiet.pk not in [call.args[0] for call in queued.call_args_list]
    assert len(queued.call_args_list) == 2


# --- Sending back needs a reason --------------------------------------------------------


def test_sending_back_on_the_page_needs_a_reason(author, editors):
    case_study = submitted(author)
    editor = client_for(editors[0])
    before = stored(case_study)
    for reason in ("", "   "):
        response = editor.post(
            f"/case-studies/{case_study.slug}/return-to-draft/",
            {"version": case_study.version, "reason": reason},
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error_summary(response) == [
            ("#reason", "Enter why you are sending the case study back, so its author can act")
        ]
        assert 'id="reason-error"' in response.content.decode()
        assert stored(case_study) == before
    assert not ReviewStep.objects.filter(kind="sent_back").exists()


def test_the_author_reads_the_reason_on_their_draft_and_in_their_notices(
    author, editors, django_capture_on_commit_callbacks
):
    case_study = submitted(author)
    mail.outbox.clear()
    editor = client_for(editors[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/case-studies/{case_study.slug}/return-to-draft/",
            {"version": case_study.version, "reason": "Add the re-attendance figures."},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert stored(case_study)[0] == "draft"
    step = ReviewStep.objects.get(case_study=case_study, kind="sent_back")
    assert (step.actor, step.reason) == (editors[0], "Add the re-attendance figures.")

    mine = client_for(author)
    preview = text(mine.get(f"/case-studies/{case_study.slug}/preview/"))
    assert "Sent back to draft" in preview
    assert "Editor-A sent this case study back on" in preview
    assert "Add the re-attendance figures." in preview
    assert (
        "Editor-A sent ‘Westminster navigators’ back to draft: Add the re-attendance figures."
        in text(mine.get("/my/"))
    )
    assert [message.to for message in mail.outbox] == [["author@westminster.gov.uk"]]
    assert "Add the re-attendance figures." in mail.outbox[0].body

    # Once resubmitted, the draft no longer says it was sent back.
    case_study_submit_for_review(
        case_study=CaseStudy.objects.get(pk=case_study.pk), acting_user=author
    )
    assert "Sent back to draft" not in text(mine.get(f"/case-studies/{case_study.slug}/preview/"))


def test_sending_back_through_the_api_needs_a_reason(author, editors):
    case_study = submitted(author)
    editor = client_for(editors[0])
    url = f"/api/v1/case-studies/{case_study.slug}/return-to-draft/"
    before = stored(case_study)
    for body in ({}, {"reason": ""}, {"reason": 12}, ["reason"]):
        response = editor.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == HTTPStatus.BAD_REQUEST, body
        assert response.json()["errors"]["reason"] == [
            "Enter why you are sending the case study back, so its author can act"
        ]
        assert stored(case_study) == before
    response = editor.post(url, json.dumps({"reason": "x" * 5001}), content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert stored(case_study) == before
    response = editor.post(
        url, json.dumps({"reason": "Name the contact."}), content_type="application/json"
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "draft"
    assert ReviewStep.objects.get(kind="sent_back").reason == "Name the contact."


def test_an_officer_cannot_send_back_even_with_a_reason(author):
    case_study = submitted(author)
    response = client_for(author).post(
        f"/api/v1/case-studies/{case_study.slug}/return-to-draft/",
        json.dumps({}),
        content_type="application/json",
    )
    # Refused for who they are, before their body is judged.
    assert response.status_code == HTTPStatus.FORBIDDEN


# --- Publishing records who and when, and tells the author ---------------------------------


def test_publishing_records_who_and_when_and_tells_the_author(
    author, editors, django_capture_on_commit_callbacks
):
    case_study = submitted(author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = case_study_publish(
            case_study=case_study, acting_user=editors[1], confirmed=CODES
        )
    assert (published.published_by, published.status) == (editors[1], "published")
    step = ReviewStep.objects.get(case_study=case_study, kind="published")
    assert (step.actor, step.at) == (editors[1], published.published_at)
    assert [message.to for message in mail.outbox] == [["author@westminster.gov.uk"]]
    assert mail.outbox[0].subject == "Published: Westminster navigators – SV Portal"
    page = text(client_for(author).get(f"/case-studies/{case_study.slug}/preview/"))
    assert "Published by Editor-B on" in page
    assert "Editor-B published ‘Westminster navigators’." in text(client_for(author).get("/my/"))


def test_nobody_is_told_of_their_own_step(editors):
    own = user("editor-author", "editor", email="own@editors.example")
    case_study = draft_by(own)
    case_study_submit_for_review(case_study=case_study, acting_user=own)
    case_study = CaseStudy.objects.get(pk=case_study.pk)
    case_study_return_to_draft(case_study=case_study, acting_user=own, reason="Mine to fix.")
    assert not ReviewNotice.objects.filter(recipient=own).exists()


# --- The queue ------------------------------------------------------------------------------


def test_an_editors_my_page_shows_the_queue_with_counts_and_ages(author, editors):
    older = submitted(author, "Older case study")
    newer = submitted(author, "Newer case study")
    three_days_ago = timezone.now() - dt.timedelta(days=3, hours=1)
    ReviewStep.objects.filter(case_study=older).update(at=three_days_ago)
    ReviewStep.objects.filter(case_study=newer).update(
        at=timezone.now() - dt.timedelta(hours=5, minutes=3)
    )
    page = text(client_for(editors[0]).get("/my/"))
    assert "2 case studies are waiting for review; the longest has waited 3 days." in page
    queue = page[page.index('id="review-queue"') :]
    assert queue.index("Older case study") < queue.index("Newer case study")
    assert "3 days" in queue
    assert "5 hours" in queue
    assert 'href="/my/case-studies/"' in client_for(editors[0]).get("/my/").content.decode()
    # An officer's /my/ has no queue.
    assert 'id="review-queue"' not in client_for(author).get("/my/").content.decode()


@pytest.mark.parametrize("extra", [1, 6])
def test_an_editors_my_page_queries_do_not_grow(author, editors, extra, django_assert_num_queries):
    """1 user, 1 desk roles, 1 global roles, 1 stock-takes, 1 review queue, 1 queue
    boroughs prefetch, 1 review notices with steps, case studies and actors (the session
    is read from the cache)."""
    for n in range(extra):
        submitted(author, f"Case study {n}")
    editor = client_for(editors[0])
    with django_assert_num_queries(7):
        response = editor.get("/my/")
    assert len(response.context["review_queue"]) == extra
    assert len(response.context["notices"]) == extra
