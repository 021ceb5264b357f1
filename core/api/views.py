"""Base classes every API endpoint builds on."""

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .answers import SignedInAnswersMixin
from .csv import csv_lines, serializer_columns
from .filters import (
    COMMON_PARAMETERS,
    Listing,
    PortalSearchFilter,
    StrictOrderingFilter,
    check_known_parameters,
)

CSV_CHUNK_SIZE = 2000


def record_action(
    *, methods: Sequence[Literal["get", "post", "put", "patch"]], **kwargs: Any
) -> Callable[[Callable[..., Any]], Any]:
    """An extra action on one record (``/things/<slug>/verb/``): it answers with that
    record's data, not a page of a list, so the list's paging and filters do not apply."""
    return action(
        detail=True, methods=methods, pagination_class=None, filterset_class=None, **kwargs
    )


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    rest = iter(lines)
    # The header and the first row now, so that the first query runs before the response
    # starts: a database that does not answer is an error response, not a truncated file.
    started = list(itertools.islice(rest, 2))
    response = StreamingHttpResponse(
        itertools.chain(started, rest), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class PortalReadOnlyViewSet(SignedInAnswersMixin, viewsets.ReadOnlyModelViewSet[Any]):
    """A list and a detail; JSON by default, CSV with ?format=csv (the whole list, streamed)."""

    filter_backends = [DjangoFilterBackend, PortalSearchFilter, StrictOrderingFilter]
    lookup_field = "slug"
    csv_filename: str | None = None
    #: A list's filters (a detail has none: see initial()).
    filterset_class: type[FilterSet] | None = None
    #: The resource's listing selector, ``f(*, filters, user) -> queryset`` with the list's
    #: filters, q and ordering applied, when it has one: the list is what it returns
    #: (the filter backends then only describe the parameters in the schema).
    list_selector: "Callable[..., QuerySet[Any]] | None" = None
    #: The resource's Listing, which its list_selector applies: the filter backends read
    #: its filters, search and ordering from it to describe them in the schema.
    listing: Listing | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        listing = cls.__dict__.get("listing")
        if listing is not None:
            cls.filterset_class = listing.filterset_class
            for name in ("search_fields", "ordering_fields", "ordering"):
                setattr(cls, name, getattr(listing, name))

    def get_queryset(self) -> QuerySet[Any]:
        # Read from the class: a function kept as a class attribute is not a method.
        selector = type(self).list_selector
        if self.action == "list" and selector is not None:
            return selector(filters=self.request.query_params, user=self.request.user)
        queryset: QuerySet[Any] = super().get_queryset()
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list" and self.list_selector is not None:
            return queryset
        filtered: QuerySet[Any] = super().filter_queryset(queryset)
        return filtered

    @property
    def common_parameters(self) -> set[str]:
        # Lists page, search and order; a single record or an analysis takes only format.
        return COMMON_PARAMETERS if self.action == "list" else {"format"}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action != "list":
            self.filterset_class = None
        check_known_parameters(request, self)

    def csv_download(self, rows: Iterable[dict[str, Any]], filename: str) -> StreamingHttpResponse:
        return csv_response(csv_lines(rows), filename)

    # A CSV list streams, which DRF's Response cannot.
    def list(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Response | StreamingHttpResponse:
        if request.accepted_renderer.format == "csv":
            paginator: Any = self.paginator  # the portal's paginators check their parameters
            if paginator is not None:
                paginator.check_parameters(request)
            queryset = self.filter_queryset(self.get_queryset())
            serializer_class = self.get_serializer_class()
            context = self.get_serializer_context()
            rows = (
                serializer_class(instance, context=context).data
                for instance in queryset.iterator(chunk_size=CSV_CHUNK_SIZE)
            )
            header = serializer_columns(serializer_class(context=context))  # type: ignore[arg-type]  # a list's serializer_class is a Serializer
            return csv_response(csv_lines(rows, header), self.csv_filename or self.basename)
        listed: Response = super().list(request, *args, **kwargs)
        return listed
