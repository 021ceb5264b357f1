"""On PostgreSQL, a search for one word finds and counts plan items from the postings of
the word (core.search.index.SearchPostingsStorage), its best items first from an index,
instead of matching and ranking every item's document; the postings are read through an
unmanaged model, ActionItemSearchPosting. Counting the items a reader may see joins the
postings to an index of each item's plan."""

from django.db import migrations, models

import core.search.index


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0011_dated_plan_figures"),
    ]

    operations = [
        core.search.index.SearchPostingsStorage("actionplans_actionitem"),
        migrations.CreateModel(
            name="ActionItemSearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word",
                        "item",
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
                "db_table": "actionplans_actionitem_postings",
                "managed": False,
            },
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(fields=["id", "plan"], name="item_plan_by_id"),
        ),
    ]
