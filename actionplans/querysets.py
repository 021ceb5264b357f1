from django.db import models


class ActionPlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def for_borough(self, borough):
        return self.filter(borough=borough)


class ActionItemQuerySet(models.QuerySet):
    def overdue(self, today):
        """Past due and neither complete nor cancelled."""
        return self.filter(due_date__lt=today).exclude(status__in=["complete", "cancelled"])

    def for_listing(self):
        return self.select_related("plan__borough", "theme", "last_updated_by")
