"""Practice and evidence: case studies, the interventions they use, and what they achieved."""

from django.conf import settings as django_settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from actionplans.models import ActionItem
from boroughs.models import Borough, Organisation, Partnership
from core.models import AgeRangeModel, SourcedModel, TimeStampedModel
from core.search.postings import SearchPosting, posted_record
from funding.models import Award

from .cost import CostModel
from .evidence import EvidenceModel
from .querysets import CaseStudyQuerySet, InterventionQuerySet


class Approach(models.Model):
    """A way of working: public health, trauma-informed, contextual safeguarding …"""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Setting(models.Model):
    """Where the work happens: school, hospital, home, street …"""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Intervention(AgeRangeModel, EvidenceModel, CostModel, SourcedModel):
    """A programme or practice, such as Functional Family Therapy or A&E navigators."""

    class Category(models.TextChoices):
        MENTORING = "mentoring", "Mentoring"
        FAMILY_SUPPORT = "family_support", "Family support"
        THERAPEUTIC = "therapeutic", "Therapeutic"
        EDUCATION = "education", "Education and awareness"
        YOUTH_WORK = "youth_work", "Youth work and diversion"
        HEALTH = "health", "Health-based"
        OUTREACH = "outreach", "Outreach"
        ADVOCACY = "advocacy", "Advocacy and exit support"
        ENFORCEMENT = "enforcement", "Enforcement and disruption"
        WORKFORCE_TRAINING = "workforce_training", "Workforce training"
        COMMUNITY_ENGAGEMENT = "community_engagement", "Community engagement"
        EMPLOYMENT_TRAINING = "employment_training", "Employment and training"
        DATA_AND_MAPPING = "data_and_mapping", "Data and mapping"

    class PreventionLevel(models.TextChoices):
        UNIVERSAL = "universal", "Universal"
        TARGETED = "targeted", "Targeted"
        INTENSIVE = "intensive", "Intensive"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    prevention_level = models.CharField(max_length=20, choices=PreventionLevel.choices)
    settings = models.ManyToManyField(Setting, related_name="interventions", blank=True)
    providers = models.ManyToManyField(Organisation, related_name="interventions", blank=True)
    #: The plan items that deliver it: plans count as use (docs/decisions/0028).
    plan_items = models.ManyToManyField(
        ActionItem, through="PlanItemIntervention", related_name="interventions", blank=True
    )
    evidence_url = models.URLField(
        blank=True, help_text="A page of external evidence about it (optional)."
    )
    #: The search document on PostgreSQL (core.search.index; casestudies/search.py).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [AgeRangeModel.age_range_constraint("intervention_age_range_in_order")]
        indexes = [models.Index(fields=["evidence_level"], name="intervention_evidence_level")]

    def __str__(self):
        return self.name


#: A case study's summary is shown in every list: a paragraph or two, no more.
SUMMARY_MAX_LENGTH = 2_000
#: The case study's many-to-many fields that a writer sets (the drafting form, the API,
#: the services), each as a collection of records.
WRITABLE_RELATIONS = ("boroughs", "approaches", "settings", "interventions", "awards")


class CaseStudy(AgeRangeModel, EvidenceModel, CostModel, SourcedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField()
    boroughs = models.ManyToManyField(Borough, related_name="case_studies", blank=True)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="case_studies"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    challenge = models.TextField(blank=True)
    solution = models.TextField(blank=True)
    impact = models.TextField(blank=True)
    lessons_learned = models.TextField(blank=True)
    sustainability = models.TextField("how the approach is sustained", blank=True)
    approaches = models.ManyToManyField(Approach, related_name="case_studies", blank=True)
    settings = models.ManyToManyField(Setting, related_name="case_studies", blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_role = models.CharField(max_length=300, blank=True)
    contact_organisation = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Moves on by one with every saved change, so a stale edit is refused, never applied.
    version = models.PositiveIntegerField(default=1)
    interventions = models.ManyToManyField(Intervention, related_name="case_studies", blank=True)
    awards = models.ManyToManyField(Award, related_name="case_studies", blank=True)
    #: Programmes the writer used that are not yet recorded as interventions, for an editor
    #: to add: a name and a line on each.
    proposed_interventions = models.TextField(
        blank=True, help_text="Interventions used that are not in the portal's list yet."
    )
    #: The writer says nothing was measured: no outcome is then not an oversight.
    no_measured_outcome = models.BooleanField(
        default=False, help_text="Nothing was measured, so no outcome is recorded."
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The search document on PostgreSQL (core.search.index; casestudies/search.py), a
    #: cache of the text kept fresh whenever it or what it links to changes. GIN-indexed
    #: by migration, not in Meta.indexes, so that SQLite never sees a GIN index; SQLite
    #: keeps its documents in an FTS5 table and leaves this column empty.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = CaseStudyQuerySet.as_manager()

    #: Every change, by any path that saves (pages, API, admin, loader), with who and when.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "case studies"
        indexes = [
            models.Index(fields=["evidence_level"], name="case_study_evidence_level"),
            # The published studies' ids without reading their text: the figures per
            # borough join them to boroughs and interventions (svportal.selectors).
            models.Index(fields=["status", "id"], name="case_study_status"),
            # The lists' order without one asked for: a page reads its rows in order
            # rather than sorting every study with its text.
            models.Index(fields=["title", "id"], name="case_study_by_title"),
            # The facets' counts (each study's counted columns) and the related studies'
            # order (year and title) are read from here rather than from the wide rows
            # (on SQLite, which includes no columns, it is a plain index).
            models.Index(
                fields=["status", "id"],
                include=[
                    "year",
                    "evidence_level",
                    "evaluation_design",
                    "cost_band",
                    "min_age",
                    "max_age",
                    "title",
                ],
                name="case_study_listed_columns",
            ),
            # The home page's latest few, without sorting every published study.
            models.Index(
                fields=["-published_at", "-year", "title"],
                condition=models.Q(status="published"),
                name="latest_published_case_study",
            ),
        ]
        constraints = [
            AgeRangeModel.age_range_constraint("case_study_age_range_in_order"),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1990, year__lte=2100),
                name="case_study_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title


class InterventionSearchPosting(SearchPosting):
    """A word of an intervention's stored search document (SearchPosting), kept by the
    triggers of migration 0029."""

    pk = models.CompositePrimaryKey("word", "intervention")
    intervention = posted_record(Intervention)

    class Meta(SearchPosting.Meta):
        db_table = "casestudies_intervention_postings"

    def __str__(self):
        return f"{self.word} in intervention {self.intervention_id}"


class CaseStudySearchPosting(SearchPosting):
    """A word of a case study's stored search document (SearchPosting), kept by the
    triggers of migration 0025."""

    pk = models.CompositePrimaryKey("word", "case_study")
    case_study = posted_record(CaseStudy)

    class Meta(SearchPosting.Meta):
        db_table = "casestudies_casestudy_postings"

    def __str__(self):
        return f"{self.word} in case study {self.case_study_id}"


class Outcome(SourcedModel):
    """A measured result, e.g. "ASB in Loftus reduced by 41 per cent in the 12 months to …"."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "Per cent"
        COUNT = "count", "Count"
        GBP = "gbp", "Pounds"
        RATIO = "ratio", "Ratio"
        PERCENTAGE_POINTS = "percentage_points", "Percentage points"

    class Direction(models.TextChoices):
        DECREASE = "decrease", "Decrease"
        INCREASE = "increase", "Increase"
        NONE = "none", "No direction"

    class Type(models.TextChoices):
        """What kind of result it is: the controlled list the filters offer. A count of
        activity or reach (sessions held, staff trained, money levered in) has none."""

        OFFENDING = "offending", "Offending and anti-social behaviour"
        KNIFE_CRIME = "knife_crime", "Knife crime or weapon possession"
        HOSPITAL_ADMISSIONS = "hospital_admissions", "Violence-related hospital admissions"
        EXPLOITATION = "exploitation", "Exploitation identified or disrupted"
        SCHOOL = "school", "School exclusion and attendance"
        ENGAGEMENT = "engagement", "Engagement or referrals"
        WELLBEING = "wellbeing", "Wellbeing"
        AWARENESS = "awareness", "Knowledge and awareness"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.NONE)
    outcome_type = models.CharField(
        "type of outcome",
        max_length=30,
        choices=Type.choices,
        blank=True,
        help_text="Leave blank for a count of activity or reach rather than a result.",
    )
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    period = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case_study", "order", "id"]
        indexes = [
            # The outcomes of a type (the interventions' outcome facet and filter): at
            # national scale a few dozen among 30,000 counts of activity without one,
            # read from this index rather than from every outcome (18 ms to under 1).
            models.Index(
                fields=["outcome_type", "case_study"],
                name="outcome_typed",
                condition=~models.Q(outcome_type=""),
            ),
        ]

    def __str__(self):
        return f"{self.metric}: {self.value_display}"

    @property
    def value_display(self):
        value = f"{self.value.normalize():f}"
        if self.unit == self.Unit.PERCENT:
            return f"{value}%"
        if self.unit == self.Unit.GBP:
            return f"£{self.value:,.0f}"
        if self.unit == self.Unit.PERCENTAGE_POINTS:
            return f"{value} percentage points"
        return value


class ReviewStep(models.Model):
    """One step in a case study's review: submitted, sent back (with the reason), published
    or unpublished — who, when, and the case study as it then stood, so that an editor can
    see what changed since the last review (casestudies/review.py)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent_back", "Sent back to draft"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="review_steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    #: The case study's content at this step: {field: value as text}.
    snapshot = models.JSONField(default=dict, blank=True)
    #: The publishing checklist at publication: [{"code", "text"}] each point confirmed.
    confirmed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case_study", "at", "pk"]
        indexes = [models.Index(fields=["case_study", "kind", "at"])]

    def __str__(self):
        return f"{self.case_study} – {self.get_kind_display()}"


class ReviewNotice(models.Model):
    """A review step told to one person: listed on their /my/ page, and e-mailed to them
    once (emailed_at is claimed before the mail goes, in one transaction)."""

    step = models.ForeignKey(ReviewStep, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notices"
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["step", "recipient"], name="review_notice_once")
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self):
        return f"{self.step} → {self.recipient}"


class SavedSearch(models.Model):
    """A user's case-study search and filters, e-mailed to them as a digest of newly
    published case studies that match it, daily or weekly (casestudies/tasks.py)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    #: The search as the case-studies page's query string (q and filters; no sort or page),
    #: holding only values that named something when it was saved.
    query = models.CharField(max_length=2000, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the digest was last due and looked for matches (whether or not any were sent).
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "user", name="saved_search_name_unique_per_user")
        ]

    def __str__(self):
        return self.name


class SavedSearchMatch(models.Model):
    """A case study sent to a saved search's owner in a digest: each is sent once."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "case_study"], name="saved_search_match_once"
            )
        ]

    def __str__(self):
        return f"{self.saved_search} – {self.case_study}"


class ExternalRating(TimeStampedModel):
    """A rating of an intervention published by someone else (the YEF Toolkit, the EIF
    Guidebook, the College of Policing's toolkit …), recorded by an editor as published:
    each on its own scale, beside the portal's own level, never converted into it."""

    class Scheme(models.TextChoices):
        YEF_TOOLKIT = "yef_toolkit", "Youth Endowment Fund Toolkit"
        EIF_GUIDEBOOK = "eif_guidebook", "Early Intervention Foundation Guidebook"
        COLLEGE_OF_POLICING = "college_of_policing", "College of Policing Crime Reduction Toolkit"
        OTHER = "other", "Other"

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="external_ratings"
    )
    scheme = models.CharField(max_length=30, choices=Scheme.choices)
    scale = models.CharField(
        max_length=200, help_text="The scale as the rater publishes it, e.g. “Evidence: 1 to 5”."
    )
    value = models.CharField(max_length=100, help_text="The rating as published, e.g. “3”.")
    rated_on = models.DateField(help_text="When the rating was published or last checked.")
    url = models.URLField(help_text="The page where the rating is published.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["intervention", "scheme", "-rated_on"]

    def __str__(self):
        return f"{self.get_scheme_display()}: {self.value} ({self.scale})"


class PlanItemIntervention(SourcedModel):
    """An action plan item delivers an intervention, so the plan counts as its use.

    Declared here, not on ActionItem: casestudies sits above actionplans and may import
    it, never the reverse (docs/decisions/0028). A link from the seed documents carries
    its source, the section and the sentence that names the intervention; a link a lead
    picks carries who picked it."""

    item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="intervention_links"
    )
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="plan_item_links"
    )
    quote = models.TextField(
        blank=True, help_text="The sentence from the source that names the intervention."
    )
    added_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    #: Every link made or removed, by any path (the lead's page and API, the admin, the
    #: loader), with who and when: an item's history and its plan as it stood on a day
    #: read it (casestudies.plan_items).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "intervention"], name="unique_intervention_per_plan_item"
            )
        ]

    def __str__(self):
        return f"{self.item} delivers {self.intervention}"


class BoroughPracticeFigures(models.Model):
    """An area's published case studies and the interventions it uses (from its active
    plans' items and its published case studies: casestudies.plan_items), counted afresh
    whenever one of those is written rather than on every read (casestudies.figures;
    docs/decisions/0036)."""

    # No database constraint: an area's deletion removes its figures (casestudies.figures).
    borough = models.OneToOneField(
        Borough,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="practice_figures",
    )
    published_case_studies = models.PositiveIntegerField(default=0)
    interventions_in_plan = models.PositiveIntegerField(default=0)
    interventions_in_case_studies = models.PositiveIntegerField(default=0)
    #: Recorded in both places, so counted once among those in use.
    interventions_in_both = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "area practice figures"

    def __str__(self):
        return f"Practice figures of {self.borough_id}"


class CaseStudyFacetValue(models.Model):
    """One value a case study counts under in one facet of the search (its area, region,
    approach, ..., its year, its age range, and "total" for every case study), and whether
    it is published: what it contributed to PublishedFacetCount when last written
    (casestudies.facet_figures; docs/decisions/0044). The value is the row of
    PublishedFacetCount that names it: a search's matches are counted by that integer and
    named once counted."""

    # No foreign key: a case study's deletion is counted out before its rows go.
    case_study_id = models.PositiveIntegerField()
    published = models.BooleanField()
    value = models.ForeignKey(
        "PublishedFacetCount", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["value", "published"], name="facet_value_published"),
            # What a search's matches count under, read from the index alone: the rows of
            # a few hundred case studies are scattered over the table.
            models.Index(
                fields=["case_study_id"],
                include=["published", "value"],
                name="facet_values_of_case_study",
            ),
        ]

    def __str__(self):
        return f"{self.case_study_id}: {self.value_id}"


class PublishedFacetCount(models.Model):
    """A facet's value some case study counts under (CaseStudyFacetValue), and how many
    published case studies do, kept current on write: the search's facets over every
    published case study without counting them on each request (casestudies.facet_figures;
    docs/decisions/0044)."""

    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=255)
    label = models.CharField(max_length=255)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "value", "label"], name="unique_published_facet_count"
            )
        ]

    def __str__(self):
        return f"{self.facet} {self.value}: {self.count}"


# The receivers that clear stale search vectors and keep the areas' practice figures
# (caches) fresh when what they hold changes.
from . import facet_figures as _facet_figures  # noqa: E402, F401
from . import figures as _figures  # noqa: E402, F401
from . import search as _search  # noqa: E402, F401
