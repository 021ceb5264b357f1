import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    """The portal's user. Borough roles live in boroughs.BoroughRole; global roles are groups."""

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self):
        return self.get_full_name() or self.username


# --- Exports and notices to leads ------------------------------------------------------


class ExportJob(models.Model):
    """A file of portal data made in the background for one user (svportal/exports/).

    The id is a random UUID and the file's name a separate random token, so neither a
    status URL nor a file can be guessed; files are served only through views that check
    who is asking, and are deleted when they expire."""

    class Kind(models.TextChoices):
        STOCK_TAKE_SUMMARY = "stock-take-summary", "Stock-take summary"
        STOCK_TAKE_MATRIX = "stock-take-matrix", "Stock-take answers by borough"
        BOROUGH_SUMMARY = "borough-summary", "Borough summary"
        ACTION_ITEMS = "action-items", "Action items"
        CASE_STUDIES = "case-studies", "Case studies"
        AWARDS = "awards", "Funding awards"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel spreadsheet (XLSX)"
        JSON = "json", "JSON"
        GRANTS_360 = "360giving-json", "360Giving JSON"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Per cent written."
    )
    rows_written = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs started: more than one when a worker died mid-export."
    )
    error = models.TextField(blank=True)
    file_token = models.CharField(max_length=64, unique=True, editable=False)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the run writing the file last said it was alive: a running export "
        "whose worker has stopped is noticed by its silence.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_created")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max_100"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_format_display()}) for {self.owner}"

    @property
    def extension(self) -> str:
        return {"xlsx": "xlsx", "csv": "csv"}.get(self.format, "json")

    @property
    def file_name(self) -> str:
        """The stored file's name under MEDIA_ROOT/exports/: the random token, not the id."""
        return f"{self.file_token}.{self.extension}"

    @property
    def download_name(self):
        """The name a browser saves the file under."""
        from django.utils import timezone

        stamp = timezone.localtime(self.created_at).strftime("%Y-%m-%d-%H%M")
        return f"svportal-{self.kind}-{stamp}.{self.extension}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)


class LeadNotice(models.Model):
    """One thing a lead was told about on one day. The unique constraint is what makes the
    daily notice go out once per item per day, however often the schedule fires."""

    class Kind(models.TextChoices):
        OVERDUE_ITEM = "overdue-item", "Overdue action item"
        AWARD_ENDING = "award-ending", "Award ending soon"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "user", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "sent_on"], name="one_notice_per_thing_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} to {self.user} on {self.sent_on}"
