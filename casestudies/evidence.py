"""The portal's strength-of-evidence scale and the one rule that derives it.

Every case study and intervention records whether and how it was evaluated, as its
source says: the evaluation's status, who evaluated it and its design, with the
sentence that says so. Its level (0–5, modelled on the Maryland Scientific Methods
Scale) is derived from those by RULE, the only place the rule is written down: the
database computes the stored level from it (EvidenceModel.evidence_level, so the
loader, the admin, the pages and the API cannot disagree), Python applies it to
unsaved values (evidence_level_for) and the methodology page prints it (LEVELS).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When


class EvaluationStatus(models.TextChoices):
    NONE = "none", "No evaluation reported"
    PLANNED = "planned", "Evaluation planned"
    UNDER_WAY = "under_way", "Evaluation under way"
    COMPLETED = "completed", "Evaluation completed or results reported"


class EvaluatedBy(models.TextChoices):
    INTERNAL = "internal", "Internal (the service or its partnership)"
    INDEPENDENT = "independent", "Independent"
    ACADEMIC = "academic", "Academic"


class EvaluationDesign(models.TextChoices):
    MONITORING = "monitoring", "Monitoring data"
    BEFORE_AFTER = "before_after", "Before and after"
    COMPARISON_GROUP = "comparison_group", "Comparison group"
    RANDOMISED = "randomised", "Randomised"


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str
    sms: str


LEVELS = (
    Level(
        0,
        "No outcome evidence",
        "No evaluation reported, or one only planned: nothing yet says what it achieved.",
        "Below level 1",
    ),
    Level(
        1,
        "Results reported",
        "Outcomes counted or reported by participants at one point in time (monitoring "
        "data), or an evaluation whose design the source does not state.",
        "Level 1: a correlation at one point in time",
    ),
    Level(
        2,
        "Before and after",
        "The same outcome measured before and after the work (or against the period "
        "before), with no comparison group.",
        "Level 2: before and after, no comparison group",
    ),
    Level(
        3,
        "Comparison group",
        "Outcomes compared with a group that did not receive it, evaluated internally or "
        "by an evaluator the source does not name.",
        "Level 3: before and after with a comparable control group",
    ),
    Level(
        4,
        "Independent comparison",
        "Outcomes compared with a group that did not receive it, evaluated independently "
        "or by academics.",
        "Level 4: comparison with control of other factors",
    ),
    Level(
        5,
        "Randomised",
        "A randomised controlled trial: who receives it is decided at random.",
        "Level 5: random assignment",
    ),
)
LEVEL_BY_NUMBER = {level.number: level for level in LEVELS}

#: The rule, first match wins: (level, the values each field must have). A field not
#: named may have any value. Evaluations that only are planned, or are under way or
#: completed without a stated design, cannot rise above what they show.
RULE = (
    (0, {"evaluation_status": {EvaluationStatus.NONE, EvaluationStatus.PLANNED}}),
    (5, {"evaluation_design": {EvaluationDesign.RANDOMISED}}),
    (
        4,
        {
            "evaluation_design": {EvaluationDesign.COMPARISON_GROUP},
            "evaluated_by": {EvaluatedBy.INDEPENDENT, EvaluatedBy.ACADEMIC},
        },
    ),
    (3, {"evaluation_design": {EvaluationDesign.COMPARISON_GROUP}}),
    (2, {"evaluation_design": {EvaluationDesign.BEFORE_AFTER}}),
)
#: What is left: evaluations under way or completed, from monitoring data or of a design
#: the source does not state.
DEFAULT_LEVEL = 1


def evidence_level_for(*, evaluation_status, evaluation_design="", evaluated_by=""):
    """The level RULE gives these values (as the database computes it on save)."""
    values = {
        "evaluation_status": evaluation_status,
        "evaluation_design": evaluation_design,
        "evaluated_by": evaluated_by,
    }
    for level, conditions in RULE:
        if all(values[name] in allowed for name, allowed in conditions.items()):
            return level
    return DEFAULT_LEVEL


def evidence_level_expression():
    """RULE as a database expression, for the generated column."""
    return Case(
        *(
            When(
                Q(*(Q(**{f"{name}__in": sorted(allowed)}) for name, allowed in conds.items())),
                then=Value(level),
            )
            for level, conds in RULE
        ),
        default=Value(DEFAULT_LEVEL),
        output_field=models.PositiveSmallIntegerField(),
    )


class EvidenceModel(models.Model):
    """How well a case study or intervention is evidenced, as its source says."""

    evaluation_status = models.CharField(
        max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.NONE
    )
    evaluated_by = models.CharField(
        max_length=20,
        choices=EvaluatedBy.choices,
        blank=True,
        help_text="Leave blank where the source does not say who evaluated it.",
    )
    evaluation_design = models.CharField(
        max_length=20,
        choices=EvaluationDesign.choices,
        blank=True,
        help_text="Leave blank where the source does not say how it was evaluated.",
    )
    evidence_quote = models.TextField(
        blank=True, help_text="The sentence from the source that says how it was evaluated."
    )
    evidence_section = models.CharField(
        max_length=300, blank=True, help_text="Where in the source the sentence is."
    )
    #: Derived by RULE in the database; never set by hand (see the methodology page).
    evidence_level = models.GeneratedField(
        expression=evidence_level_expression(),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name="strength of evidence",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        validate_evidence(
            evaluation_status=self.evaluation_status,
            evaluated_by=self.evaluated_by,
            evaluation_design=self.evaluation_design,
            evidence_quote=self.evidence_quote,
        )

    @property
    def evidence(self):
        return level_of(self)


def level_of(record):
    """The Level of a saved record, or of an unsaved one by the same rule."""
    number = getattr(record, "evidence_level", None)
    if not isinstance(number, int):
        number = evidence_level_for(
            evaluation_status=record.evaluation_status,
            evaluation_design=record.evaluation_design,
            evaluated_by=record.evaluated_by,
        )
    return LEVEL_BY_NUMBER[number]


def validate_evidence(*, evaluation_status, evaluated_by, evaluation_design, evidence_quote):
    """An evaluation is recorded only with the sentence that reports it; "none reported"
    carries no design or evaluator, so nothing is guessed."""
    errors = {}
    if evaluation_status == EvaluationStatus.NONE:
        if evaluated_by:
            errors["evaluated_by"] = "No evaluation is reported: leave who evaluated it blank."
        if evaluation_design:
            errors["evaluation_design"] = "No evaluation is reported: leave the design blank."
    elif not evidence_quote.strip():
        errors["evidence_quote"] = "Quote the sentence from the source that reports the evaluation."
    if errors:
        raise ValidationError(errors)
