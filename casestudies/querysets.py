from django.db import models


class CaseStudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def for_borough(self, borough):
        return self.filter(boroughs=borough)

    def visible_to(self, user):
        return _visible_to(self, user)

    def for_listing(self):
        """Everything a list page or API page renders, in a fixed number of queries."""
        return self.select_related("partnership", "source").prefetch_related(
            "boroughs", "approaches"
        )


class InterventionQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("settings", "providers")


def _visible_to(queryset, user):
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
