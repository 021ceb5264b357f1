from django.db import models


class ActionPlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def public(self):
        """Plans anyone may read: every plan but drafts."""
        return self.filter(_public_plans(""))

    def visible_to(self, user):
        """Plans the user may read: drafts only for their borough's officers and leads (or,
        for a partnership's plan, its member boroughs'), analysts and editors."""
        return self.filter(_visible_plans(user, ""))

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

    def public(self):
        """Items anyone may read: those of every plan but drafts."""
        return self.filter(_public_plans("plan__"))

    def visible_to(self, user):
        """Items the user may read: those of the plans they may read."""
        return self.filter(_visible_plans(user, "plan__"))

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


def _public_plans(prefix):
    from .models import ActionPlan

    return ~models.Q(**{f"{prefix}status": ActionPlan.Status.DRAFT})


def _visible_plans(user, prefix):
    """The condition for plans (at ``prefix``) the user may read; see visible_to."""
    from boroughs.models import Partnership
    from boroughs.roles import boroughs_of, is_analyst, is_editor

    if user is not None and (is_editor(user) or is_analyst(user)):
        return models.Q()
    public = _public_plans(prefix)
    own = boroughs_of(user) if user is not None else set()
    if not own:
        return public
    return (
        public
        | models.Q(**{f"{prefix}borough__in": own})
        | models.Q(**{f"{prefix}partnership__in": Partnership.objects.filter(members__in=own)})
    )
