"""Saved searches: saving one from the case-studies page, managing them on /my/searches/,
and the digest e-mail of newly published case studies that match."""

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.utils import timezone

from boroughs.models import Borough
from casestudies import services
from casestudies.models import CaseStudy, SavedSearch, SavedSearchMatch
from casestudies.tasks import send_digests, send_saved_search_digests
from casestudies.tests.factories import ApproachFactory, CaseStudyFactory

pytestmark = pytest.mark.django_db

LIST = "/my/searches/"
NEW = "/my/searches/new/"


def make_user(name="saver", email=None):
    return get_user_model().objects.create_user(
        name, email=email if email is not None else f"{name}@example.org", password="x"
    )


@pytest.fixture
def user():
    return make_user()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def visible_text(response):
    main = response.content.decode().split("<main", 1)[1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def saved(user, name="County lines", query="q=county+lines", frequency="daily"):
    return services.saved_search_create(user=user, name=name, query=query, frequency=frequency)


# --- Saving ----------------------------------------------------------------------------------


def test_the_case_studies_page_offers_to_save_the_search_in_use(signed_in):
    response = signed_in.get("/case-studies/?q=county+lines&borough=suffolk&sort=title&page=1")
    page = response.content.decode()
    assert f'action="{NEW}"' in page
    assert 'name="query" value="q=county+lines&amp;borough=suffolk"' in page
    assert "Save this search" in page
    assert 'name="frequency" type="radio" value="weekly" checked' in page


def test_the_public_is_asked_to_sign_in_first(client):
    page = client.get("/case-studies/?q=knife").content.decode()
    assert "Sign in to save this search" in page
    assert "/accounts/login/?next=/case-studies/%3Fq%3Dknife" in page
    assert client.post(NEW, {"name": "x", "frequency": "daily"})["Location"].startswith(
        "/accounts/login/"
    )
    assert client.get(LIST)["Location"].startswith("/accounts/login/")
    assert not SavedSearch.objects.exists()


def test_saving_a_search(signed_in, user):
    response = signed_in.post(
        NEW,
        {
            "name": " County lines in Suffolk ",
            "frequency": "weekly",
            "query": "q=county+lines&borough=suffolk",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    (saved_search,) = SavedSearch.objects.filter(user=user)
    assert saved_search.name == "County lines in Suffolk"
    assert saved_search.query == "q=county+lines&borough=suffolk"
    assert saved_search.frequency == "weekly"
    listed = signed_in.get(LIST)
    words = visible_text(listed)
    assert "‘County lines in Suffolk’ is saved. We will email you every week" in words
    assert "Search words: county lines" in words
    assert "Borough: Suffolk" in words
    assert 'href="/case-studies/?q=county+lines&amp;borough=suffolk"' in listed.content.decode()


@pytest.mark.parametrize("name", ["", "   "])
def test_a_search_needs_a_name(signed_in, name):
    response = signed_in.post(NEW, {"name": name, "frequency": "daily", "query": "q=knife"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Save this search – SV Portal</title>" in page
    assert '<a href="#name">Enter a name for this search</a>' in page
    assert '<p id="name-error" class="govuk-error-message">' in page
    assert 'name="query" value="q=knife"' in page  # the search is kept for the next try
    assert not SavedSearch.objects.exists()


def test_a_search_needs_a_frequency(signed_in):
    response = signed_in.post(NEW, {"name": "Knives", "frequency": "hourly", "query": "q=knife"})
    assert response.status_code == 400
    assert (
        '<a href="#frequency">Select how often you want an email</a>' in response.content.decode()
    )


def test_filters_that_name_nothing_are_left_out_and_said_so(signed_in, user):
    query = "q=knife&borough=atlantis&borough=suffolk&region=mars&year=19x9&age=old"
    shown = signed_in.get(f"{NEW}?{query}")
    assert "These filters name nothing, so they will not be saved" in visible_text(shown)
    assert "There is no borough ‘atlantis’ – choose from the list" in visible_text(shown)
    signed_in.post(NEW, {"name": "Knives", "frequency": "daily", "query": query})
    assert SavedSearch.objects.get(user=user).query == "q=knife&borough=suffolk"
    words = visible_text(signed_in.get(LIST))
    assert "Filters that named nothing were left out" in words
    assert "There is no region ‘mars’" in words


def test_one_user_cannot_have_two_searches_of_one_name(signed_in, user):
    saved(user, name="Knife crime")
    response = signed_in.post(NEW, {"name": "knife CRIME", "frequency": "daily", "query": ""})
    assert response.status_code == 400
    assert "You already have a saved search called ‘knife CRIME’" in visible_text(response)
    other = make_user("other")
    assert saved(other, name="Knife crime").user == other


# --- Managing --------------------------------------------------------------------------------


def test_changing_how_often_the_email_comes(signed_in, user):
    saved_search = saved(user, frequency="daily")
    form = signed_in.get(f"{LIST}{saved_search.pk}/")
    assert 'value="daily" checked' in form.content.decode()
    response = signed_in.post(
        f"{LIST}{saved_search.pk}/", {"name": "County lines weekly", "frequency": "weekly"}
    )
    assert response["Location"] == LIST
    saved_search.refresh_from_db()
    assert (saved_search.name, saved_search.frequency) == ("County lines weekly", "weekly")
    assert saved_search.query == "q=county+lines"  # what it searches for stays


def test_a_change_is_checked_too(signed_in, user):
    saved_search = saved(user)
    response = signed_in.post(f"{LIST}{saved_search.pk}/", {"name": "", "frequency": "weekly"})
    assert response.status_code == 400
    assert "Enter a name for this search" in visible_text(response)
    assert "Change ‘County lines’" in visible_text(response)
    saved_search.refresh_from_db()
    assert saved_search.frequency == "daily"


def test_deleting_asks_first(signed_in, user):
    saved_search = saved(user)
    confirm = signed_in.get(f"{LIST}{saved_search.pk}/delete/")
    assert "Are you sure you want to delete ‘County lines’?" in visible_text(confirm)
    assert SavedSearch.objects.filter(pk=saved_search.pk).exists()
    response = signed_in.post(f"{LIST}{saved_search.pk}/delete/")
    assert response["Location"] == LIST
    assert not SavedSearch.objects.filter(pk=saved_search.pk).exists()
    assert "‘County lines’ has been deleted." in visible_text(signed_in.get(LIST))


def test_only_the_owner_sees_changes_or_deletes_a_search(signed_in, user):
    theirs = saved(make_user("someone-else"), name="Their search")
    mine = saved(user, name="My search")
    listed = visible_text(signed_in.get(LIST))
    assert "My search" in listed
    assert "Their search" not in listed
    for url in (f"{LIST}{theirs.pk}/", f"{LIST}{theirs.pk}/delete/"):
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, {"name": "Mine now", "frequency": "weekly"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their search"
    assert SavedSearch.objects.filter(pk=mine.pk).exists()


def test_the_services_refuse_a_stranger(user):
    saved_search = saved(make_user("owner"))
    with pytest.raises(services.PermissionDenied):
        services.saved_search_delete(saved_search=saved_search, acting_user=user)
    with pytest.raises(services.PermissionDenied):
        services.saved_search_update(
            saved_search=saved_search, acting_user=user, name="x", frequency="daily"
        )


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_queries_do_not_grow(signed_in, user, django_assert_num_queries, size):
    """1 user, 1 saved searches, then one each for the names of the boroughs, approaches
    and funding streams their filters use (the session is read from the cache)."""
    approach = ApproachFactory()
    for n in range(size):
        saved(
            user,
            name=f"Search {n}",
            query=f"q=word{n}&borough=suffolk&approach={approach.slug}"
            "&funding_stream=trusted-relationships-fund&region=london",
        )
    with django_assert_num_queries(5):
        response = signed_in.get(LIST)
    assert len(response.context["rows"]) == size


# --- The digest --------------------------------------------------------------------------------

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def saved_at(user, when=T0, **kwargs):
    saved_search = saved(user, **kwargs)
    SavedSearch.objects.filter(pk=saved_search.pk).update(created_at=when)
    saved_search.refresh_from_db()
    return saved_search


def published(title, when=T0 + dt.timedelta(hours=2), **kwargs):
    return CaseStudyFactory(title=title, published_at=when, summary="A summary.", **kwargs)


def test_a_newly_published_match_is_sent_once_and_never_again(user):
    saved_search = saved_at(user, query="q=wibblewock")
    match = published("Wibblewock youth work <b>bold</b>")
    published("Something else entirely")
    published("Wibblewock before the search was saved", when=T0 - dt.timedelta(days=1))
    published("Wibblewock draft", status="draft")

    assert send_digests(now=T0 + dt.timedelta(days=1)) == {"sent": 1, "failed": 0}
    (email,) = mail.outbox
    assert email.to == [user.email]
    assert email.subject == "1 new case study for ‘County lines’ – SV Portal"
    assert "Wibblewock youth work <b>bold</b>" in email.body
    assert f"/case-studies/{match.slug}/" in email.body
    assert "/my/searches/" in email.body
    assert "before the search" not in email.body
    assert "draft" not in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Wibblewock youth work &lt;b&gt;bold&lt;/b&gt;" in html
    assert SavedSearchMatch.objects.filter(saved_search=saved_search, case_study=match).exists()

    # Beat firing twice the same day sends nothing twice ...
    assert send_digests(now=T0 + dt.timedelta(days=1, minutes=5))["sent"] == 0
    # ... nor do the next days, nor does a search that is due again.
    assert send_digests(now=T0 + dt.timedelta(days=2))["sent"] == 0
    SavedSearch.objects.filter(pk=saved_search.pk).update(last_checked_at=None)
    assert send_digests(now=T0 + dt.timedelta(days=3))["sent"] == 0
    assert len(mail.outbox) == 1

    later = published("Wibblewock again", when=T0 + dt.timedelta(days=3, hours=1))
    assert send_digests(now=T0 + dt.timedelta(days=4))["sent"] == 1
    assert f"/case-studies/{later.slug}/" in mail.outbox[1].body
    assert f"/case-studies/{match.slug}/" not in mail.outbox[1].body


def test_daily_searches_go_daily_and_weekly_ones_weekly(user):
    daily = saved_at(user, name="Daily", query="q=cadencetest", frequency="daily")
    weekly = saved_at(user, name="Weekly", query="q=cadencetest", frequency="weekly")
    published("Cadencetest one")

    send_digests(now=T0 + dt.timedelta(days=1))
    assert [email.subject for email in mail.outbox] == ["1 new case study for ‘Daily’ – SV Portal"]

    for day in range(2, 7):
        published(f"Cadencetest day {day}", when=T0 + dt.timedelta(days=day - 1, hours=5))
        send_digests(now=T0 + dt.timedelta(days=day))
    assert all("Weekly" not in email.subject for email in mail.outbox)

    send_digests(now=T0 + dt.timedelta(days=7))
    weekly_emails = [email for email in mail.outbox if "Weekly" in email.subject]
    assert len(weekly_emails) == 1
    assert weekly_emails[0].subject == "6 new case studies for ‘Weekly’ – SV Portal"
    assert SavedSearchMatch.objects.filter(saved_search=weekly).count() == 6
    assert SavedSearchMatch.objects.filter(saved_search=daily).count() == 6
    # Nothing new: the next week's digest is not sent at all.
    send_digests(now=T0 + dt.timedelta(days=14))
    assert len([email for email in mail.outbox if "Weekly" in email.subject]) == 1


def test_a_digest_applies_the_searchs_filters(user):
    suffolk = Borough.objects.get(slug="suffolk")
    saved_at(user, query="q=filtertest&borough=suffolk")
    published("Filtertest in Suffolk", boroughs=[suffolk])
    published("Filtertest elsewhere")
    send_digests(now=T0 + dt.timedelta(days=1))
    (email,) = mail.outbox
    assert "Filtertest in Suffolk" in email.body
    assert "elsewhere" not in email.body


def test_users_without_an_address_or_inactive_get_nothing():
    saved_at(make_user("no-address", email=""), query="q=quiettest")
    inactive = make_user("gone")
    inactive.is_active = False
    inactive.save()
    saved_at(inactive, query="q=quiettest")
    published("Quiettest study")
    assert send_digests(now=T0 + dt.timedelta(days=1)) == {"sent": 0, "failed": 0}
    assert mail.outbox == []


def test_a_failed_send_is_tried_again_and_does_not_stop_the_others(user, monkeypatch):
    failing = saved_at(user, name="Failing", query="q=failtest")
    saved_at(make_user("lucky"), name="Lucky", query="q=failtest")
    published("Failtest study")
    real = services.saved_search_digest_message

    def message(saved_search, *args, **kwargs):
        if saved_search.pk == failing.pk:
            raise ConnectionError("the mail server is down")
        return real(saved_search, *args, **kwargs)

    monkeypatch.setattr(services, "saved_search_digest_message", message)
    assert send_digests(now=T0 + dt.timedelta(days=1)) == {"sent": 1, "failed": 1}
    assert not SavedSearchMatch.objects.filter(saved_search=failing).exists()
    monkeypatch.setattr(services, "saved_search_digest_message", real)
    assert send_digests(now=T0 + dt.timedelta(days=1, hours=1)) == {"sent": 1, "failed": 0}
    assert mail.outbox[-1].subject.endswith("for ‘Failing’ – SV Portal")


def test_the_task_runs_eagerly_without_a_broker(user):
    saved_at(user, query="q=eagertest", when=timezone.now() - dt.timedelta(days=2))
    published("Eagertest study", when=timezone.now() - dt.timedelta(days=1))
    send_saved_search_digests.delay()
    assert [email.subject for email in mail.outbox] == [
        "1 new case study for ‘County lines’ – SV Portal"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors are PostgreSQL's")
def test_the_daily_run_stores_missing_search_documents():
    # A change made outside the services (the admin, say) clears a document.
    CaseStudy.objects.filter(slug__startswith="redbridge").update(search_vector=None)
    assert CaseStudy.objects.filter(search_vector__isnull=True).exists()
    send_digests(now=T0)
    assert not CaseStudy.objects.filter(search_vector__isnull=True).exists()
