from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from boroughs.api.serializers import (
    BoroughRefSerializer,
    NamedRefSerializer,
    SourcedSerializer,
    SourceSerializer,
    source_from_values,
    source_of,
)
from boroughs.models import Borough
from casestudies.cost import CostBand
from casestudies.evidence import (
    LEVEL_BY_NUMBER,
    EvaluatedBy,
    EvaluationDesign,
    EvaluationStatus,
    level_of,
)
from casestudies.forms import OUTCOMES_MAX
from casestudies.models import (
    SUMMARY_MAX_LENGTH,
    Approach,
    CaseStudy,
    ExternalRating,
    Intervention,
    Outcome,
    Setting,
)
from casestudies.search import CASE_STUDIES
from casestudies.selectors import REPORTING_CASE_STUDIES_SHOWN, intervention_headline_outcomes
from casestudies.services import REASON_MAX_LENGTH
from core.api.values import or_none, write_date, write_moment
from core.inputs import TEXT_MAX_LENGTH
from core.links import address_per_slug
from core.search.snippets import snippet
from funding.models import Award


class EvidenceSourceSerializer(serializers.Serializer):
    """Where the evidence sentence is: the record's own source, at the evidence's place."""

    title = serializers.CharField(read_only=True)
    publisher = serializers.CharField(read_only=True)
    document = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    section = serializers.CharField(read_only=True)


class EvidenceSerializer(serializers.Serializer):
    """How well it is evidenced, on the portal's published scale (/methodology/)."""

    level = serializers.IntegerField(
        source="evidence_level",
        read_only=True,
        help_text="0–5 on the portal's strength-of-evidence scale, derived from status, "
        "design and evaluated_by by the rule on /methodology/.",
    )
    level_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        source="evaluation_status", choices=EvaluationStatus.choices, read_only=True
    )
    design = serializers.ChoiceField(
        source="evaluation_design",
        choices=EvaluationDesign.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty where the source does not say how it was evaluated.",
    )
    evaluated_by = serializers.ChoiceField(
        choices=EvaluatedBy.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty where the source does not say who evaluated it.",
    )
    quote = serializers.CharField(
        source="evidence_quote",
        read_only=True,
        help_text="The sentence from the source that reports the evaluation; empty where "
        "no evaluation is reported.",
    )
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class

    def get_level_name(self, record) -> str:
        return level_of(record).name

    @extend_schema_field(EvidenceSourceSerializer(allow_null=True))
    def get_source(self, record):
        if record.source is None or not record.evidence_quote:
            return None
        source = record.source
        return {
            "title": source.title,
            "publisher": source.publisher,
            "document": source.document,
            "url": source.url,
            "section": record.evidence_section or record.source_section,
        }


class CostSerializer(serializers.Serializer):
    """What it cost, only as the source states it (casestudies.cost)."""

    band = serializers.ChoiceField(
        source="cost_band",
        choices=CostBand.choices,
        read_only=True,
        help_text="From the cost per participant; not_stated without one.",
    )
    per_participant = serializers.DecimalField(
        source="cost_per_participant",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Pounds per participant, where the source gives it; null otherwise.",
    )
    quote = serializers.CharField(source="cost_quote", read_only=True)
    benefit_ratio = serializers.DecimalField(
        source="cost_benefit_ratio",
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Pounds saved or returned for every £1 spent, as the source states it.",
    )
    benefit_quote = serializers.CharField(
        source="cost_benefit_quote",
        read_only=True,
        help_text="The cost-benefit statement as the source writes it.",
    )


class ExternalRatingSerializer(serializers.ModelSerializer):
    """A rating published by someone else, on its own scale, as recorded by an editor."""

    class Meta:
        model = ExternalRating
        fields = ["scheme", "scale", "value", "rated_on", "url", "note"]


class CaseStudyExternalRatingSerializer(ExternalRatingSerializer):
    """A rating others publish of an intervention the case study uses."""

    intervention: serializers.Field = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The intervention the rating is of."
    )

    class Meta(ExternalRatingSerializer.Meta):
        fields = ["intervention", *ExternalRatingSerializer.Meta.fields]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = [
            "metric",
            "value",
            "unit",
            "direction",
            "outcome_type",
            "baseline",
            "period",
            "quote",
        ]


class AwardRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    amount_is_minimum = serializers.BooleanField(read_only=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name", read_only=True)
    role = serializers.CharField(source="contact_role", read_only=True)
    organisation = serializers.CharField(source="contact_organisation", read_only=True)
    email = serializers.CharField(source="contact_email", read_only=True)
    phone = serializers.CharField(source="contact_phone", read_only=True)


class CaseStudySerializer(SourcedSerializer):
    boroughs = BoroughRefSerializer(many=True, read_only=True)
    partnership = NamedRefSerializer(read_only=True, allow_null=True)
    approaches: serializers.Field = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )
    settings: serializers.Field = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )
    interventions = NamedRefSerializer(many=True, read_only=True)
    awards = AwardRefSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    contact = ContactSerializer(source="*", read_only=True)
    evidence = EvidenceSerializer(source="*", read_only=True)
    cost = CostSerializer(source="*", read_only=True)
    external_ratings = serializers.SerializerMethodField(
        help_text="Ratings others publish (YEF Toolkit, EIF Guidebook, College of Policing) "
        "of the interventions it uses, each on its own scale; never the case study's own."
    )

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "title",
            "summary",
            "status",
            "year",
            "boroughs",
            "partnership",
            "approaches",
            "min_age",
            "max_age",
            "settings",
            "challenge",
            "solution",
            "impact",
            "lessons_learned",
            "sustainability",
            "interventions",
            "awards",
            "outcomes",
            "no_measured_outcome",
            "proposed_interventions",
            "evidence",
            "external_ratings",
            "cost",
            "contact",
            "published_at",
            "version",
            "source",
            "source_section",
            "modified_at",
        ]

    @extend_schema_field(CaseStudyExternalRatingSerializer(many=True))
    def get_external_ratings(self, case_study):
        ratings = [
            rating
            for intervention in case_study.interventions.all()
            for rating in intervention.external_ratings.all()
        ]
        return CaseStudyExternalRatingSerializer(ratings, many=True).data


#: What a list shows of each case study: enough to choose one, and a link to the rest.
SUMMARY_FIELDS = [
    "slug",
    "url",
    "title",
    "summary",
    "status",
    "year",
    "boroughs",
    "partnership",
    "approaches",
    "min_age",
    "max_age",
    "settings",
    "interventions",
    "evidence",
    "external_ratings",
    "headline_outcomes",
    "cost",
    "published_at",
    "version",
    "source",
    "source_section",
    "modified_at",
]


class CaseStudySummarySerializer(CaseStudySerializer):
    """A case study in a list: its summary fields and `url`, the link to the whole record
    (its sections, outcomes, awards and contact)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:casestudy-detail",
        lookup_field="slug",
        help_text="The whole case study: sections, outcomes, awards and contact.",
    )
    headline_outcomes = OutcomeSerializer(
        many=True,
        read_only=True,
        help_text="Its results (outcomes of a type, counts of engagement or referrals last); "
        "every outcome is on the whole case study.",
    )

    class Meta(CaseStudySerializer.Meta):
        fields = SUMMARY_FIELDS


class ContactWriteSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    role = serializers.CharField(required=False, allow_blank=True, max_length=300)
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com."
        },
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=50)


def _slugs_of(model, noun):
    return serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=model.objects.all(),
        required=False,
        error_messages={"does_not_exist": f"There is no {noun} “{{value}}”."},
        help_text=f"Slugs of {noun}s.",
    )


def _section(help_text):
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text=f"{help_text} Markdown.",
    )


class OutcomeWriteSerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=300, help_text="What was measured.")
    outcome_type = serializers.ChoiceField(
        choices=Outcome.Type.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Blank for a count of activity or reach rather than a result.",
    )
    direction = serializers.ChoiceField(
        choices=Outcome.Direction.choices, required=False, default=Outcome.Direction.NONE
    )
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.ChoiceField(choices=Outcome.Unit.choices)
    baseline = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    period = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    quote = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CaseStudyWriteSerializer(serializers.Serializer):
    """What an officer, lead or editor may send to create or change a case study. The status
    changes only through the submit, publish, unpublish and return-to-draft actions."""

    title = serializers.CharField(
        max_length=300,
        error_messages={"required": "Enter a title.", "blank": "Enter a title."},
    )
    summary = serializers.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="Plain text, a paragraph or two.",
        error_messages={"required": "Enter a summary.", "blank": "Enter a summary."},
    )
    boroughs = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Borough.objects.all(),
        allow_empty=False,
        help_text="Slugs of the boroughs the case study is about: officers and leads may "
        "name only their own.",
        error_messages={
            "required": "Select at least one borough.",
            "empty": "Select at least one borough.",
            "does_not_exist": "There is no borough “{value}”.",
        },
    )
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)
    challenge = _section("What the problem was.")
    solution = _section("What was done.")
    impact = _section("What it achieved.")
    lessons_learned = _section("What others can learn from it.")
    sustainability = _section("How the approach is sustained.")
    approaches = _slugs_of(Approach, "approach")
    settings = _slugs_of(Setting, "setting")
    min_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)
    max_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)
    no_measured_outcome = serializers.BooleanField(
        required=False, help_text="Nothing was measured, so no outcome is recorded."
    )
    interventions = _slugs_of(Intervention, "intervention")
    proposed_interventions = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Interventions used that are not in the portal's list yet, for an editor to add.",
    )
    awards = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Award.objects.all(),
        required=False,
        error_messages={"does_not_exist": "There is no award “{value}”."},
        help_text="Slugs of the funding awards behind the work.",
    )
    # many=True hands max_length to the ListSerializer; the stubs do not know it.
    outcomes = OutcomeWriteSerializer(  # type: ignore[call-arg]
        many=True,
        required=False,
        max_length=OUTCOMES_MAX,
        help_text="What was measured: the whole list, which replaces the case study's.",
    )
    evaluation_status = serializers.ChoiceField(
        choices=EvaluationStatus.choices, required=False, help_text="Whether it was evaluated."
    )
    evaluated_by = serializers.ChoiceField(
        choices=EvaluatedBy.choices, required=False, allow_blank=True
    )
    evaluation_design = serializers.ChoiceField(
        choices=EvaluationDesign.choices, required=False, allow_blank=True
    )
    evidence_quote = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="What the evaluation found, or the sentence that reports it: needed when "
        "it was evaluated.",
    )
    cost_per_participant = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="In pounds, only where a source gives it; needs cost_quote.",
    )
    cost_quote = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    cost_benefit_ratio = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Pounds saved or returned for every £1 spent; needs cost_benefit_quote.",
    )
    cost_benefit_quote = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    contact = ContactWriteSerializer(required=False)

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            "Submit, publish or unpublish the case study to change its status."
                            if name == "status"
                            else "Unknown field. Send only: " + ", ".join(self.fields) + "."
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def model_values(self):
        """The validated data as the case study's own field names (contact flattened)."""
        values = dict(self.validated_data)
        for name, value in values.pop("contact", {}).items():
            values[f"contact_{name}"] = value
        return values


class ReturnToDraftSerializer(serializers.Serializer):
    """The request body of return-to-draft (the service checks it)."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why the case study is sent back: what its author should change.",
        error_messages={
            "required": "Enter why you are sending the case study back, so its author can act.",
            "blank": "Enter why you are sending the case study back, so its author can act.",
        },
    )


class PublishSerializer(serializers.Serializer):
    """The request body of publish (the service checks it)."""

    confirmed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The codes of the checklist's open points that the editor confirms: "
        "every open point must be here.",
    )


class ChecklistPointSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What `confirmed` names when publishing.")
    text = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    open_points = ChecklistPointSerializer(many=True)


class ReviewRefSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["sent_back", "published", "unpublished"])
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="Who took the step.")
    reason = serializers.CharField(help_text="Why it was sent back; empty otherwise.")


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    before = serializers.CharField(help_text="As text, at the last review.")
    after = serializers.CharField(help_text="As text, now.")


class ChangesSerializer(serializers.Serializer):
    since = ReviewRefSerializer(
        allow_null=True, help_text="The last review step; null if it was never reviewed."
    )
    changes = ChangeSerializer(many=True)


class CaseStudyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)


class ReportedOutcomeSerializer(OutcomeSerializer):
    """An outcome a case study using the intervention reports: a result of the whole work
    the case study describes, with the case study and the source it comes from."""

    case_study = CaseStudyRefSerializer(
        read_only=True, help_text="The published case study that reports it (slug and title)."
    )
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    source_section = serializers.SerializerMethodField()

    class Meta(OutcomeSerializer.Meta):
        fields = [*OutcomeSerializer.Meta.fields, "case_study", "source", "source_section"]

    @extend_schema_field(SourceSerializer(allow_null=True))
    def get_source(self, outcome):
        source = outcome.source or outcome.case_study.source
        return None if source is None else SourceSerializer(source).data

    def get_source_section(self, outcome) -> str:
        if outcome.source_id is not None:
            return outcome.source_section
        return outcome.case_study.source_section


class InterventionSerializer(SourcedSerializer):
    settings: serializers.Field = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )
    providers = NamedRefSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(source="*", read_only=True)
    cost = CostSerializer(source="*", read_only=True)
    external_ratings = ExternalRatingSerializer(many=True, read_only=True)
    headline_outcomes = serializers.SerializerMethodField(
        help_text="The results (outcomes of a type, counts of engagement or referrals last) "
        f"reported by up to {REPORTING_CASE_STUDIES_SHOWN} published case studies that use "
        "it, the best evidenced first, each with the case study and source it comes from: "
        "a case study's outcome is of the whole work it describes, not of this intervention "
        "alone. Empty where none is recorded."
    )

    class Meta:
        model = Intervention
        fields = [
            "slug",
            "name",
            "description",
            "category",
            "prevention_level",
            "min_age",
            "max_age",
            "settings",
            "providers",
            "evidence",
            "cost",
            "external_ratings",
            "headline_outcomes",
            "evidence_url",
            "source",
            "source_section",
            "modified_at",
        ]

    @extend_schema_field(ReportedOutcomeSerializer(many=True))
    def get_headline_outcomes(self, intervention):
        # Written as ReportedOutcomeSerializer writes each (a test holds the two together):
        # a serializer per outcome cost more than the rest of a page of interventions.
        return [
            reported_outcome(outcome) for outcome in intervention_headline_outcomes(intervention)
        ]


# --- A list's summaries from values() ---------------------------------------------------------

# The API's own fields write each kind of value, so that a summary built from values() reads
# exactly as CaseStudySearchResultSerializer would write it (a test holds the two together).
_amount = serializers.DecimalField(max_digits=14, decimal_places=2).to_representation
_cost = serializers.DecimalField(max_digits=12, decimal_places=2).to_representation
_ratio = serializers.DecimalField(max_digits=8, decimal_places=2).to_representation


def _evidence(row):
    quoted = row["source_id"] is not None and row["evidence_quote"]
    return {
        "level": row["evidence_level"],
        "level_name": LEVEL_BY_NUMBER[row["evidence_level"]].name,
        "status": row["evaluation_status"],
        "design": row["evaluation_design"],
        "evaluated_by": row["evaluated_by"],
        "quote": row["evidence_quote"],
        "source": {
            "title": row["source__title"],
            "publisher": row["source__publisher"],
            "document": row["source__document"],
            "url": row["source__url"],
            "section": row["evidence_section"] or row["source_section"],
        }
        if quoted
        else None,
    }


def _outcome(outcome):
    return {
        **outcome,
        "value": _amount(outcome["value"]),
        "baseline": or_none(_amount, outcome["baseline"]),
    }


def reported_outcome(outcome):
    """An outcome a case study reports, as ReportedOutcomeSerializer writes it: its source,
    or its case study's where it names none (the outcome's `case_study` is read already)."""
    case_study = outcome.case_study
    own = outcome.source_id is not None
    source = outcome.source if own else case_study.source
    return {
        "metric": outcome.metric,
        "value": _amount(outcome.value),
        "unit": outcome.unit,
        "direction": outcome.direction,
        "outcome_type": outcome.outcome_type,
        "baseline": or_none(_amount, outcome.baseline),
        "period": outcome.period,
        "quote": outcome.quote,
        "case_study": {"slug": case_study.slug, "title": case_study.title},
        "source": source_of(source),
        "source_section": outcome.source_section if own else case_study.source_section,
    }


def case_study_summaries(rows, links, *, request, query=None):
    """A page of case studies as the list shows them (CaseStudySearchResultSerializer's
    JSON), from ``rows`` of selectors.SUMMARY_COLUMNS (and the snippet's with ``query``)
    and their ``links`` (selectors.case_study_summary_links): a serializer per row cost
    more than the page's queries."""
    address = address_per_slug(
        lambda slug: reverse("api:casestudy-detail", kwargs={"slug": slug}, request=request)
    )
    summaries = []
    for row in rows:
        pk = row["pk"]
        interventions = links.interventions.get(pk, [])
        rank = row.get("search_rank")
        summaries.append(
            {
                "slug": row["slug"],
                "url": address(row["slug"]),
                "title": row["title"],
                "summary": row["summary"],
                "status": row["status"],
                "year": row["year"],
                "boroughs": links.boroughs.get(pk, []),
                "partnership": None
                if row["partnership_id"] is None
                else {"slug": row["partnership__slug"], "name": row["partnership__name"]},
                "approaches": links.approaches.get(pk, []),
                "min_age": row["min_age"],
                "max_age": row["max_age"],
                "settings": links.settings.get(pk, []),
                "interventions": [
                    {"slug": intervention["slug"], "name": intervention["name"]}
                    for intervention in interventions
                ],
                "evidence": _evidence(row),
                "external_ratings": [
                    {
                        "intervention": intervention["slug"],
                        **rating,
                        "rated_on": write_date(rating["rated_on"]),
                    }
                    for intervention in interventions
                    for rating in links.ratings.get(intervention["intervention_id"], [])
                ],
                "headline_outcomes": [
                    _outcome(outcome) for outcome in links.headline_outcomes.get(pk, [])
                ],
                "cost": {
                    "band": row["cost_band"],
                    "per_participant": or_none(_cost, row["cost_per_participant"]),
                    "quote": row["cost_quote"],
                    "benefit_ratio": or_none(_ratio, row["cost_benefit_ratio"]),
                    "benefit_quote": row["cost_benefit_quote"],
                },
                "published_at": or_none(write_moment, row["published_at"]),
                "version": row["version"],
                "source": source_from_values(row),
                "source_section": row["source_section"],
                "modified_at": or_none(write_moment, row["modified_at"]),
                "rank": None if rank is None else round(float(rank), 6),
                "snippet": None
                if not query
                else str(snippet([row[name] for name in CASE_STUDIES.snippet_fields], query)),
            }
        )
    return summaries
