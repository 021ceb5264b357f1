"""GET forms of the portal-wide pages: the boroughs table, compare and search."""

from functools import cached_property

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from boroughs.models import Region

#: The longest search accepted, in characters (a search reads up to twelve words).
MAX_QUERY_LENGTH = 200

#: Columns of the boroughs table a reader can sort by; "-name" sorts descending.
SORT_COLUMNS = (
    "name",
    "region",
    "plan",
    "complete",
    "overdue",
    "case_studies",
    "awards",
    "funding",
)
SORT_CHOICES = [(column, column) for column in SORT_COLUMNS] + [
    (f"-{column}", f"-{column}") for column in SORT_COLUMNS
]

#: The maps the boroughs table shows one at a time: England's figures are drawn one map per
#: page view rather than all at once (each map is a link per area and a table of them).
TABLE_MAPS = (
    ("plans", "Knife crime action plans"),
    ("case-studies", "Published case studies"),
    ("overdue", "Overdue plan items"),
)

MIN_COMPARED, MAX_COMPARED = 2, 4
ORDINALS = ("First", "Second", "Third", "Fourth")


class BoroughTableForm(forms.Form):
    """Filter and sort the boroughs table; every value travels in the URL."""

    region = forms.ChoiceField(
        label="Region",
        required=False,
        choices=[("", "All regions"), *Region.choices],
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Sort by one of the table's columns"},
    )
    map = forms.ChoiceField(
        required=False,
        choices=TABLE_MAPS,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose one of the maps"},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, auto_id="%s", **kwargs)


class AreaChoiceField(forms.ChoiceField):
    """A choice of one of hundreds of areas by slug (``areas``, by slug), checked by a
    look-up rather than by walking the choices: each of compare's four selects made and
    searched every area's choice once more. The form writes the options itself."""

    def __init__(self, areas, **kwargs):
        super().__init__(**kwargs)
        self.areas = areas

    def valid_value(self, value):
        return value in self.areas


class CompareForm(forms.Form):
    """Two to four boroughs, from selects that all submit as ``boroughs``.

    The selects share one parameter name so that the form and a shared link
    (``?boroughs=westminster,lambeth``) arrive in the same shape.
    """

    def __init__(self, slugs=None, *, boroughs):
        self.too_many = slugs is not None and len(slugs) > MAX_COMPARED
        data = None
        if slugs is not None:
            data = {f"borough_{n}": slug for n, slug in enumerate(slugs[:MAX_COMPARED], start=1)}
        super().__init__(data, auto_id=False)
        self.boroughs = {borough.slug: borough for borough in boroughs}
        self.area_choices = [("", "Choose a borough"), *((b.slug, b.name) for b in boroughs)]
        for n, ordinal in enumerate(ORDINALS, start=1):
            self.fields[f"borough_{n}"] = AreaChoiceField(
                self.boroughs,
                label=f"{ordinal} borough",
                required=False,
                error_messages={
                    "invalid_choice": "There is no borough “%(value)s”: "
                    "select a borough from the list"
                },
            )
            self.fields[f"borough_{n}"].html_id = f"borough-{n}"

    @staticmethod
    def slugs_from(query):
        """The slugs a query string names, however it names them: the form sends one
        ``boroughs`` per select, a shared link sends them comma-separated."""
        if "boroughs" not in query:
            return None
        return [
            slug.strip()
            for raw in query.getlist("boroughs")
            for slug in raw.split(",")
            if slug.strip()
        ]

    def clean(self):
        cleaned = super().clean()
        if self.too_many:
            raise forms.ValidationError(
                f"Choose no more than {MAX_COMPARED} boroughs", code="too_many"
            )
        seen = {}
        for name in self.fields:
            slug = cleaned.get(name)
            if not slug:
                continue
            if slug in seen:
                self.add_error(
                    name,
                    f"You have already chosen {self.boroughs[slug].name}: "
                    "choose a different borough",
                )
            seen[slug] = name
        if not self.errors and len(seen) < MIN_COMPARED:
            first_empty = next(name for name in self.fields if not cleaned.get(name))
            self.add_error(first_empty, f"Choose at least {MIN_COMPARED} boroughs to compare")
        return cleaned

    @property
    def chosen(self):
        """The chosen boroughs, in the order chosen."""
        return [
            self.boroughs[self.cleaned_data[name]]
            for name in self.fields
            if self.cleaned_data.get(name)
        ]

    @property
    def selects(self):
        """Each select with its id and its options' HTML, for the template and the error
        summary."""
        return [
            (self.fields[name].html_id, self[name], self.options_html(name)) for name in self.fields
        ]

    @cached_property
    def _options(self):
        """The options of every select, none selected, as the select template writes them:
        the same hundreds of areas in each of four selects cost more to render one by one
        in the template than the rest of the comparison."""
        return "".join(
            f'<option value="{escape(value)}">{escape(label)}</option>\n    '
            for value, label in self.area_choices
        )

    def options_html(self, name):
        """The options of select ``name``, its chosen value selected."""
        chosen = self[name].value()
        if chosen is None:
            return mark_safe(self._options)  # noqa: S308 - built escaped
        option = f'<option value="{escape(chosen)}">'
        marked = option[:-1] + " selected>"
        return mark_safe(self._options.replace(option, marked, 1))  # noqa: S308 - escaped

    def error_summary(self):
        """(anchor, message) pairs for the GOV.UK error summary, in page order."""
        summary = [("borough-1", message) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                summary.append((self.fields[name].html_id, message))
        return summary


class PortalSearchForm(forms.Form):
    """The portal-wide search: words, optionally one kind of record, and a page of it."""

    q = forms.CharField(
        label="Search the portal",
        required=False,
        strip=True,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Enter search words of %(limit_value)d characters or fewer",
            "null_characters_not_allowed": "Search words cannot contain null characters",
        },
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Choose a kind of record the portal holds"},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "invalid": "Enter a page number",
            "min_value": "Enter a page number of 1 or more",
            "max_value": "Enter a page number of 10000 or less",
        },
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *kinds]
