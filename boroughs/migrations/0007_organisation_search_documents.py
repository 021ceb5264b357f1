"""Organisations get search documents made by core.search (docs/decisions/0012-one-search.md):
a GIN index on PostgreSQL, an FTS5 table on SQLite. The loader or `manage.py search_index`
stores them.
"""

import django.contrib.postgres.search
from django.db import migrations

import core.search.index


class Migration(migrations.Migration):

    dependencies = [
        ('boroughs', '0006_published_totals_without_a_number'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        core.search.index.SearchIndexStorage('boroughs_organisation'),
    ]
