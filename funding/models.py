"""Money: who gives it, through which stream, to whom, and when it ends."""

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from boroughs.models import Borough, Organisation, Partnership
from core.dates import stated_date
from core.models import DatePrecision, SourcedModel, validate_dates_in_order
from core.search.postings import SearchPosting, posted_record

from .querysets import AwardQuerySet, FundingStreamQuerySet

NON_NEGATIVE = [MinValueValidator(Decimal("0"), message="Enter an amount of £0 or more.")]


def award_amount_display(amount: Decimal | None, is_minimum: bool) -> str:
    """An award's amount as a figure, "over" when the source states a minimum."""
    if amount is None:
        return "Amount not stated"
    prefix = "over " if is_minimum else ""
    return f"{prefix}£{amount:,.0f}" if amount == int(amount) else f"{prefix}£{amount:,.2f}"


def dates_in_order_constraint(start, end, name):
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__lte": F(end)}),
        name=name,
    )


def not_negative_constraint(field, name):
    """An amount, where one is stated, is £0 or more."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}), name=name
    )


class RunsFromStartToEnd(SourcedModel):
    """A stream or an award, which runs from starts_on to ends_on and does not end before
    it starts (the database holds it to that with dates_in_order_constraint)."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        validate_dates_in_order(
            self.starts_on,
            self.ends_on,
            start_field="starts_on",
            end_field="ends_on",
            start_label="start date",
            end_label="end date",
        )


class Funder(SourcedModel):
    class Kind(models.TextChoices):
        CENTRAL_GOVERNMENT = "central_government", "Central government"
        POLICING_BODY = "policing_body", "Police and crime commissioner or mayor's office"
        CHARITY_TRUST = "charity_trust", "Charity or trust"
        LOTTERY = "lottery", "Lottery distributor"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HEALTH = "health", "Health body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    website = models.URLField(blank=True)
    org_identifier = models.CharField(
        max_length=100,
        blank=True,
        help_text="360Giving organisation identifier, e.g. GB-GOR-D1234.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FundingStream(RunsFromStartToEnd):
    """A fund or programme, such as the Home Office's Early Intervention Youth Fund."""

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="streams"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    total_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    total_is_minimum = models.BooleanField(
        default=False, help_text="The source states the total as a minimum (\u201cover £…\u201d)."
    )
    total_text = models.CharField(max_length=300, blank=True, help_text="The total as printed.")
    starts_on = models.DateField(null=True, blank=True)
    starts_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ends_on = models.DateField(null=True, blank=True)
    ends_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    website = models.URLField(blank=True)
    #: The search document on PostgreSQL (core.search.index; funding/search.py).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = FundingStreamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            not_negative_constraint("total_amount", "stream_total_not_negative"),
            dates_in_order_constraint("starts_on", "ends_on", "stream_dates_in_order"),
        ]

    def __str__(self):
        return self.name


class Award(RunsFromStartToEnd):
    """Money from a stream to named recipients: boroughs, a partnership or an organisation."""

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="awards")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    recipient_boroughs = models.ManyToManyField(Borough, related_name="awards", blank=True)
    recipient_partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    amount = models.DecimalField(
        "amount (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    amount_is_minimum = models.BooleanField(
        default=False,
        help_text="The source states the amount as a minimum (\u201cover £700,000\u201d).",
    )
    amount_text = models.CharField(max_length=300, blank=True, help_text="The amount as printed.")
    awarded_on = models.DateField(null=True, blank=True)
    awarded_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    #: The search document on PostgreSQL (core.search.index; funding/search.py).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = AwardQuerySet.as_manager()

    #: Every change, by any path that saves (pages, API, admin, loader), with who and when.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-awarded_on", "title"]
        indexes = [
            # The list's order (newest first, ties by title, then id): a page of it reads
            # its rows in order, not every award sorted.
            models.Index(fields=["-awarded_on", "title", "id"], name="award_newest_first"),
            # What ends when (the funding page's timeline, both ways, and what ends soon on
            # the home page): the next or the last few to end, not every award sorted.
            models.Index(fields=["ends_on", "title"], name="award_by_end"),
            # The home page's count and total of every award, read from this index alone.
            models.Index(fields=["amount_is_minimum", "amount"], name="award_amounts"),
            # 360Giving lists only awards with an amount and a date, and says how many it
            # leaves out: both counts are read from this index alone, not from every
            # award's row (20,000 at national scale: 34 ms each to 4-12).
            models.Index(fields=["awarded_on", "amount"], name="award_dated_amounts"),
        ]
        constraints = [
            not_negative_constraint("amount", "award_amount_not_negative"),
            dates_in_order_constraint("starts_on", "ends_on", "award_dates_in_order"),
        ]

    def __str__(self):
        return self.title

    @property
    def funder(self):
        return self.stream.funder

    @property
    def amount_display(self):
        return award_amount_display(self.amount, self.amount_is_minimum)

    @property
    def awarded_on_display(self):
        return stated_date(self.awarded_on, self.awarded_on_precision)

    @property
    def ends_on_display(self):
        return stated_date(self.ends_on)


class AwardSearchPosting(SearchPosting):
    """A word of an award's stored search document (SearchPosting), kept by the triggers
    of migration 0009."""

    pk = models.CompositePrimaryKey("word", "award")
    award = posted_record(Award)

    class Meta(SearchPosting.Meta):
        db_table = "funding_award_postings"

    def __str__(self):
        return f"{self.word} in award {self.award_id}"


class BoroughAwardFigures(models.Model):
    """The awards recorded to an area, counted afresh whenever an award or its recipients
    are written rather than on every read (funding.figures; docs/decisions/0036)."""

    # No database constraint: an area's deletion removes its figures (funding.figures).
    borough = models.OneToOneField(
        Borough,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="award_figures",
    )
    awards = models.PositiveIntegerField(default=0)
    #: The stated amounts added up; a floor when any is "over £…" or not stated.
    total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    amounts_at_least = models.PositiveIntegerField(default=0)
    amounts_not_stated = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "area award figures"

    def __str__(self):
        return f"Award figures of {self.borough_id}"


# The receivers that keep streams' and awards' search documents and the areas' award
# figures (caches) fresh.
from . import figures as _figures  # noqa: E402, F401
from . import search as _search  # noqa: E402, F401
