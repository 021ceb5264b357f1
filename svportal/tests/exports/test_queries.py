"""An export reads its rows in a fixed number of queries, however many rows there are:
counted while every row of the file is produced, with the real data and again after more
records are added."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.tests.factories import ActionItemFactory
from boroughs.tests.factories import BoroughFactory
from casestudies.tests.factories import CaseStudyFactory
from funding.tests.factories import AwardFactory
from svportal.exports.selectors import export_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(make_user):
    return make_user("queries-analyst", role="analyst")


def queries_reading(kind, shape, owner):
    """Queries while every row of a kind is produced in one shape: "table" (CSV and XLSX),
    "records" (JSON) or "grants" (360Giving). The count for progress is not included."""
    if shape == "grants":
        source = export_kind(kind).grants_source({}, owner)
        rows = source.records
    else:
        source = export_kind(kind).source({}, owner)
        rows = source.table if shape == "table" else source.records
    with CaptureQueriesContext(connection) as queries:
        read = list(rows())
        if source.document_tail:
            source.document_tail()
    assert read
    return len(queries)


def add_records(count):
    ActionItemFactory.create_batch(count)
    CaseStudyFactory.create_batch(count)
    boroughs = BoroughFactory.create_batch(2)
    AwardFactory.create_batch(count, recipient_boroughs=boroughs)


@pytest.mark.parametrize(
    ("kind", "shape", "expected"),
    [
        # 1 items with their plan, borough, theme, editor and source (values_list).
        ("action-items", "table", 1),
        # 1 items with the same, as objects for the API's serializer.
        ("action-items", "records", 1),
        # 1 studies with partnership and source; prefetches of boroughs, approaches,
        # settings, interventions, their external ratings, awards and outcomes.
        ("case-studies", "records", 8),
        # 1 awards with stream, funder, recipients and source; 1 recipient boroughs.
        ("awards", "records", 2),
        # The same, as 360Giving grants.
        ("awards", "grants", 2),
        # 1 boroughs; then borough_summaries' four for them (one round: fewer than
        # BOROUGH_CHUNK_SIZE areas): active plans with their stored figures (items by
        # status, latest item update, overdue items), the areas' stored practice figures
        # (case studies, interventions in use) and award figures, plan answers of
        # stock-takes.
        ("borough-summary", "table", 5),
    ],
)
def test_export_queries_do_not_grow_with_the_rows(analyst, kind, shape, expected):
    assert queries_reading(kind, shape, analyst) == expected
    add_records(15)
    assert queries_reading(kind, shape, analyst) == expected
