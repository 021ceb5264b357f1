"""The GET form that filters awards on the funding page; the URL carries every filter."""

from django import forms


class AwardFilterForm(forms.Form):
    """Stream, funder and recipient borough, by slug, as the API's AwardFilter takes them.

    The choices come from lists the page already has, so checking them costs no query.
    An unknown value is a field error and the filter is dropped; the page still shows.
    """

    funder = forms.ChoiceField(
        label="Funder",
        required=False,
        error_messages={"invalid_choice": "Choose a funder from the list"},
    )
    stream = forms.ChoiceField(
        label="Funding stream",
        required=False,
        error_messages={"invalid_choice": "Choose a funding stream from the list"},
    )
    borough = forms.ChoiceField(
        label="Recipient borough",
        required=False,
        error_messages={"invalid_choice": "Choose a borough from the list"},
    )

    def __init__(self, data=None, *, streams, boroughs):
        """``streams``: funding.selectors.stream_list(); ``boroughs``: (slug, name) of the
        areas to choose from."""
        super().__init__(data, auto_id="%s")
        funders = {
            stream.funder_slug: stream.funder_name for stream in streams if stream.funder_slug
        }
        self.fields["funder"].choices = [("", "Any funder")] + sorted(
            funders.items(), key=lambda item: item[1]
        )
        self.fields["stream"].choices = [("", "Any stream")] + [
            (stream.slug, stream.name) for stream in streams
        ]
        self.fields["borough"].choices = [("", "Any borough"), *boroughs]

    def filters(self):
        """The valid filters, whether or not another field has an error."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) or None for name in ("funder", "stream", "borough")
        }

    def active_filters(self):
        """(field label, value label, field name) for each filter in use."""
        filters = self.filters()
        return [
            (self.fields[name].label, dict(self.fields[name].choices)[value], name)
            for name, value in filters.items()
            if value
        ]
