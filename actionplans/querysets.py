from django.db import models


class ActionPlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def for_borough(self, borough):
        return self.filter(borough=borough)

    def editable_by(self, user):
        return editable_by(self, user, "borough")


class ActionItemQuerySet(models.QuerySet):
    def overdue(self, today):
        """Past due and neither complete nor cancelled."""
        return self.filter(due_date__lt=today).exclude(status__in=["complete", "cancelled"])

    def for_listing(self):
        return self.select_related("plan__borough", "theme", "last_updated_by")

    def editable_by(self, user):
        return editable_by(self, user, "plan__borough")


def editable_by(queryset, user, borough_path):
    """Rows the user may change: all for editors, their lead boroughs' rows for leads."""
    from boroughs.roles import LEAD, is_editor

    if not user.is_authenticated:
        return queryset.none()
    if is_editor(user):
        return queryset
    return queryset.filter(
        **{f"{borough_path}__roles__user": user, f"{borough_path}__roles__role": LEAD}
    )
