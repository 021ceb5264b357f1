"""Filters of the portal-wide API endpoints."""

import django_filters

from boroughs.models import Borough, Region


class BoroughSummaryFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices)
    kind = django_filters.ChoiceFilter(choices=Borough.Kind.choices)

    class Meta:
        model = Borough
        fields = ["region", "kind"]
