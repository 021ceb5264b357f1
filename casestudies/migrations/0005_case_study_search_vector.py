"""The stored full-text document of each case study (casestudies/search.py).

On PostgreSQL it gets a GIN index, a partial index of the case studies without one (so
the search finds those quickly and computes their document), and is filled for the case
studies already there. All this happens only on PostgreSQL: SQLite has no GIN indexes and
no full text, and there the column stays empty. The index is made here rather than in the model's Meta.indexes so
that SQLite, which rebuilds a table's indexes from the model when a later migration
alters the table, never meets it.
"""

import django.contrib.postgres.search
from django.db import migrations


def add_index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from casestudies.search import refresh_historical_case_study_vectors

    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_study_search_vector_gin "
        "ON casestudies_casestudy USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_study_search_vector_missing "
        "ON casestudies_casestudy (id) WHERE search_vector IS NULL"
    )
    model = apps.get_model("casestudies", "CaseStudy")
    refresh_historical_case_study_vectors(model, schema_editor.connection.alias)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_study_search_vector_gin")
        schema_editor.execute("DROP INDEX IF EXISTS case_study_search_vector_missing")


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0004_case_study_version"),
        ("boroughs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestudy",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(add_index_and_fill, drop_index, elidable=True),
    ]
