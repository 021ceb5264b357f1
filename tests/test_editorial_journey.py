"""The editorial loop end to end, on the pages: an officer drafts a case study with outcomes
and evidence and submits it; the editor is e-mailed and sees it in the queue, sends it back
with a reason the officer reads; on resubmission the editor sees what changed, clears the
checklist and publishes; the officer is told; the published case study downloads as a PDF."""

import io
import re
from html import unescape
from http import HTTPStatus

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy

pytestmark = pytest.mark.django_db


def person(name, role, borough=None, email=""):
    user = get_user_model().objects.create_user(name, email=email, first_name=name.title())
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None)
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def draft_form(**changes):
    data = {
        "title": "Westminster hospital navigators",
        "summary": "Youth workers meet young people in A&E.",
        "boroughs": [Borough.objects.get(slug="westminster").pk],
        "challenge": "Knife injuries among 14 to 17 year olds rose.",
        "solution": "Youth workers in A&E, then mentoring.",
        "impact": "Re-attendance fell.",
        "lessons_learned": "Start with the hospital's safeguarding lead.",
        "sustainability": "Funded by the CCG until 2025.",
        "evaluation_status": "completed",
        "evaluation_design": "before_after",
        "evidence_quote": "Re-attendance fell by a third in the year after.",
        "contact_name": "Sam Officer",
        "contact_email": "sam@westminster.gov.uk",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "30",
        "outcomes-0-metric": "Re-attendance at A&E with a knife injury",
        "outcomes-0-outcome_type": "hospital_admissions",
        "outcomes-0-direction": "decrease",
        "outcomes-0-value": "33",
        "outcomes-0-unit": "percent",
        "outcomes-0-period": "the year after",
        "outcomes-0-quote": "Re-attendance fell by a third.",
    }
    data.update(changes)
    return data


def test_the_editorial_loop(django_capture_on_commit_callbacks):
    officer = person("officer", "officer", "westminster", email="officer@westminster.gov.uk")
    editor = person("editor", "editor", email="editor@portal.example")

    # The officer drafts with outcomes and evidence, and submits it.
    response = officer.post("/case-studies/new/", draft_form())
    assert response.status_code == HTTPStatus.FOUND
    case_study = CaseStudy.objects.get(title="Westminster hospital navigators")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"/case-studies/{case_study.slug}/submit/", {"version": case_study.version}
        )
    assert response.status_code == HTTPStatus.FOUND

    # The editor is e-mailed and sees it in the queue.
    assert [message.to for message in mail.outbox] == [["editor@portal.example"]]
    assert "Officer submitted ‘Westminster hospital navigators’ for review." in text(
        editor.get("/my/")
    )
    assert "1 case study is waiting for review" in text(editor.get("/my/case-studies/"))

    # The editor sends it back with a reason, which the officer reads.
    case_study.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            f"/case-studies/{case_study.slug}/return-to-draft/",
            {"version": case_study.version, "reason": "Say how many young people were seen."},
        )
    assert mail.outbox[-1].to == ["officer@westminster.gov.uk"]
    preview = text(officer.get(f"/case-studies/{case_study.slug}/preview/"))
    assert "Say how many young people were seen." in preview

    # The officer changes it and resubmits; the editor sees what changed.
    case_study.refresh_from_db()
    response = officer.post(
        f"/case-studies/{case_study.slug}/edit/",
        draft_form(
            version=str(case_study.version),
            impact="Re-attendance fell; 212 young people were seen in the first year.",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    case_study.refresh_from_db()
    officer.post(f"/case-studies/{case_study.slug}/submit/", {"version": case_study.version})
    review = editor.get(f"/case-studies/{case_study.slug}/preview/")
    html = review.content.decode()
    assert re.findall(r'id="changed-([a-z_]+)"', html) == ["impact"]

    # The checklist: every section, an outcome, an evaluation, a contact and a figure for
    # the impact, so there is nothing to confirm; the editor publishes.
    assert re.findall(r'name="confirmed" type="checkbox" value="([^"]+)"', html) == []
    case_study.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/case-studies/{case_study.slug}/publish/", {"version": case_study.version}
        )
    assert response.status_code == HTTPStatus.FOUND
    case_study.refresh_from_db()
    assert case_study.status == "published"

    # The officer is told.
    assert mail.outbox[-1].subject == "Published: Westminster hospital navigators – SV Portal"
    assert "Editor published ‘Westminster hospital navigators’." in text(officer.get("/my/"))

    # It downloads as a PDF for anyone, with the date.
    response = Client().get(f"/case-studies/{case_study.slug}/pdf/")
    assert response.status_code == HTTPStatus.OK
    pdf = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "212 young people were seen" in re.sub(r"\s+", " ", pdf)
    assert "Published on SV Portal on" in re.sub(r"\s+", " ", pdf)
