from django.db import models


class CaseStudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def for_borough(self, borough):
        return self.filter(boroughs=borough)

    def for_listing(self):
        """Everything a list page or API page renders, in a fixed number of queries."""
        return self.select_related("partnership", "source").prefetch_related(
            "boroughs", "approaches"
        )


class InterventionQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("settings", "providers")
