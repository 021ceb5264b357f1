from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from boroughs.models import Borough

    # Named (as strings) in the type arguments of the querysets below.
    from .models import CaseStudy, Intervention  # noqa: F401


class CaseStudyQuerySet(models.QuerySet["CaseStudy"]):
    def published(self) -> Self:
        return self.filter(status=self.model.Status.PUBLISHED)

    def for_borough(self, borough: "Borough") -> Self:
        return self.filter(boroughs=borough)

    def through_covering(self, borough: "Borough", covering: "list[Borough]") -> Self:
        """Those of the areas covering ``borough`` (a county council, a combined authority)
        that are not the borough's own."""
        return self.filter(boroughs__in=covering).exclude(boroughs=borough).distinct()

    def visible_to(self, user: Any) -> Self:
        return _visible_to(self, user)

    def update(self, **kwargs: Any) -> int:
        """As QuerySet.update, and the case studies' facet counts (casestudies.facet_figures)
        counted again when a column they count changes: an update sends no signal."""
        from .facet_figures import COUNTED_COLUMNS, case_study_facets_refresh

        if not COUNTED_COLUMNS & kwargs.keys():
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        case_study_facets_refresh(ids)
        return updated

    def for_listing(self) -> Self:
        """Everything a list page or API page renders, in a fixed number of queries."""
        return self.select_related("partnership", "source").prefetch_related(
            "boroughs", "approaches"
        )

    def for_record(self) -> Self:
        """Everything the API's whole record of each shows (its detail, its CSV and the
        exports), in a fixed number of queries."""
        return (
            self.select_related("partnership", "source")
            .prefetch_related(
                "boroughs",
                "approaches",
                "settings",
                "interventions__external_ratings",
                "awards",
                "outcomes",
            )
            .defer("search_vector")
        )


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def for_listing(self) -> Self:
        return self.prefetch_related("settings", "providers")


_Studies = TypeVar("_Studies", bound=CaseStudyQuerySet)


def sees_drafts(user: Any) -> bool:
    """Whether a reader may see case studies that are not published (visible_to)."""
    from boroughs.roles import boroughs_of, is_analyst, is_editor

    if user is None:
        return False
    return bool(is_editor(user) or is_analyst(user) or boroughs_of(user))


def _visible_to(queryset: _Studies, user: Any) -> _Studies:
    """Published for everyone; drafts for analysts and editors, and for the boroughs' own staff."""
    from boroughs.roles import boroughs_of, is_analyst, is_editor

    if user is not None and (is_editor(user) or is_analyst(user)):
        return queryset
    published_status = queryset.model.Status.PUBLISHED
    published = queryset.filter(status=published_status)
    own = boroughs_of(user) if user is not None else set()
    if not own:
        return published
    return queryset.filter(
        models.Q(status=published_status) | models.Q(boroughs__in=own)
    ).distinct()
