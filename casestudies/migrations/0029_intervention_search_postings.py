"""On PostgreSQL, a search for one word finds interventions from the postings of the word
(core.search.index.SearchPostingsStorage), its best interventions first from an index,
and counts them from the postings alone, instead of matching and ranking every
intervention's document (at national scale about 2,000 of 2,900 hold a common word); the
postings are read through an unmanaged model, InterventionSearchPosting."""

from django.db import migrations, models

import core.search.index


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0028_outcomes_by_type"),
    ]

    operations = [
        core.search.index.SearchPostingsStorage("casestudies_intervention"),
        migrations.CreateModel(
            name="InterventionSearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word",
                        "intervention",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("word", models.TextField()),
                ("entry", models.TextField()),
                ("score", models.FloatField()),
            ],
            options={
                "db_table": "casestudies_intervention_postings",
                "managed": False,
            },
        ),
    ]
