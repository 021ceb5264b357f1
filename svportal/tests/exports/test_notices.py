"""The daily notice to leads: overdue items and awards ending, once per item per day."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory
from boroughs.roles import role_grant
from boroughs.tests.factories import BoroughFactory
from funding.tests.factories import AwardFactory
from svportal.models import LeadNotice
from svportal.notices import lead_notices_due, send_lead_notices
from svportal.tasks import send_daily_lead_notices

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
YESTERDAY = TODAY - dt.timedelta(days=1)


def person(username, role=None, borough=None, email=True):
    user = get_user_model().objects.create_user(
        username,
        email=f"{username}@example.gov.uk" if email else "",
        first_name=username.title(),
    )
    if role:
        role_grant(user=user, role=role, borough=borough)
    return user


@pytest.fixture
def testshire():
    """A borough with one item of each kind: overdue, and not overdue for each reason."""
    borough = BoroughFactory(name="Testshire", slug="testshire")
    plan = ActionPlanFactory(borough=borough)
    overdue = ActionItemFactory(plan=plan, title="Mentoring in schools", due_date=YESTERDAY)
    for status in ("complete", "cancelled"):
        ActionItemFactory(plan=plan, due_date=YESTERDAY, status=status, progress=None)
    ActionItemFactory(plan=plan, due_date=TODAY)  # due today is not yet overdue
    ActionItemFactory(plan=plan, due_date=None)
    draft_plan = ActionPlanFactory(borough=borough, status="draft")
    ActionItemFactory(plan=draft_plan, due_date=YESTERDAY)  # not the borough's active plan
    ending = AwardFactory(
        title="Youth outreach grant",
        recipient_boroughs=[borough],
        starts_on=dt.date(2025, 1, 1),
        ends_on=TODAY + dt.timedelta(days=30),
    )
    AwardFactory(recipient_boroughs=[borough], ends_on=TODAY + dt.timedelta(days=91))
    AwardFactory(recipient_boroughs=[borough], ends_on=YESTERDAY)
    return {"borough": borough, "overdue": overdue, "ending": ending}


def test_a_lead_is_told_of_their_boroughs_overdue_items_and_awards_ending(testshire):
    lead = person("tess", "lead", testshire["borough"])
    assert send_lead_notices(TODAY) == {"sent": 1, "failed": 0}

    [message] = mail.outbox
    assert message.to == [lead.email]
    assert message.subject == (
        "Testshire: 1 overdue action item and 1 award ending within 90 days – SV Portal"
    )
    text = message.body
    assert "Mentoring in schools" in text
    assert "Was due 20 November 2026 (1 day ago)" in text
    assert f"/action-items/{testshire['overdue'].pk}/" in text
    assert "Youth outreach grant" in text
    assert "Ends 21 December 2026 (in 30 days)" in text
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="http://127.0.0.1:8000/action-items/' in html
    assert "Mentoring in schools" in html
    assert text.count("\n- ") == 2  # one item and one award: nothing else listed

    recorded = LeadNotice.objects.filter(user=lead, sent_on=TODAY)
    assert set(recorded.values_list("kind", "object_id")) == {
        ("overdue-item", testshire["overdue"].pk),
        ("award-ending", testshire["ending"].pk),
    }


def test_the_notice_is_sent_once_a_day_even_if_beat_fires_twice(testshire, monkeypatch):
    person("tess", "lead", testshire["borough"])
    monkeypatch.setattr("svportal.notices.timezone.localdate", lambda: TODAY)
    assert send_daily_lead_notices.apply().get() == {"sent": 1, "failed": 0}
    assert send_daily_lead_notices.apply().get() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    assert send_lead_notices(TODAY + dt.timedelta(days=1))["sent"] == 1  # the next day
    assert len(mail.outbox) == 2


def test_a_new_overdue_item_is_told_the_same_day_without_repeating_the_others(testshire):
    person("tess", "lead", testshire["borough"])
    send_lead_notices(TODAY)
    ActionItemFactory(
        plan=testshire["overdue"].plan, title="Knife arches at stations", due_date=YESTERDAY
    )
    assert send_lead_notices(TODAY)["sent"] == 1
    second = mail.outbox[-1]
    assert second.subject == "Testshire: 1 overdue action item – SV Portal"
    assert "Knife arches at stations" in second.body
    assert "Mentoring in schools" not in second.body


def test_only_leads_of_that_borough_are_told(testshire):
    person("officer", "officer", testshire["borough"])
    person("elsewhere", "lead", BoroughFactory())
    person("no-email", "lead", testshire["borough"], email=False)
    inactive = person("gone", "lead", testshire["borough"])
    inactive.is_active = False
    inactive.save()
    person("analyst", "analyst")
    lead = person("tess", "lead", testshire["borough"])
    send_lead_notices(TODAY)
    assert [message.to for message in mail.outbox] == [[lead.email]]


def test_nothing_is_sent_for_a_borough_without_overdue_items_or_funding_ending():
    quiet = BoroughFactory(name="Quietshire")
    plan = ActionPlanFactory(borough=quiet)
    ActionItemFactory(plan=plan, due_date=TODAY + dt.timedelta(days=5))
    ActionItemFactory(plan=plan, due_date=YESTERDAY, status="complete", progress=100)
    AwardFactory(recipient_boroughs=[quiet], ends_on=TODAY + dt.timedelta(days=200))
    person("quiet-lead", "lead", quiet)
    assert send_lead_notices(TODAY) == {"sent": 0, "failed": 0}
    assert mail.outbox == []
    assert not LeadNotice.objects.exists()


def test_a_lead_of_two_boroughs_gets_one_email_covering_both(testshire):
    other = BoroughFactory(name="Otherton")
    ActionItemFactory(plan=ActionPlanFactory(borough=other), due_date=YESTERDAY)
    lead = person("two-hats", "lead", testshire["borough"])
    role_grant(user=lead, role="lead", borough=other)
    send_lead_notices(TODAY)
    [message] = mail.outbox
    assert message.subject.startswith("Otherton and Testshire: 2 overdue action items and 1 award")


def test_a_failure_to_send_is_retried_the_next_run(testshire, monkeypatch):
    person("tess", "lead", testshire["borough"])

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("The mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", down)
        assert send_lead_notices(TODAY) == {"sent": 0, "failed": 1}
    assert not LeadNotice.objects.exists()  # the claims rolled back with the failure
    assert send_lead_notices(TODAY) == {"sent": 1, "failed": 0}


def test_finding_what_is_due_takes_three_queries_at_any_size(testshire, django_assert_num_queries):
    """1 leads with their users and boroughs, 1 overdue items with their plans and themes,
    1 awards ending with their streams; nothing per lead, item or award."""
    for n in range(3):
        person(f"lead-{n}", "lead", testshire["borough"])
    with django_assert_num_queries(3):
        due = lead_notices_due(TODAY)
    assert len(due) == 3
    for n in range(3, 12):
        person(f"lead-{n}", "lead", BoroughFactory())
        ActionItemFactory(plan=ActionPlanFactory(borough=testshire["borough"]), due_date=YESTERDAY)
    with django_assert_num_queries(3):
        assert len(lead_notices_due(TODAY)) == 3
