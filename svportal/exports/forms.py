"""The form that starts an export from a page: /exports/ itself, or the export button
another page includes (templates/exports/_export_button.html)."""

from django import forms
from django.http import QueryDict

from boroughs.models import StockTake
from svportal.models import ExportJob

from .selectors import KINDS

#: Parameters of the page an export button sits on that show the data rather than choose
#: it (its page, its sort order): an export leaves them out rather than refuse them.
PAGE_ONLY_PARAMETERS = frozenset({"page", "page_size", "sort"})
STOCK_TAKE_KINDS = (ExportJob.Kind.STOCK_TAKE_SUMMARY, ExportJob.Kind.STOCK_TAKE_MATRIX)


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to export",
        choices=ExportJob.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what to export",
            "invalid_choice": "Select what to export from the list",
        },
    )
    format = forms.ChoiceField(
        label="File format",
        choices=ExportJob.Format.choices,
        initial=ExportJob.Format.CSV,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a file format",
            "invalid_choice": "Select a file format from the list",
        },
    )
    stock_take = forms.ChoiceField(
        label="Stock-take round",
        required=False,
        help_text="For the stock-take summary and the answers by borough.",
    )
    filters = forms.CharField(
        label="Filters",
        required=False,
        max_length=2000,
        help_text="As in the API's address, for example borough=westminster&overdue=true. "
        "Leave empty to export everything you can see.",
        error_messages={"max_length": "Filters must be 2,000 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_take"].choices = [("", "Choose a round")] + [
            (stock_take.slug, stock_take.title)
            for stock_take in StockTake.objects.order_by("-conducted_on", "title")
        ]
        self.fields["stock_take"].widget.attrs["class"] = "govuk-select"
        for name in ("stock_take", "filters"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-hint"
        self.kind_hints = {slug: kind.parameter_help for slug, kind in KINDS.items()}

    def export_filters(self):
        """The filters to export with: the query string, less page-only parameters, with
        the stock-take round for the stock-take kinds."""
        parsed = QueryDict(self.cleaned_data.get("filters", "").strip().lstrip("?"))
        filters = {
            name: values[0] if len(values) == 1 else values
            for name, values in parsed.lists()
            if name not in PAGE_ONLY_PARAMETERS
        }
        stock_take = self.cleaned_data.get("stock_take")
        if stock_take and self.cleaned_data.get("kind") in STOCK_TAKE_KINDS:
            filters["stock_take"] = stock_take
        return filters

    def mark_errors(self):
        """GOV.UK error styling and descriptions on the inputs that have errors."""
        for name in ("stock_take", "filters"):
            if name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"id_{name}-hint id_{name}-error"
                kind = "select" if name == "stock_take" else "input"
                attrs["class"] += f" govuk-{kind}--error"

    def add_export_errors(self, errors):
        """Show a service's ExportSpecError on the form, each message by its field."""
        for name, messages in errors.items():
            if name == "filters" and isinstance(messages, dict):
                for filter_name, filter_messages in messages.items():
                    field = "stock_take" if filter_name == "stock_take" else "filters"
                    for message in filter_messages:
                        text = str(message).rstrip(".")
                        if field == "filters":
                            text = f"Filter “{filter_name}”: {text}"
                        self.add_error(field, text)
            else:
                field = name if name in self.fields else None
                for message in messages:
                    self.add_error(field, str(message).rstrip("."))
