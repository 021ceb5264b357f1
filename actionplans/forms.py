"""Forms for leads: the one-step item update, adding items, the CSV upload, plan details."""

from django import forms

from core.forms import GovukDateMixin, date_part

from .history import FUTURE_MESSAGE, ISO_DAY
from .models import NOTE_REQUIRED_MESSAGE, ActionPlan, ItemStatus, note_required

TEXT = {"class": "govuk-input"}
TEXTAREA = {"class": "govuk-textarea", "rows": 4}


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


class AsAtForm(GovukDateMixin, forms.Form):
    """The day to view plans as they stood on: three GOV.UK date boxes, or
    ``as_at=YYYY-MM-DD`` from a shared link. A valid day from the boxes is redirected to
    the ``as_at`` form of the address, so that it can be shared.

    Both the plan page and svportal's pages use it: the as-at rules of history.py (a real
    day, not in the future) in form shape."""

    date_fields = {"as_at": "The date"}
    as_at_day = date_part("Day", 2)
    as_at_month = date_part("Month", 2)
    as_at_year = date_part("Year", 4)

    PARTS = ("as_at_day", "as_at_month", "as_at_year")

    def __init__(self, query, *, today):
        self.today = today
        self.from_boxes = any(query.get(part, "").strip() for part in self.PARTS)
        self.raw = "" if self.from_boxes else query.get("as_at", "").strip()
        data = None
        if self.from_boxes:
            data = {part: query.get(part, "") for part in self.PARTS}
        elif self.raw:
            pieces = self.raw.split("-")
            if len(pieces) == 3 and ISO_DAY.match(self.raw):
                data = dict(zip(("as_at_year", "as_at_month", "as_at_day"), pieces, strict=True))
            else:
                data = dict.fromkeys(self.PARTS, "")
        super().__init__(data, auto_id="%s")

    def clean(self):
        cleaned = super().clean()
        if not self.from_boxes and self.raw and not ISO_DAY.match(self.raw):
            self.add_error("as_at_day", "The date must be a real date")
            return cleaned
        day = self.clean_dates().get("as_at")
        if day is not None and day > self.today:
            self.add_error("as_at_day", FUTURE_MESSAGE)
            day = None
        cleaned["as_at"] = day
        return cleaned

    @property
    def day(self):
        """The day asked for, once valid; None for the plans as they stand now."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("as_at")

    @property
    def redirect_needed(self):
        """True when the day came from the boxes: the address should name it as as_at."""
        return self.from_boxes and self.day is not None

    def refuse(self, error):
        """Show a day the selectors refused (one before the portal's record) as an error."""
        self.add_error("as_at_day", error.message)

    def error_summary(self):
        """(anchor, message) pairs for the GOV.UK error summary."""
        return [(name, message) for name in self.PARTS for message in self.errors.get(name, [])]

    @property
    def has_date_errors(self):
        return any(name in self.errors for name in self.PARTS)

    @property
    def first_error(self):
        summary = self.error_summary()
        return summary[0][1] if summary else ""

    @property
    def boxes(self):
        """(label, bound field) for the three boxes, styled as in error when the date is."""
        boxes = []
        for name in self.PARTS:
            if self.has_date_errors:
                widget = self.fields[name].widget
                if "govuk-input--error" not in widget.attrs["class"]:
                    widget.attrs["class"] += " govuk-input--error"
            boxes.append((self.fields[name].label, self[name]))
        return boxes
