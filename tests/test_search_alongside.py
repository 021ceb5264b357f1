"""A portal search whose heaviest ranking runs on a connection of its own (core.db.alongside)
finds what it finds in the request's thread alone, and sees a transaction's own writes."""

import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings

from casestudies.models import CaseStudy
from core.db import alongside
from svportal.search import portal_search

#: Words whose case studies are ranked from their postings (several words, with synonyms).
SEVERAL_WORDS = "county lines"


def _found(q):
    search = portal_search(user=None, q=q)
    return [(group.key, group.count, [r.slug for r in group.results]) for group in search.groups]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("A second connection that sees the same data needs a database server")


@pytest.fixture
def statements_alongside():
    """On as in production (the tests' settings leave it off, so that no other test leaves
    a connection open in the worker's thread), and that connection closed after."""
    with override_settings(SVPORTAL_STATEMENTS_ALONGSIDE=True):
        yield
    alongside.close_connections()


def test_outside_a_transaction_the_ranking_runs_alongside_and_finds_the_same(
    postgresql_only,
    real_data_restored_afterwards,
    transactional_db,
    statements_alongside,
    monkeypatch,
):
    threads = []
    begin = alongside.begin

    def begin_watched(using, work, *args, **kwargs):
        def watched(*a, **k):
            threads.append(threading.current_thread().name)
            return work(*a, **k)

        return begin(using, watched, *args, **kwargs)

    monkeypatch.setattr(alongside, "begin", begin_watched)
    with override_settings(SVPORTAL_STATEMENTS_ALONGSIDE=False):
        in_this_thread = _found(SEVERAL_WORDS)
    assert threads == [threading.current_thread().name]
    threads.clear()
    found = _found(SEVERAL_WORDS)
    assert threads
    assert threads[0].startswith("statements-alongside")
    assert found == in_this_thread
    counts = dict((key, count) for key, count, _ in found)
    assert counts["case_studies"] >= 2
    assert counts["plan_items"] >= 1


@pytest.mark.django_db
def test_inside_a_transaction_a_search_finds_the_transaction_s_own_writes(
    postgresql_only, statements_alongside
):
    """A second connection could not see them: the ranking stays in this thread."""
    study = CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED).first()
    with transaction.atomic():
        study.title = "County lines: a zebrafinch outreach pilot"
        study.save()
        assert not alongside.can_run_alongside(connection.alias)
        found = portal_search(user=None, q="zebrafinch county lines")
    (case_studies,) = [group for group in found.groups if group.key == "case_studies"]
    assert [r.slug for r in case_studies.results] == [study.slug]
