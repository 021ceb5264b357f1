"""On PostgreSQL, case studies' searches match through the GIN index alone
(core.search.index.IndexMatches): their documents are long and stored out of line."""

from django.db import migrations

import core.search.index


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0017_plan_item_links_history"),
    ]

    operations = [
        migrations.RunPython(
            core.search.index.create_matches_function, core.search.index.drop_matches_function
        ),
    ]
