"""Forms for leads: the one-step item update, adding items, the CSV upload, plan details."""

import datetime as dt

from django import forms

from .models import NOTE_REQUIRED_MESSAGE, ActionPlan, ItemStatus, note_required

TEXT = {"class": "govuk-input"}
TEXTAREA = {"class": "govuk-textarea", "rows": 4}


class GovukDateMixin:
    """A GOV.UK date input: three boxes, checked together with the Design System's wording."""

    date_fields: dict[str, str] = {}  # prefix -> label, e.g. {"due": "Due date"}

    def clean_dates(self):
        dates = {}
        for prefix, label in self.date_fields.items():
            parts = {
                part: (self.cleaned_data.get(f"{prefix}_{part}") or "").strip()
                for part in ("day", "month", "year")
            }
            given = [part for part, value in parts.items() if value]
            if not given:
                dates[prefix] = None
                continue
            missing = [part for part in ("day", "month", "year") if not parts[part]]
            if missing:
                self.add_error(f"{prefix}_{missing[0]}", f"{label} must include a {missing[0]}")
                continue
            try:
                if len(parts["year"]) != 4:
                    raise ValueError
                dates[prefix] = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                self.add_error(f"{prefix}_day", f"{label} must be a real date")
        return dates

    @classmethod
    def date_initial(cls, prefix, value):
        if value is None:
            return {}
        return {
            f"{prefix}_day": value.day,
            f"{prefix}_month": value.month,
            f"{prefix}_year": value.year,
        }


def date_part(label, width):
    return forms.CharField(
        label=label,
        required=False,
        max_length=4,
        widget=forms.TextInput(
            attrs={
                "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                "inputmode": "numeric",
            }
        ),
    )


class ItemForm(GovukDateMixin, forms.Form):
    """Everything a lead changes about an item, in one step. `version` is the one they read."""

    date_fields = {"due": "Due date"}

    status = forms.ChoiceField(
        label="Status",
        choices=ItemStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a status"},
    )
    progress = forms.IntegerField(
        label="Progress (per cent)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": "Progress must be a whole number, like 40",
            "min_value": "Progress must be 0 or more",
            "max_value": "Progress must be 100 or less",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What has changed and why. Required when the item is at risk or off track.",
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": "Enter a title"},
    )
    theme = forms.ChoiceField(label="Theme", widget=forms.Select(attrs={"class": "govuk-select"}))
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    lead_agency = forms.CharField(
        label="Lead agency", required=False, max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    partners = forms.CharField(
        label="Partners", required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )
    due_day = date_part("Day", 2)
    due_month = date_part("Month", 2)
    due_year = date_part("Year", 4)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.themes = {theme.slug: theme for theme in plan.framework.themes.all()}
        self.fields["theme"].choices = [(slug, theme.name) for slug, theme in self.themes.items()]

    def clean(self):
        cleaned = super().clean()
        dates = self.clean_dates()
        if "due" in dates:
            cleaned["due_date"] = dates["due"]
        status = cleaned.get("status")
        if (
            note_required(from_status="", to_status=status)
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", NOTE_REQUIRED_MESSAGE)
        if status == ItemStatus.COMPLETE and cleaned.get("progress") not in (None, 100):
            self.add_error(
                "progress", "A complete item is 100% done: leave progress empty or enter 100"
            )
        return cleaned

    def changes(self):
        """The item fields as the form has them, for the service."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "progress": data.get("progress"),
            "title": data["title"],
            "theme": self.themes[data["theme"]],
            "description": data.get("description", ""),
            "lead_agency": data.get("lead_agency", ""),
            "partners": data.get("partners", ""),
            "due_date": data.get("due_date"),
        }

    @classmethod
    def initial_for(cls, item):
        return {
            "status": item.status,
            "progress": item.progress,
            "title": item.title,
            "theme": item.theme.slug,
            "description": item.description,
            "lead_agency": item.lead_agency,
            "partners": item.partners,
            "version": item.version,
            **cls.date_initial("due", item.due_date),
        }


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}
        ),
        error_messages={"required": "Select a CSV file"},
    )


class PlanForm(GovukDateMixin, forms.Form):
    date_fields = {"last_refreshed": "Date last refreshed"}

    title = forms.CharField(
        label="Title",
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": "Enter a title"},
    )
    status = forms.ChoiceField(
        label="Status", choices=ActionPlan.Status.choices, widget=forms.RadioSelect
    )
    scope = forms.ChoiceField(
        label="Scope", choices=ActionPlan.Scope.choices, widget=forms.RadioSelect
    )
    overseen_by = forms.CharField(
        label="Overseen by", required=False, max_length=300, widget=forms.TextInput(attrs=TEXT)
    )
    last_refreshed_day = date_part("Day", 2)
    last_refreshed_month = date_part("Month", 2)
    last_refreshed_year = date_part("Year", 4)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        dates = self.clean_dates()
        if "last_refreshed" in dates:
            cleaned["last_refreshed_on"] = dates["last_refreshed"]
        return cleaned

    def changes(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "status": data["status"],
            "scope": data["scope"],
            "overseen_by": data.get("overseen_by", ""),
            "last_refreshed_on": data.get("last_refreshed_on"),
        }

    @classmethod
    def initial_for(cls, plan):
        return {
            "title": plan.title,
            "status": plan.status,
            "scope": plan.scope,
            "overseen_by": plan.overseen_by,
            "version": plan.version,
            **cls.date_initial("last_refreshed", plan.last_refreshed_on),
        }
