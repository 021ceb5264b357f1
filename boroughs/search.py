"""What area search covers, and keeping the areas' documents fresh.

How a query is read, widened by synonyms, matched and ranked is core.search, the same for
every search in the portal (docs/decisions/0012-one-search.md); an area's document holds
its name (A) above its kind and region (B) and its police force (C), so that "Westminster"
or "Greater Manchester Police" finds the places a reader means. An organisation's document
holds its name (A) above its kind (B) and its description (C), so that "Catch22" or
"charity mentoring" finds who to ask.
"""

from core.search import SearchIndex

from .models import Borough, Organisation


def area_documents(queryset):
    for borough in queryset.defer("search_vector"):
        yield (
            borough.pk,
            {
                "A": borough.name,
                "B": f"{borough.get_kind_display()}\n{borough.get_region_display()}",
                "C": borough.police_force,
            },
        )


AREAS = SearchIndex(model=Borough, documents=area_documents)
AREAS.follow_own_records()


def organisation_documents(queryset):
    for organisation in queryset.defer("search_vector"):
        yield (
            organisation.pk,
            {
                "A": organisation.name,
                "B": organisation.get_kind_display(),
                "C": organisation.description,
            },
        )


ORGANISATIONS = SearchIndex(
    model=Organisation, documents=organisation_documents, snippet_fields=("description",)
)
ORGANISATIONS.follow_own_records()
