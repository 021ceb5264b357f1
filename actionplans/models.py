"""Knife-crime action plans under a framework of themes, their items, and each item's history."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from boroughs.models import Borough, Partnership
from core.models import DatePrecision, SourcedModel, TimeStampedModel, validate_dates_in_order
from core.search.postings import SearchPosting, posted_record

from .querysets import ActionItemQuerySet, ActionPlanQuerySet


class Framework(SourcedModel):
    """An ordered set of themes a plan is organised under (MOPAC 2017, the four Ps …)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Borough,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_frameworks",
        help_text="The borough whose own framework this is; empty for shared frameworks.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(SourcedModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(max_length=150)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="unique_theme_slug"),
        ]

    def __str__(self):
        return self.name


class ActionPlan(SourcedModel):
    """A borough's (or partnership's) plan under a framework."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded"

    class Scope(models.TextChoices):
        POLICE_LED = "police_led", "Police-led"
        PARTNERSHIP_WIDE = "partnership_wide", "Partnership-wide"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    borough = models.ForeignKey(
        Borough, on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="plans")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.PARTNERSHIP_WIDE)
    overseen_by = models.CharField(max_length=300, blank=True)
    last_refreshed_on = models.DateField(null=True, blank=True)
    last_refreshed_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    version = models.PositiveIntegerField(default=1)

    # A plan rebuilt as it stood on a day (actionplans.history.plans_as_at) carries that
    # day and the day the portal's record of it begins; a plan loaded as usual has neither.
    as_at: dt.date
    recorded_from: dt.date

    objects = ActionPlanQuerySet.as_manager()

    #: Every change, by any path that saves (pages, API, admin, loader), with who and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["borough__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(borough__isnull=False) | Q(partnership__isnull=False),
                name="plan_belongs_to_borough_or_partnership",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="plan_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.borough_id is None and self.partnership_id is None:
            raise ValidationError(
                {"borough": "Choose the borough or the partnership whose plan this is."}
            )
        validate_dates_in_order(
            self.period_start,
            self.period_end,
            start_field="period_start",
            end_field="period_end",
            start_label="start of the plan period",
            end_label="end of the plan period",
        )


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses that need a note saying why.
STATUSES_NEEDING_A_NOTE = frozenset({ItemStatus.AT_RISK, ItemStatus.OFF_TRACK})
NOTE_REQUIRED_MESSAGE = "Enter a note saying why the item is at risk or off track."


def note_required(*, from_status, to_status):
    """Whether a change from ``from_status`` ("" for a new item) to ``to_status`` needs a
    note: going at risk or off track does, so that the history says why."""
    return to_status in STATUSES_NEEDING_A_NOTE and to_status != from_status


#: Statuses in which an item can no longer be overdue.
CLOSED_STATUSES = frozenset({ItemStatus.COMPLETE, ItemStatus.CANCELLED})


class ActionItem(SourcedModel):
    Status = ItemStatus

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="items")
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_agency = models.CharField(max_length=200, blank=True)
    partners = models.CharField(max_length=500, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Per cent complete; empty when not reported.",
    )
    status_inferred_from = models.TextField(
        blank=True,
        help_text="Where the source does not state the status: the sentence it is inferred "
        "from. Empty when the status is stated (by the source or the lead).",
    )
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    last_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_updated_at = models.DateTimeField(null=True, blank=True)
    #: The search document on PostgreSQL (core.search.index; actionplans/search.py), a
    #: cache of the item's text kept fresh when it or its plan changes.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    # An item rebuilt as it stood on a day (actionplans.history.items_as_at) carries that
    # day; an item loaded as usual has none.
    as_at: dt.date

    objects = ActionItemQuerySet.as_manager()

    #: Every change, by any path that saves (pages, API, admin, loader), with who and when.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["plan", "theme__order", "order", "id"]
        indexes = [
            # Overdue items (past due, not closed) of many plans, counted from the index alone.
            models.Index(
                fields=["plan", "due_date"],
                condition=~Q(status__in=[ItemStatus.COMPLETE, ItemStatus.CANCELLED]),
                name="open_item_due",
            ),
            # Which plan each item is of, read from the index alone: the portal search
            # counts a word's items that the reader may see by joining the word's postings
            # to it, not to the items' wide rows.
            models.Index(fields=["id", "plan"], name="item_plan_by_id"),
            # The columns a list of items is ordered by (its plan, theme, order and id), read
            # from the index alone: a deep page picks its ids by walking the plans in order
            # and sorting their items, and without it every row before the page was read
            # from the table.
            models.Index(
                fields=["plan"], include=["theme", "order", "id"], name="item_plan_order_keys"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="unique_item_slug_in_plan"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="item_progress_at_most_100",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.theme_id and self.plan_id and self.theme.framework_id != self.plan.framework_id:
            raise ValidationError(
                {"theme": f"Choose a theme from the plan's framework, {self.plan.framework}."}
            )
        if self.status == ItemStatus.COMPLETE and self.progress not in (None, 100):
            raise ValidationError({"progress": "A complete item is 100% done."})

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.due_date is not None
            and self.due_date < today
            and self.status not in CLOSED_STATUSES
        )


class ActionItemSearchPosting(SearchPosting):
    """A word of a plan item's stored search document (SearchPosting), kept by the
    triggers of migration 0012. A search for one word reads its best items in order from
    them, and counts them from an index, not from every matching item's document."""

    pk = models.CompositePrimaryKey("word", "item")
    item = posted_record(ActionItem)

    class Meta(SearchPosting.Meta):
        db_table = "actionplans_actionitem_postings"

    def __str__(self):
        return f"{self.word} in plan item {self.item_id}"


class AppendOnlyHistory(TimeStampedModel):
    """A change, kept for good: who made it, when, each field's old and new value, and why.

    ``changes`` maps a field name to {"from": old, "to": new}, values as shown to people.
    A row is never edited or deleted.
    """

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("History is append-only: a change cannot be altered.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("History is append-only: a change cannot be deleted.")


class StatusUpdate(AppendOnlyHistory):
    """The history of an item. Status and progress have their own columns, for reporting."""

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    from_status = models.CharField(max_length=20, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ItemStatus.choices)
    from_progress = models.PositiveSmallIntegerField(null=True, blank=True)
    to_progress = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["item", "changed_at", "id"]
        get_latest_by = "changed_at"
        # An item's history by time.
        indexes = [
            models.Index(fields=["item", "changed_at"], name="status_update_item_time"),
        ]

    def __str__(self):
        return f"{self.item}: {self.from_status or '—'} → {self.to_status}"

    def clean(self):
        super().clean()
        if note_required(from_status=self.from_status, to_status=self.to_status) and not (
            self.note.strip()
        ):
            raise ValidationError({"note": NOTE_REQUIRED_MESSAGE})


class PlanChange(AppendOnlyHistory):
    """The history of a plan's own fields (its items keep theirs in StatusUpdate)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["plan", "changed_at", "id"]
        get_latest_by = "changed_at"

    def __str__(self):
        return f"{self.plan}: {', '.join(self.changes)}"


class PlanFigures(models.Model):
    """A plan's item figures, counted afresh whenever one of its items is written rather
    than on every read (actionplans.figures; docs/decisions/0032): its items by status,
    its latest item update, and its overdue items on the day they were counted with the
    next due date that would change them (docs/decisions/0036)."""

    # No database constraint: an item deleted with its plan recounts the plan before the
    # plan's row goes; the plan's own deletion then removes its figures.
    plan = models.OneToOneField(
        ActionPlan,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="figures",
    )
    #: Status -> how many of the plan's items have it; a status no item has is absent.
    items_by_status = models.JSONField(default=dict)
    last_item_update = models.DateTimeField(null=True, blank=True)
    #: Open items past due on ``overdue_on``; none counted yet while that is empty.
    overdue_items = models.PositiveIntegerField(default=0)
    overdue_on = models.DateField(null=True, blank=True)
    #: The earliest due date, on or after ``overdue_on``, of an open item: until that day
    #: passes, no other item falls overdue, so the count holds without a write.
    next_due_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "plan figures"

    def __str__(self):
        return f"Figures of {self.plan_id}"


class DatedPlanFigures(models.Model):
    """A plan's item figures as they stood at the end of every day from ``since`` until its
    next row, worked out from its items' history and kept current whenever they are
    written (actionplans.dated_figures; docs/decisions/0038): its items by status then,
    its overdue items then and its latest item update then."""

    # No database constraint, as for PlanFigures: the plan's deletion removes its rows.
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the unique constraint's index starts with the plan
        related_name="dated_figures",
    )
    since = models.DateField()
    #: Status -> how many of the plan's items had it; a status no item had is absent.
    items_by_status = models.JSONField(default=dict)
    overdue_items = models.PositiveIntegerField(default=0)
    last_item_update = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "dated plan figures"
        constraints = [
            # Also the index of the lookup: a plan's latest row on or before a day.
            models.UniqueConstraint(fields=["plan", "since"], name="unique_plan_figures_day"),
        ]

    def __str__(self):
        return f"Figures of {self.plan_id} from {self.since}"


# The receivers that keep the items' search documents and the plans' figures (caches) fresh.
from . import dated_figures as _dated_figures  # noqa: E402, F401
from . import figures as _figures  # noqa: E402, F401
from . import search as _search  # noqa: E402, F401
