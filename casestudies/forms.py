"""Forms for drafting case studies. They check what was typed; services.py decides who may
write what, and the model validates again before saving."""

from django import forms

from boroughs.models import Borough
from core.inputs import TEXT_MAX_LENGTH

from .models import SUMMARY_MAX_LENGTH, Approach, Setting

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
CONTACT_FIELDS = (
    "contact_name",
    "contact_role",
    "contact_organisation",
    "contact_email",
    "contact_phone",
)


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
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, offered, kept=(), needs_version=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        self.kept = list(kept)
        self.fields["version"].required = needs_version
        self.fields["version"].error_messages["required"] = (
            "This page is out of date: open the case study again and make your changes."
        )

    @classmethod
    def initial_for(cls, case_study):
        """The form's starting values for an existing case study."""
        initial = {name: getattr(case_study, name) for name in cls.base_fields if name != "version"}
        for name in ("boroughs", "approaches", "settings"):
            initial[name] = [record.pk for record in getattr(case_study, name).all()]
        initial["version"] = case_study.version
        return initial

    def clean(self):
        cleaned = super().clean()
        if "boroughs" in cleaned and not cleaned["boroughs"] and not self.kept:
            self.add_error("boroughs", "Select at least one borough")
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_age", "The oldest age must be the same as or older than the youngest age"
            )
        return cleaned

    def values(self):
        """What to save, in the service's terms: boroughs include those kept."""
        values = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
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
        if name == "version":
            continue
        saved = getattr(current, name)
        mine = yours[name]
        if name in ("boroughs", "approaches", "settings"):
            saved_names = sorted(str(record) for record in saved.all())
            mine_names = sorted(str(record) for record in mine)
            if saved_names != mine_names:
                rows.append((field.label, ", ".join(saved_names), ", ".join(mine_names)))
            continue
        if (saved if saved not in (None, "") else "") != (mine if mine not in (None, "") else ""):
            rows.append((field.label, "" if saved is None else saved, "" if mine is None else mine))
    return rows
