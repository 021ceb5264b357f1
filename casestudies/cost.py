"""What practice costs, as its source states it: cost per participant and cost-benefit.

Nothing is computed from figures the source does not give for the same work: a cost per
participant is recorded only where the source gives it (or both the cost and the number
of participants of the same work, exactly), each with its sentence. The cost band is
derived from the cost per participant by BANDS, in the database (as the evidence level
is), so the pages, the admin and the API cannot disagree; without a cost it is "not
stated".
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When


class CostBand(models.TextChoices):
    LOW = "low", "Low: under £500 per participant"
    MODERATE = "moderate", "Moderate: £500 to £2,000 per participant"
    HIGH = "high", "High: over £2,000 per participant"
    NOT_STATED = "not_stated", "Cost not stated"


#: (band, the cost per participant it starts at), highest first; modelled on the EIF
#: Guidebook's cost ratings, in three bands.
BANDS = (
    (CostBand.HIGH, Decimal("2000.01")),
    (CostBand.MODERATE, Decimal("500")),
    (CostBand.LOW, Decimal("0")),
)


def cost_band_for(cost_per_participant):
    if cost_per_participant is None:
        return CostBand.NOT_STATED
    for band, start in BANDS:
        if cost_per_participant >= start:
            return band
    return CostBand.LOW


def cost_band_expression():
    return Case(
        *(When(cost_per_participant__gte=start, then=Value(band.value)) for band, start in BANDS),
        default=Value(CostBand.NOT_STATED.value),
        output_field=models.CharField(max_length=20),
    )


class CostModel(models.Model):
    cost_per_participant = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In pounds, only where the source gives it (or the cost and the number "
        "of participants of the same work, both exactly).",
    )
    cost_quote = models.TextField(
        blank=True, help_text="The sentence from the source that gives the cost."
    )
    cost_benefit_ratio = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Pounds saved or returned for every £1 spent, as the source states it.",
    )
    cost_benefit_quote = models.TextField(
        blank=True, help_text="The cost-benefit statement as the source writes it."
    )
    cost_band = models.GeneratedField(
        expression=cost_band_expression(),
        output_field=models.CharField(max_length=20, choices=CostBand.choices),
        db_persist=True,
    )

    class Meta:
        abstract = True

    def get_cost_band_display(self):
        """The band's label ("Cost not stated" without a cost): Django makes no such method
        for a generated field, whose choices are its output field's. The band as read, or
        by the same rule from the cost when it was not (deferred, or not yet saved)."""
        band = self.__dict__.get("cost_band") or cost_band_for(self.cost_per_participant)
        return CostBand(band).label

    def clean(self):
        super().clean()
        errors = {}
        if self.cost_per_participant is not None and not self.cost_quote.strip():
            errors["cost_quote"] = "Quote the sentence from the source that gives the cost."
        if self.cost_benefit_ratio is not None and not self.cost_benefit_quote.strip():
            errors["cost_benefit_quote"] = "Quote the cost-benefit statement as written."
        if errors:
            raise ValidationError(errors)
