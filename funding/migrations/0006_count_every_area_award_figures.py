from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Q, Sum


def count_every_area(apps, schema_editor):
    """The award figures of the areas already there, as funding.figures counts them, so that
    a read never meets an area not yet counted."""
    Borough = apps.get_model("boroughs", "Borough")
    Award = apps.get_model("funding", "Award")
    BoroughAwardFigures = apps.get_model("funding", "BoroughAwardFigures")
    figures = {
        pk: BoroughAwardFigures(borough_id=pk) for pk in Borough.objects.values_list("pk", flat=True)
    }
    for row in (
        Award.recipient_boroughs.through.objects.values("borough")
        .annotate(
            awards=Count("award"),
            total=Sum("award__amount"),
            at_least=Count("award", filter=Q(award__amount_is_minimum=True)),
            not_stated=Count("award", filter=Q(award__amount__isnull=True)),
        )
        .order_by()
    ):
        found = figures[row["borough"]]
        found.awards = row["awards"]
        found.total = row["total"] or Decimal("0")
        found.amounts_at_least = row["at_least"]
        found.amounts_not_stated = row["not_stated"]
    BoroughAwardFigures.objects.all().delete()
    BoroughAwardFigures.objects.bulk_create(figures.values(), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0005_area_figures"),
    ]

    operations = [
        migrations.RunPython(count_every_area, migrations.RunPython.noop),
    ]
