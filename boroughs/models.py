"""The ground floor: places, partnerships, organisations, sources and what boroughs report.

Every other app builds on these models; this module imports no other app.
"""

from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from core.models import (
    DatePrecision,
    SourcedModel,
    TimeStampedModel,
    validate_dates_in_order,
)

from .querysets import DISTRICT_KINDS, BoroughQuerySet, PartnershipQuerySet

GSS_CODE_VALIDATOR = RegexValidator(
    regex=r"^[ENSW]\d{8}$",
    message="Enter an ONS GSS code: a letter E, W, S or N and eight digits, like E09000033.",
)


class Source(TimeStampedModel):
    """A publication the portal's facts come from (a guide, a report, a survey)."""

    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    published_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    document = models.CharField(
        max_length=200, blank=True, help_text="File name of the document in the seed collection."
    )
    url = models.URLField(blank=True)
    licence = models.CharField(
        max_length=200, blank=True, help_text="The licence the publication is used under."
    )
    attribution = models.TextField(
        blank=True, help_text="The attribution the licence asks for, wherever the data is shown."
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire_and_the_humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"


class Borough(SourcedModel):
    """Any English or Welsh local authority — the portal calls them all boroughs."""

    class Kind(models.TextChoices):
        LONDON_BOROUGH = "london_borough", "London borough"
        CITY_OF_LONDON = "city_of_london", "City of London"
        METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
        UNITARY = "unitary", "Unitary authority"
        COUNTY = "county", "County council"
        DISTRICT = "district", "Non-metropolitan district"
        COMBINED_AUTHORITY = "combined_authority", "Combined authority"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    gss_code = models.CharField(
        "GSS code", max_length=9, unique=True, validators=[GSS_CODE_VALIDATOR]
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    region = models.CharField(max_length=30, choices=Region.choices)
    police_force = models.CharField(max_length=150, blank=True)
    districts = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="covering_areas",
        blank=True,
        help_text="For a county council or combined authority: the districts it covers.",
    )
    #: The search document on PostgreSQL (core.search.index; boroughs/search.py).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = BoroughQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_district(self):
        return self.kind in DISTRICT_KINDS


class AreaRow(NamedTuple):
    """An area as a row of a table of every council shows it (BoroughQuerySet.
    summary_rows), read as values: building hundreds of model instances a request cost
    more than reading them. It answers as a Borough does for what such a row shows."""

    pk: int
    name: str
    slug: str
    gss_code: str
    kind: str
    region: str

    def get_region_display(self) -> str:
        return _REGION_LABELS.get(self.region, self.region)

    def get_kind_display(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_district(self) -> bool:
        return self.kind in DISTRICT_KINDS


_REGION_LABELS: dict[str, str] = dict(Region.choices)
_KIND_LABELS: dict[str, str] = dict(Borough.Kind.choices)


class Organisation(SourcedModel):
    """A provider or partner: a charity, social enterprise, police force, NHS body …"""

    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        COMMUNITY_GROUP = "community_group", "Community group"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        COMPANY = "company", "Company"
        PUBLIC_BODY = "public_body", "Public body"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    #: The search document on PostgreSQL (core.search.index; boroughs/search.py).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partnership(SourcedModel):
    """A multi-agency body: CSP, Violence Reduction Unit, integrated gangs unit, PCC area …"""

    class Kind(models.TextChoices):
        CSP = "csp", "Community safety partnership"
        VRU = "vru", "Violence reduction unit"
        INTEGRATED_GANGS_UNIT = "integrated_gangs_unit", "Integrated gangs unit"
        PCC_AREA = "pcc_area", "Police and crime commissioner area"
        SAFEGUARDING_PARTNERSHIP = "safeguarding_partnership", "Safeguarding partnership"
        OTHER = "other", "Other multi-agency body"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    members = models.ManyToManyField(Borough, related_name="partnerships", blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BoroughRole(TimeStampedModel):
    """A user's membership of a borough, as officer or lead."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Community safety officer"
        LEAD = "lead", "Borough lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="borough_roles"
    )
    borough = models.ForeignKey(Borough, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["borough__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "borough"], name="one_role_per_user_and_borough"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.borough}"


class StockTake(SourcedModel):
    """A survey round, such as London Councils' June 2018 stock-take of borough activity."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=150, unique=True)
    publisher = models.CharField(max_length=200)
    conducted_on = models.DateField(null=True, blank=True)
    conducted_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    published_on = models.DateField(null=True, blank=True)
    published_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    coverage_region = models.CharField(
        max_length=30,
        choices=Region.choices,
        help_text="The round covers every borough in this region.",
    )
    is_current = models.BooleanField(
        default=False, help_text="Leads answer the current round for their borough."
    )

    class Meta:
        ordering = ["-conducted_on", "title"]
        verbose_name = "stock-take"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        validate_dates_in_order(
            self.conducted_on,
            self.published_on,
            start_field="conducted_on",
            end_field="published_on",
            start_label="date it was conducted",
            end_label="publication date",
        )


class StockTakeQuestion(SourcedModel):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=100)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["stock_take", "number"]
        verbose_name = "stock-take question"
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "slug"], name="unique_question_slug"),
            models.UniqueConstraint(fields=["stock_take", "number"], name="unique_question_number"),
        ]

    def __str__(self):
        return f"Q{self.number}. {self.text}"


class StockTakeOption(models.Model):
    """One possible answer to a stock-take question."""

    question = models.ForeignKey(
        StockTakeQuestion, on_delete=models.CASCADE, related_name="options"
    )
    slug = models.SlugField(max_length=100)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order"]
        verbose_name = "stock-take option"
        constraints = [
            models.UniqueConstraint(fields=["question", "slug"], name="unique_option_slug"),
        ]

    def __str__(self):
        return self.label


class PublishedTotal(SourcedModel):
    """A total the source publishes ("Twenty-two boroughs said …"), kept beside our own tally."""

    question = models.ForeignKey(
        StockTakeQuestion, on_delete=models.CASCADE, related_name="published_totals"
    )
    option = models.ForeignKey(
        StockTakeOption,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="published_totals",
        help_text="Empty when the total counts several answers together.",
    )
    label = models.CharField(max_length=300, help_text="What the total counts.")
    count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the source gives no number (“nearly all”)."
    )
    quantity = models.CharField(
        max_length=100,
        blank=True,
        help_text="The source's words for a total it gives without a number, e.g. Nearly all.",
    )
    denominator = models.PositiveSmallIntegerField()
    quote = models.TextField()

    class Meta:
        ordering = ["question", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__lte=F("denominator")), name="published_total_within_denominator"
            )
        ]

    def __str__(self):
        return f"{self.amount_display}: {self.label}"

    @property
    def amount_display(self):
        """A total as read: "22 of 33", or the source's words without a number
        ("Nearly all of 33")."""
        if self.count is None:
            return f"{self.quantity or 'An unstated number'} of {self.denominator}"
        return f"{self.count} of {self.denominator}"

    @property
    def is_everyone(self):
        """The source says this of every borough it covers."""
        return self.count is not None and self.count == self.denominator

    def clean(self):
        super().clean()
        if self.count is None and not self.quantity:
            raise ValidationError(
                {"quantity": "Enter the source's words for a total it gives without a number."}
            )
        if self.count is not None and self.denominator is not None:
            if self.count > self.denominator:
                raise ValidationError({"count": "The count cannot be more than the denominator."})
        if self.option_id and self.question_id and self.option.question_id != self.question_id:
            raise ValidationError({"option": "Choose an answer to this question."})


class StockTakeAnswer(SourcedModel):
    """A named borough's answer to one question, only as the source or the lead records it."""

    question = models.ForeignKey(
        StockTakeQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    borough = models.ForeignKey(
        Borough, on_delete=models.CASCADE, related_name="stock_take_answers"
    )
    option = models.ForeignKey(StockTakeOption, on_delete=models.PROTECT, related_name="answers")
    quote = models.TextField(blank=True, help_text="The source's words, where it gives them.")
    evidence = models.TextField(blank=True, help_text="The lead's evidence for the answer.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question", "borough__name"]
        verbose_name = "stock-take answer"
        constraints = [
            models.UniqueConstraint(
                fields=["question", "borough"], name="one_answer_per_borough_and_question"
            )
        ]

    def __str__(self):
        return f"{self.borough}: {self.option}"

    def clean(self):
        super().clean()
        if self.option_id and self.question_id and self.option.question_id != self.question_id:
            raise ValidationError({"option": "Choose an answer to this question."})


# The receivers that keep the areas' search documents (a cache) fresh.
from . import search as _search  # noqa: E402, F401
