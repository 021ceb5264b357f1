from django.db import models


class BoroughQuerySet(models.QuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def london(self):
        return self.in_region("london")


class PartnershipQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("members")
