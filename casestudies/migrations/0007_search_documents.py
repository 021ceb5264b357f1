"""Search documents made by core.search (docs/decisions/0011-one-search.md).

Interventions store theirs as case studies do. On PostgreSQL both get a GIN index; the
documents stored before, in PostgreSQL's english configuration, are cleared, to be
stored anew by the loader or `manage.py search_index`. On SQLite both get an FTS5 table.
"""

import django.contrib.postgres.search
from django.db import migrations

import core.search.index


def clear_old_documents(apps, schema_editor):
    """The old GIN index and documents go; SearchIndexStorage makes the new index."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_study_search_vector_gin")
        apps.get_model("casestudies", "CaseStudy").objects.update(search_vector=None)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0006_saved_searches"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(clear_old_documents, migrations.RunPython.noop, elidable=True),
        core.search.index.SearchIndexStorage("casestudies_casestudy"),
        core.search.index.SearchIndexStorage("casestudies_intervention"),
    ]
