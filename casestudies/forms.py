"""Forms for drafting case studies. They check what was typed; services.py decides who may
write what, and the model validates again before saving."""

from django import forms

from boroughs.models import Borough
from core.inputs import TEXT_MAX_LENGTH
from funding.models import Award

from .evidence import EvaluatedBy, EvaluationDesign, EvaluationStatus
from .models import SUMMARY_MAX_LENGTH, WRITABLE_RELATIONS, Approach, Intervention, Outcome, Setting

MARKDOWN_HINT = "You can use Markdown: **bold**, lists with -, links like [text](https://…)."

#: The five sections of the LGA guides, with the question each answers.
SECTIONS = {
    "challenge": ("The challenge", "What problem were you tackling, and for whom?"),
    "solution": ("The solution", "What did you do, with whom?"),
    "impact": ("The impact", "What changed? Give figures where you have them."),
    "lessons_learned": ("Lessons learned", "What would you tell a borough starting out?"),
    "sustainability": (
        "How the approach is sustained",
        "How is the work funded and kept going now?",
    ),
}


def _text(label, *, required=False, max_length=None, textarea=False, missing=None):
    messages = {}
    if missing:
        messages["required"] = missing
    if max_length:
        messages["max_length"] = f"{label} must be {max_length} characters or fewer"
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea if textarea else forms.TextInput,
        error_messages=messages,
    )


def _section(name):
    return _text(SECTIONS[name][0], max_length=TEXT_MAX_LENGTH, textarea=True)


def _whole_number(label, low, high, example):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={
            "invalid": f"{label} must be a whole number, like {example}",
            "min_value": f"{label} must be between {low} and {high}",
            "max_value": f"{label} must be between {low} and {high}",
        },
    )


def _checkboxes(queryset, label, required=False, missing=None):
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": missing or f"Select {label.lower()}",
            "invalid_choice": f"Tick only {label.lower()} in the list",
            "invalid_pk_value": f"Tick only {label.lower()} in the list",
        },
    )


class CaseStudyForm(forms.Form):
    """A case study's content. ``offered`` are the boroughs the writer may choose from;
    ``kept`` are boroughs it already has that the writer may not remove (another
    borough's), which stay whatever is ticked."""

    title = _text("Title", required=True, max_length=300, missing="Enter a title")
    summary = _text(
        "Summary",
        required=True,
        max_length=SUMMARY_MAX_LENGTH,
        textarea=True,
        missing="Enter a summary",
    )
    # Any borough validates here: whether the writer may draft for it is the service's call.
    boroughs = _checkboxes(Borough.objects.all(), "Boroughs")
    year = _whole_number("Year", 1990, 2100, 2019)
    challenge = _section("challenge")
    solution = _section("solution")
    impact = _section("impact")
    lessons_learned = _section("lessons_learned")
    sustainability = _section("sustainability")
    approaches = _checkboxes(Approach.objects.all(), "Approaches")
    settings = _checkboxes(Setting.objects.all(), "Settings")
    min_age = _whole_number("Youngest age", 0, 99, 10)
    max_age = _whole_number("Oldest age", 0, 99, 18)
    contact_name = _text("Name", max_length=200)
    contact_role = _text("Role", max_length=300)
    contact_organisation = _text("Organisation", max_length=200)
    contact_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    contact_phone = _text("Telephone", max_length=50)
    no_measured_outcome = forms.BooleanField(
        label="Nothing was measured, so there is no outcome to record", required=False
    )
    interventions = _checkboxes(Intervention.objects.all(), "Interventions used")
    proposed_interventions = _text("Interventions not in the list", max_length=2000, textarea=True)
    awards = _checkboxes(Award.objects.all(), "Funding awards")
    evaluation_status = forms.ChoiceField(
        label="Has the work been evaluated?",
        choices=EvaluationStatus.choices,
        initial=EvaluationStatus.NONE,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers"},
    )
    evaluated_by = forms.ChoiceField(
        label="Who evaluated it",
        choices=[("", "Not stated"), *EvaluatedBy.choices],
        required=False,
        error_messages={"invalid_choice": "Choose who evaluated it from the list"},
    )
    evaluation_design = forms.ChoiceField(
        label="How it was evaluated",
        choices=[("", "Not stated"), *EvaluationDesign.choices],
        required=False,
        error_messages={"invalid_choice": "Choose how it was evaluated from the list"},
    )
    evidence_quote = _text(
        "What the evaluation found, in its own words", max_length=5000, textarea=True
    )
    cost_per_participant = forms.DecimalField(
        label="Cost per participant, in pounds",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": "The cost must be a number of pounds, like 850 or 1200.50",
            "min_value": "The cost cannot be less than 0",
            "max_digits": "The cost must be 12 digits or fewer",
            "max_decimal_places": "The cost can have at most 2 decimal places (pence)",
            "max_whole_digits": "The cost must be 10 digits or fewer before the point",
        },
    )
    cost_quote = _text("Where the cost comes from", max_length=2000, textarea=True)
    cost_benefit_ratio = forms.DecimalField(
        label="Pounds saved or returned for every £1 spent",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": "The return must be a number, like 5.48",
            "min_value": "The return cannot be less than 0",
            "max_digits": "The return must be 8 digits or fewer",
            "max_decimal_places": "The return can have at most 2 decimal places",
            "max_whole_digits": "The return must be 6 digits or fewer before the point",
        },
    )
    cost_benefit_quote = _text("Where the return comes from", max_length=2000, textarea=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, offered, kept=(), awards=(), needs_version=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        self.awards_offered = list(awards)
        self.kept = list(kept)
        self.fields["version"].required = needs_version
        self.fields["version"].error_messages["required"] = (
            "This page is out of date: open the case study again and make your changes."
        )

    @classmethod
    def initial_for(cls, case_study):
        """The form's starting values for an existing case study."""
        initial = {name: getattr(case_study, name) for name in cls.base_fields if name != "version"}
        for name in WRITABLE_RELATIONS:
            initial[name] = [record.pk for record in getattr(case_study, name).all()]
        initial["version"] = case_study.version
        return initial

    def clean(self):
        cleaned = super().clean()
        if "boroughs" in cleaned and not cleaned["boroughs"] and not self.kept:
            self.add_error("boroughs", "Select at least one borough")
        if cleaned.get("evaluation_status") == EvaluationStatus.NONE:
            for name, what in (("evaluated_by", "who evaluated it"), ("evaluation_design", "how")):
                if cleaned.get(name):
                    self.add_error(name, f"No evaluation is reported: leave {what} as not stated")
        elif cleaned.get("evaluation_status") and not (cleaned.get("evidence_quote") or "").strip():
            self.add_error(
                "evidence_quote",
                "Quote what the evaluation found, or the sentence that reports it",
            )
        if (
            cleaned.get("cost_per_participant") is not None
            and not (cleaned.get("cost_quote") or "").strip()
        ):
            self.add_error("cost_quote", "Say where the cost comes from: quote the sentence")
        if (
            cleaned.get("cost_benefit_ratio") is not None
            and not (cleaned.get("cost_benefit_quote") or "").strip()
        ):
            self.add_error(
                "cost_benefit_quote", "Say where the return comes from: quote the sentence"
            )
        offered_awards = {award.pk for award in self.awards_offered}
        if any(award.pk not in offered_awards for award in cleaned.get("awards") or []):
            self.add_error("awards", "Tick only funding awards in the list")
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_age", "The oldest age must be the same as or older than the youngest age"
            )
        return cleaned

    def values(self):
        """What to save, in the service's terms: boroughs include those kept; the evaluation
        stays as it is when the form did not send it."""
        values = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        if not values.get("evaluation_status"):
            for name in ("evaluation_status", "evaluated_by", "evaluation_design"):
                values.pop(name, None)
            if not values.get("evidence_quote"):
                values.pop("evidence_quote", None)
        ticked = list(values["boroughs"])
        values["boroughs"] = ticked + [borough for borough in self.kept if borough not in ticked]
        return values

    # --- What templates need ---------------------------------------------------------------

    def checked(self, name):
        """Primary keys (as text) ticked in a checkbox field, bound or not."""
        value = self[name].value() or []
        return {str(getattr(item, "pk", item)) for item in value}

    @property
    def options(self):
        """Checkbox options per field: (value, label, ticked)."""
        if not hasattr(self, "_options"):
            choices = {
                "boroughs": [(b.pk, b.name) for b in self.offered],
                "approaches": [(a.pk, a.name) for a in Approach.objects.all()],
                "settings": [(s.pk, s.name) for s in Setting.objects.all()],
                "interventions": [(i.pk, i.name) for i in Intervention.objects.order_by("name")],
                "awards": [(a.pk, f"{a.title} ({a.amount_display})") for a in self.awards_offered],
            }
            self._options = {
                name: [(str(pk), label, str(pk) in self.checked(name)) for pk, label in pairs]
                for name, pairs in choices.items()
            }
        return self._options

    @property
    def error_list(self):
        """(field id, message) for the error summary; a checkbox group's id is its first box."""
        errors = []
        for name in [*self.fields, "__all__"]:
            anchor = f"id_{name}" if name != "__all__" else "main-content"
            errors += [(anchor, message) for message in self.errors.get(name, [])]
        return errors


class OutcomeForm(forms.Form):
    """One outcome of a draft: what was measured, which way it went, by how much, over
    what period, and the words that say so. A row left blank is no outcome."""

    metric = _text("Measure", max_length=300)
    outcome_type = forms.ChoiceField(
        label="Type of outcome",
        choices=[("", "Activity or reach, not a result"), *Outcome.Type.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a type of outcome from the list"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=Outcome.Direction.choices,
        initial=Outcome.Direction.NONE,
        required=False,
    )
    value = forms.DecimalField(
        label="Value",
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": "The value must be a number, like 41 or 12.5",
            "max_digits": "The value must be 14 digits or fewer",
            "max_decimal_places": "The value can have at most 2 decimal places",
            "max_whole_digits": "The value must be 12 digits or fewer before the point",
        },
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=[("", "Choose a unit"), *Outcome.Unit.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a unit from the list"},
    )
    period = _text("Period", max_length=200)
    quote = _text("In the source's words", max_length=2000, textarea=True)

    def clean(self):
        cleaned = super().clean()
        filled = any(
            cleaned.get(name) not in (None, "") for name in ("metric", "value", "period", "quote")
        )
        cleaned["blank"] = not filled
        if filled:
            if not (cleaned.get("metric") or "").strip() and "metric" not in self.errors:
                self.add_error("metric", "Enter what was measured")
            if cleaned.get("value") is None and "value" not in self.errors:
                self.add_error("value", "Enter the value measured, as a number")
            if not cleaned.get("unit") and "unit" not in self.errors:
                self.add_error("unit", "Choose the unit of the value")
        return cleaned


class BaseOutcomeFormSet(forms.BaseFormSet):
    def rows(self):
        """The outcomes written, in order, as the service takes them."""
        return [
            {name: form.cleaned_data.get(name) for name in OutcomeForm.base_fields}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("blank")
        ]

    @property
    def error_list(self):
        errors = []
        for form in self.forms:
            for name in form.fields:
                errors += [(f"id_{form.prefix}-{name}", m) for m in form.errors.get(name, [])]
        errors += [("outcomes", message) for message in self.non_form_errors()]
        return errors


#: Up to this many outcomes per case study from the form, two blank rows at a time.
OUTCOMES_MAX = 30
OutcomeFormSet = forms.formset_factory(
    OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=2,
    max_num=OUTCOMES_MAX,
    validate_max=True,
    absolute_max=OUTCOMES_MAX + 5,
)


def outcome_initial(case_study):
    """The outcome rows of an existing case study, for the formset."""
    return [
        {name: getattr(outcome, name) for name in OutcomeForm.base_fields}
        for outcome in case_study.outcomes.all()
    ]


class GuideImportForm(forms.Form):
    """A case study written with the guide's headings: pasted, or a file."""

    text = forms.CharField(
        label="Paste the case study",
        required=False,
        max_length=200_000,
        widget=forms.Textarea,
        error_messages={"max_length": "The case study must be 200,000 characters or fewer"},
    )
    file = forms.FileField(
        label="Or upload it",
        required=False,
        error_messages={
            "invalid": "The file could not be read: choose a .txt, .md or .docx file",
            "empty": "The file is empty",
        },
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("text") or "").strip() and not cleaned.get("file"):
            self.add_error("text", "Paste the case study, or choose a file to upload")
        return cleaned

    @property
    def error_list(self):
        return [
            (f"id_{name}", message) for name in self.fields for message in self.errors.get(name, [])
        ]


def differences(form, current):
    """Where the saved case study differs from what the writer sent: (label, saved, yours)."""
    rows = []
    yours = form.values()
    for name, field in form.fields.items():
        if name not in yours:
            continue
        saved = getattr(current, name)
        mine = yours[name]
        if name in WRITABLE_RELATIONS:
            saved_names = sorted(str(record) for record in saved.all())
            mine_names = sorted(str(record) for record in mine)
            if saved_names != mine_names:
                rows.append((field.label, ", ".join(saved_names), ", ".join(mine_names)))
            continue
        if (saved if saved not in (None, "") else "") != (mine if mine not in (None, "") else ""):
            rows.append((field.label, "" if saved is None else saved, "" if mine is None else mine))
    return rows
