"""On PostgreSQL, a search for one word finds awards from the postings of the word
(core.search.index.SearchPostingsStorage), its best awards first from an index, instead
of matching and ranking every award's document; the postings are read through an
unmanaged model, AwardSearchPosting."""

from django.db import migrations, models

import core.search.index


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0008_award_dated_amounts"),
    ]

    operations = [
        core.search.index.SearchPostingsStorage("funding_award"),
        migrations.CreateModel(
            name="AwardSearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word",
                        "award",
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
                "db_table": "funding_award_postings",
                "managed": False,
            },
        ),
    ]
