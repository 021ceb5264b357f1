from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from core.inputs import is_whole_number

MAX_PAGE_SIZE = 500


class IdsFirstPaginator(Paginator):
    """A paginator whose page of a queryset is read in two steps inside one query: the
    ids of the page's rows, in the list's order (sorting only the ids and the columns
    ordered by, however deep the page), then those rows alone with everything they show
    (decision 0029). A deep page then costs about what the first does, where OFFSET over
    the full rows made page 200 read and sort every row before it."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom, top):
        records = self.object_list
        if (
            bottom == 0  # the first page: LIMIT alone stops at its rows
            or not isinstance(records, QuerySet)
            or records.query.group_by is not None  # counted per row: read once, not twice
            or records.query.distinct
            or records.query.combinator
            or records.query.is_sliced
            or not records.ordered
        ):
            return records[bottom:top]
        return records.filter(pk__in=records.values("pk")[bottom:top])


class PortalPagination(PageNumberPagination):
    """`page` and `page_size` (1–500); a malformed value is a 400, not a silent default."""

    django_paginator_class = IdsFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not is_whole_number(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [f"Enter a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return int(raw)

    def check_parameters(self, request):
        """Refuse a malformed page or page_size, also where the whole list is given (CSV)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not is_whole_number(raw) and raw != "last":
            raise ValidationError({"page": ["Enter a page number: a whole number from 1."]})
        self.get_page_size(request)
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        raw = self.check_parameters(request)
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = raw or 1
        try:
            self.page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage:
            raise NotFound(
                f"There is no page {number}: there are {paginator.num_pages} pages."
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number from 1, or last. Past the last page is a 404.",
                "schema": {"type": "string", "pattern": r"^([0-9]{1,18}|last)$"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
