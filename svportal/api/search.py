"""/api/v1/search/?q=: the portal-wide search (svportal.search), grouped by kind."""

from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.answers import SignedInAnswersMixin
from core.api.filters import check_known_parameters
from core.api.pagination import no_such_page
from svportal.forms import MAX_QUERY_LENGTH
from svportal.search import GROUP_LIMIT, KIND_PAGE_SIZE, KINDS, portal_search

KIND_KEYS = [kind.key for kind in KINDS]


class SearchParametersSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text=(
            "Words to search for, in web-search syntax: every word must match, in any form "
            "(case, hyphens and British or American spelling do not matter), or through the "
            "portal's synonyms ('A&E' also finds 'emergency department'; what was added is "
            'in expanded_terms); put a phrase in "quotes"; -word leaves out what mentions '
            "it; `or` between two words takes either. Required; at most "
            f"{MAX_QUERY_LENGTH} characters."
        ),
        error_messages={
            "blank": "Enter words to search for.",
            "required": "Enter words to search for.",
            "max_length": "Enter search words of {max_length} characters or fewer.",
            "null_characters_not_allowed": "Search words cannot contain null characters.",
        },
    )
    kind = serializers.ChoiceField(
        choices=KIND_KEYS,
        required=False,
        error_messages={"invalid_choice": "Choose a kind: " + ", ".join(KIND_KEYS) + "."},
        help_text=(
            f"One kind only, {KIND_PAGE_SIZE} results a page (`page`); without it, the best "
            f"{GROUP_LIMIT} of every kind."
        ),
    )
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="With `kind`: which page of that kind's results, from 1.",
    )

    def validate(self, attrs):
        if attrs.get("page", 1) > 1 and not attrs.get("kind"):
            raise ValidationError({"page": ["Choose a kind to page through its results."]})
        return attrs


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField(
        help_text="Unique within its kind (a plan item's, within its plan)."
    )
    title = serializers.CharField()
    url = serializers.CharField(help_text="The record's page.")
    context = serializers.CharField(help_text="What it is and whose, in one line.")  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    snippet = serializers.CharField(
        help_text="HTML: the text around what was found, every found word in <mark>, the "
        "rest escaped."
    )
    rank = serializers.FloatField(help_text="Relevance, 0 to 1; higher first.")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_KEYS, source="key")
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    count = serializers.IntegerField(help_text="Every match of this kind the user may see.")
    results = SearchResultSerializer(many=True, help_text="The best matches, best first.")
    more_url = serializers.CharField(
        source="api_more_url",
        help_text="This kind's own API list filtered by the same words, or this endpoint for "
        "this kind alone.",
    )
    page_url = serializers.CharField(source="more_url", help_text="The same on the portal's pages.")


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField(source="q")
    expanded_terms = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the portal's synonym list added to the search.",
    )
    matched = serializers.ChoiceField(
        choices=["all", "any"],
        help_text="all: every result holds every word (or its synonyms). any: no record "
        "held them all, so the results hold some of them, those with more first.",
    )
    groups = SearchGroupSerializer(many=True)


class PortalSearchView(SignedInAnswersMixin, APIView):
    """One search across case studies, interventions, plan items, funding streams, awards,
    areas and organisations: the best matches of each kind, with how many match, and a
    link to the rest. Only what the user may see is searched (draft plans' items only for
    their borough's staff, analysts and editors; draft case studies likewise)."""

    renderer_classes = [ORJSONRenderer]
    common_parameters = {"format"}
    extra_parameters = ("q", "kind", "page")
    #: Parameters with a type or a list of choices: an empty value is none of them.
    typed_parameters = ("kind", "page")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_known_parameters(request, self)

    @extend_schema(
        operation_id="search",
        parameters=[SearchParametersSerializer],
        responses=SearchResponseSerializer,
    )
    def get(self, request):
        parameters = SearchParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        kind = parameters.validated_data.get("kind")
        if kind:
            page = parameters.validated_data.get("page", 1)
            search = portal_search(
                user=request.user,
                q=parameters.validated_data["q"],
                kinds=[kind],
                limit=KIND_PAGE_SIZE,
                offset=(page - 1) * KIND_PAGE_SIZE,
            )
            _check_page_exists(search, page)
        else:
            search = portal_search(user=request.user, q=parameters.validated_data["q"])
        return Response(_answer(request, search, kind, parameters.validated_data.get("page", 1)))


def _check_page_exists(search, page):
    """A page past the last of a kind's matches is a 404, as on every API list."""
    count = search.groups[0].count if search.groups else 0
    pages = max(1, -(-count // KIND_PAGE_SIZE))
    if page > pages:
        raise no_such_page(page, pages)


def _answer(request, search, kind, page):
    """The answer SearchResponseSerializer describes (and the schema shows), written out
    from the search's plain values: the same keys in the same order, each URL absolute.
    Through the serializers' fields, thirty results took about ten times as long."""
    groups = []
    for found in search.groups:
        next_url = None
        if kind and found.offset + len(found.results) < found.count:
            following = request.query_params.copy()
            following["page"] = str(page + 1)
            next_url = request.build_absolute_uri(f"?{following.urlencode()}")
        groups.append(
            {
                "kind": found.key,
                "label": found.label,
                "count": found.count,
                "results": [
                    {
                        "id": result.id,
                        "slug": str(result.slug),
                        "title": str(result.title),
                        "url": request.build_absolute_uri(result.url),
                        "context": str(result.context),
                        "snippet": str(result.snippet),
                        "rank": float(result.rank),
                    }
                    for result in found.results
                ],
                "more_url": request.build_absolute_uri(found.api_more_url),
                "page_url": request.build_absolute_uri(found.more_url),
                "next_url": next_url,
            }
        )
    return {
        "query": str(search.q),
        "expanded_terms": [str(term) for term in search.expanded_terms],
        "matched": search.matched,
        "groups": groups,
    }
