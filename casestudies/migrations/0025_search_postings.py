"""On PostgreSQL, case studies are matched and ranked from the postings of the words
searched for (core.search.index.SearchPostingsStorage), never their long documents; the
postings are read through an unmanaged model, CaseStudySearchPosting."""

from django.db import migrations, models

import core.search.index


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0024_case_study_listed_columns"),
    ]

    operations = [
        core.search.index.SearchPostingsStorage("casestudies_casestudy"),
        migrations.CreateModel(
            name="CaseStudySearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word",
                        "case_study",
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
                "db_table": "casestudies_casestudy_postings",
                "managed": False,
            },
        ),
    ]
