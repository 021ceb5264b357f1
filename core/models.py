"""Abstract bases every app's models build on: timestamps, the source a record came
from, an age range, and how much of a date a source states. No tables of their own.

A sourced record points at the project's publication model, named by the
``SOURCE_MODEL`` setting (as ``AUTH_USER_MODEL`` names the user model), so this floor
imports no app.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class DatePrecision(models.TextChoices):
    """How much of a stored date the source actually states."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class SourcedModel(TimeStampedModel):
    """A record that can say where it came from: the publication and the place in it."""

    source = models.ForeignKey(
        settings.SOURCE_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_section = models.CharField(
        max_length=300, blank=True, help_text="Where in the source: a heading or paragraph."
    )

    class Meta:
        abstract = True


def validate_age_range(min_age: int | None, max_age: int | None) -> None:
    """Raise a field error when an age range runs backwards."""
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError(
            {"max_age": "The oldest age must be the same as or older than the youngest age."}
        )


def validate_dates_in_order(
    start: dt.date | None,
    end: dt.date | None,
    *,
    start_field: str,
    end_field: str,
    start_label: str,
    end_label: str,
) -> None:
    """Raise a field error on end_field when end comes before start."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {end_field: f"The {end_label} must be the same as or after the {start_label}."}
        )


AGE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(99)]


class AgeRangeModel(models.Model):
    min_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=AGE_VALIDATORS)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=AGE_VALIDATORS)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        validate_age_range(self.min_age, self.max_age)

    @property
    def age_range_display(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"{self.min_age} to {self.max_age}"
        if self.min_age is not None:
            return f"{self.min_age} and over"
        if self.max_age is not None:
            return f"up to {self.max_age}"
        return ""

    @staticmethod
    def age_range_constraint(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(min_age__isnull=True)
            | Q(max_age__isnull=True)
            | Q(min_age__lte=F("max_age")),
            name=name,
        )
