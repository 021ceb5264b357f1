"""What a search's matches count under is read by case study from an index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casestudies', '0026_facet_counts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='casestudyfacetvalue',
            name='case_study_id',
            field=models.PositiveIntegerField(),
        ),
        migrations.AddIndex(
            model_name='casestudyfacetvalue',
            index=models.Index(fields=['case_study_id'], include=('published', 'facet', 'value', 'label'), name='facet_values_of_case_study'),
        ),
    ]
