from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0019_case_study_status_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="casestudy",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-published_at", "-year", "title"],
                name="latest_published_case_study",
            ),
        ),
    ]
