"""The starting vocabularies of approaches and settings; editors may add more in the admin."""

from django.db import migrations

APPROACHES = [
    ("public-health", "Public health", "Treats violence as preventable, like a disease: population data, root causes, whole-system partnership."),
    ("trauma-informed", "Trauma-informed", "Recognises the effect of adverse childhood experiences and trauma and avoids re-traumatising."),
    ("integrated-unit", "Integrated unit", "Agencies co-located or working as one multi-agency team."),
    ("contextual-safeguarding", "Contextual safeguarding", "Responds to the harm young people face outside the home: peers, schools, neighbourhoods, online."),
    ("strengths-based", "Strengths-based", "Builds on young people's and families' strengths, skills and interests."),
    ("community-led", "Community-led", "Communities, voluntary groups and young people shape and deliver the response."),
    ("data-led", "Data-led", "Shared data and analysis identify places, groups and people and target resources."),
]

SETTINGS = [
    ("school", "School"),
    ("further-education", "Further education college"),
    ("alternative-provision", "Alternative provision"),
    ("home", "Home and family"),
    ("community", "Community"),
    ("youth-club", "Youth club"),
    ("hospital", "Hospital and A&E"),
    ("police-custody", "Police custody"),
    ("court", "Court"),
    ("street", "Street and detached work"),
    ("online", "Online"),
    ("sport", "Sport"),
    ("secure-estate", "Secure estate"),
]


def add_vocabulary(apps, schema_editor):
    Approach = apps.get_model("casestudies", "Approach")
    Setting = apps.get_model("casestudies", "Setting")
    for slug, name, description in APPROACHES:
        Approach.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})
    for slug, name in SETTINGS:
        Setting.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0002_initial")]

    operations = [migrations.RunPython(add_vocabulary, migrations.RunPython.noop)]
