"""The case-study list's pages carry facet counts beside the results.

`facets` counts, for each of borough, region, approach, category, funding_stream and
year, the case studies matching `q` and every filter except that facet's own, so a
selected value's siblings keep their counts. The counts and the total come from one
query (casestudies.selectors.case_study_facets), which takes the place of the page's
COUNT: a list with facets costs no more queries than one without.
"""

from django.conf import settings

from casestudies.search import CASE_STUDIES
from casestudies.selectors import FACETS
from core.api.pagination import KeptPagesPaginator, PortalPagination

FACET_OPTION_SCHEMA = {
    "type": "object",
    "properties": {
        "value": {"type": "string", "description": "The filter's value, e.g. a slug."},
        "label": {"type": "string"},
        "count": {
            "type": "integer",
            "description": "Case studies matching q and the other filters, with this value.",
        },
        "selected": {"type": "boolean", "description": "Whether the request filters by it."},
    },
    "required": ["value", "label", "count", "selected"],
}


class CaseStudyPaginator(KeptPagesPaginator):
    """Pages of case studies: those of a search by relevance keep the ids they picked
    under the data version (the API and the pages alike), and a deep page of a search for
    one word is found from the score where it starts or ends."""

    @property
    def kept_seconds(self) -> int:  # type: ignore[override]  # a setting, read when paging
        seconds: int = settings.SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS
        return seconds

    def led_by_index(self, records):
        # Relevance to one word, read from its postings' index by score: a deep page sorts
        # by title only the matches of the scores that hold it.
        return CASE_STUDIES.ranked_in_index_order(records)

    def counted_in_place_of(self, records):
        # Published (or every) case study's matches for one word: their postings, less
        # those of the few studies not published.
        return CASE_STUDIES.postings_in_place_of(records)


class KnownCountPaginator(CaseStudyPaginator):
    """A paginator told its count, rather than counting again."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class FacetedPagination(PortalPagination):
    """PortalPagination's pages with a `facets` member; give it the count and the facets
    (with_facets) before paginating."""

    django_paginator_class = CaseStudyPaginator
    facets = None
    count = None

    def with_facets(self, facets, count):
        self.facets, self.count = facets, count
        return self

    def paginate_queryset(self, queryset, request, view=None):
        if self.count is not None:
            count = self.count
            self.django_paginator_class = lambda *args, **kwargs: KnownCountPaginator(
                *args, count=count, **kwargs
            )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["facets"] = {
            facet.name: [
                {
                    "value": option.value,
                    "label": option.label,
                    "count": option.count,
                    "selected": option.selected,
                }
                for option in facet.options
            ]
            for facet in self.facets or ()
        }
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["facets"] = {
            "type": "object",
            "description": "For each facet, its values with how many case studies match q "
            "and every filter but that facet's own. Values no case study has are left "
            "out, unless selected.",
            "properties": {
                name: {"type": "array", "items": FACET_OPTION_SCHEMA} for name, _ in FACETS
            },
            "required": [name for name, _ in FACETS],
        }
        paginated.setdefault("required", [])
        paginated["required"] = [*paginated["required"], "facets"]
        return paginated
