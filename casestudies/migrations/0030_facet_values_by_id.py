"""What each case study counts under points at the value's row of PublishedFacetCount,
so that a search's matches are counted by an integer and named once counted."""

import django.db.models.deletion
from django.db import migrations, models


def point_at_the_values(apps, schema_editor):
    """Every value a case study counts under gets a row of PublishedFacetCount (counting
    no published case study when only drafts count under it), and each case study's
    values are written again pointing at theirs: new rows, without the names, where an
    update would keep each row's names in the table after their columns are dropped."""
    CaseStudyFacetValue = apps.get_model("casestudies", "CaseStudyFacetValue")
    PublishedFacetCount = apps.get_model("casestudies", "PublishedFacetCount")
    rows = list(
        CaseStudyFacetValue.objects.values_list(
            "case_study_id", "published", "facet", "value", "label"
        )
    )
    named = set(PublishedFacetCount.objects.values_list("facet", "value", "label"))
    PublishedFacetCount.objects.bulk_create(
        [
            PublishedFacetCount(facet=facet, value=value, label=label, count=0)
            for facet, value, label in {row[2:] for row in rows} - named
        ],
        batch_size=5000,
    )
    ids = {
        (facet, value, label): pk
        for pk, facet, value, label in PublishedFacetCount.objects.values_list(
            "pk", "facet", "value", "label"
        )
    }
    CaseStudyFacetValue.objects.all().delete()
    CaseStudyFacetValue.objects.bulk_create(
        [
            CaseStudyFacetValue(
                case_study_id=pk, published=published, counted_id=ids[facet, value, label]
            )
            for pk, published, facet, value, label in rows
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0029_intervention_search_postings"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="casestudyfacetvalue",
            name="facet_value_published",
        ),
        migrations.RemoveIndex(
            model_name="casestudyfacetvalue",
            name="facet_values_of_case_study",
        ),
        migrations.AddField(
            model_name="casestudyfacetvalue",
            name="counted",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="casestudies.publishedfacetcount",
            ),
        ),
        *(
            migrations.AlterField(
                model_name="casestudyfacetvalue",
                name=name,
                field=models.CharField(max_length=length, null=True),
            )
            for name, length in (("facet", 30), ("value", 255), ("label", 255))
        ),
        migrations.RunPython(point_at_the_values, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="casestudyfacetvalue",
            name="facet",
        ),
        migrations.RemoveField(
            model_name="casestudyfacetvalue",
            name="value",
        ),
        migrations.RemoveField(
            model_name="casestudyfacetvalue",
            name="label",
        ),
        migrations.RenameField(
            model_name="casestudyfacetvalue",
            old_name="counted",
            new_name="value",
        ),
        migrations.AlterField(
            model_name="casestudyfacetvalue",
            name="value",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="casestudies.publishedfacetcount",
            ),
        ),
        migrations.AddIndex(
            model_name="casestudyfacetvalue",
            index=models.Index(fields=["value", "published"], name="facet_value_published"),
        ),
        migrations.AddIndex(
            model_name="casestudyfacetvalue",
            index=models.Index(
                fields=["case_study_id"],
                include=("published", "value"),
                name="facet_values_of_case_study",
            ),
        ),
    ]
