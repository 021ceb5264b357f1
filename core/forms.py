"""GOV.UK form helpers: the Design System's inputs and error wording on Django forms."""

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    # The mixins go on forms.Form (or a form built on it), whose attributes they use.
    _Form = forms.Form
else:
    _Form = object


class GovukDateMixin(_Form):
    """A GOV.UK date input: three boxes, checked together with the Design System's wording.

    For a ``forms.Form``: ``date_fields`` maps each date's prefix to its label, and the
    form has ``<prefix>_day``, ``<prefix>_month`` and ``<prefix>_year`` fields
    (``date_part``)."""

    date_fields: Mapping[str, str] = {}  # prefix -> label, e.g. {"due": "Due date"}

    def clean_dates(self) -> dict[str, dt.date | None]:
        dates: dict[str, dt.date | None] = {}
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
    def date_initial(cls, prefix: str, value: dt.date | None) -> dict[str, int]:
        if value is None:
            return {}
        return {
            f"{prefix}_day": value.day,
            f"{prefix}_month": value.month,
            f"{prefix}_year": value.year,
        }


def date_part(label: str, width: int) -> forms.CharField:
    """One box of a GOV.UK date input: "Day" (width 2), "Month" (2) or "Year" (4)."""
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


class GovukFieldsMixin(_Form):
    """Every field's input gets the GOV.UK class, and an error class while it has an error."""

    autocomplete: Mapping[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "govuk-input"
            if name in self.autocomplete:
                field.widget.attrs["autocomplete"] = self.autocomplete[name]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--error"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"
