"""Content negotiation: a `format` the endpoint does not offer is a 400 naming it, like any
other parameter value it does not know (DRF answers 404)."""

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class PortalContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise ValidationError({"format": [f"Choose from: {offered}."]}) from None
