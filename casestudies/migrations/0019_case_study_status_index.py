from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0018_search_matches_function"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="casestudy",
            index=models.Index(fields=["status", "id"], name="case_study_status"),
        ),
    ]
