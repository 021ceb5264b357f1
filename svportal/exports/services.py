"""Writes for exports: start one, run it, rescue one whose worker died, and delete what has
expired.

A run is safe to repeat. It beats while it writes (the job's heartbeat_at); when its worker
dies, the silence is noticed within minutes by the reaper (exports_reap_stalled, run by
beat), which queues the export again — or, after SVPORTAL_EXPORT_MAX_ATTEMPTS runs, fails it
with a message. The task is also acknowledged late, so the broker delivers it again after
its visibility timeout; a delivery that finds the export done, or being run by a live
worker, does nothing. A run starts the file afresh (progress back to 0), writes it to a
temporary file and only then puts it in place, so a reader never sees half a file and a
repeated run leaves exactly one.

Files live in the "exports" storage (settings.STORAGES): by default MEDIA_ROOT/exports/,
where the temporary file is written beside the final one and renamed into place; or an
S3-compatible bucket (django-storages), where the temporary file is written on the worker's
own disk and uploaded whole once complete.
"""

import datetime as dt
import logging
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TextIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import Conflict, Gone, TooMany, Unavailable
from svportal.models import ExportJob

from .selectors import (
    KINDS,
    ExportSpecError,
    RowSource,
    active_exports_count,
    export_source,
    exports_downloadable_by,
    exports_waiting_too_long,
    query_dict,
    stalled_exports,
)
from .writers import write_csv, write_json, write_json_document, write_xlsx

logger = logging.getLogger(__name__)

Status = ExportJob.Status
Format = ExportJob.Format

#: The prefix of files being written; the cleanup removes those a dead worker left.
PART_PREFIX = ".part-"
ERROR_LIMIT = 500


class TooManyExports(TooMany):
    code = "too_many_exports"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You have {limit} exports queued or running. Wait for one to finish, "
            "then start another."
        )


class ExportsUnavailable(Unavailable):
    """The broker does not answer: nothing is recorded, and the user is asked to retry."""

    #: Seconds after which trying again is worthwhile (the Retry-After header).
    retry_after = 60

    def __init__(self) -> None:
        super().__init__(
            "Exports cannot be started at the moment. Nothing has been saved: try again "
            "in a few minutes."
        )


class ExportNotReady(Conflict):
    def __init__(self, job: ExportJob) -> None:
        self.job = job
        super().__init__(
            f"The export is not ready: it is {job.get_status_display().lower()}"
            + (f" ({job.progress}% written)." if job.status == Status.RUNNING else ".")
        )


class ExportGone(Gone):
    def __init__(self, job: ExportJob) -> None:
        self.job = job
        super().__init__(
            f"This export has expired: files are kept for {ttl_hours()} hours. "
            "Start the export again to get a new file."
        )


class ExportFailed(Conflict):
    def __init__(self, job: ExportJob) -> None:
        self.job = job
        super().__init__(f"This export failed, so there is no file: {job.error}")


def ttl_hours() -> int:
    hours: int = settings.SVPORTAL_EXPORT_TTL_HOURS
    return hours


#: The folder (or key prefix) of export files in the "exports" storage.
FOLDER = "exports"


def export_storage() -> Storage:
    return storages["exports"]


def export_name(job: ExportJob) -> str:
    return f"{FOLDER}/{job.file_name}"


def storage_is_local(storage: Storage | None = None) -> bool:
    """Whether files are on this machine's disk (then a path can be renamed into place)."""
    try:
        (storage or export_storage()).path(FOLDER)
    except NotImplementedError:
        return False
    return True


def export_dir() -> Path:
    """The local folder of export files; with object storage, where this worker writes
    files before uploading them."""
    if storage_is_local():
        return Path(export_storage().path(FOLDER))
    return Path(tempfile.gettempdir()) / "svportal-exports"


def export_path(job: ExportJob) -> Path:
    """The file's path, with local storage."""
    return export_dir() / job.file_name


# --- Starting ------------------------------------------------------------------------------


def check_export_request(*, owner: Any, kind: str, format: str, filters: object) -> dict[str, Any]:
    """The kind, format and filters, checked: raise ExportSpecError naming each problem."""
    errors: dict[str, list[str]] = {}
    export_kind = KINDS.get(kind)
    if export_kind is None:
        errors["kind"] = [f"Unknown kind “{kind}”. Choose from: {', '.join(KINDS)}."]
    if format not in Format.values:
        errors["format"] = [f"Unknown format “{format}”. Choose from: {', '.join(Format.values)}."]
    elif export_kind is not None and format not in export_kind.formats:
        errors["format"] = [
            f"{export_kind.label} cannot be exported as {format}. "
            f"Choose from: {', '.join(export_kind.formats)}."
        ]
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        errors["filters"] = ["Give the filters as an object of name and value."]
    if errors or export_kind is None or not isinstance(filters, dict):
        raise ExportSpecError(errors)
    try:
        params = query_dict(filters)
        cleaned = {
            name: values[0] if len(set(values)) == 1 else values
            for name, values in params.lists()
            if any(value != "" for value in values)
        }
        export_kind.clean(cleaned, owner)
    except ExportSpecError as error:
        raise ExportSpecError({"filters": error.errors}) from error
    return cleaned


def export_job_create(*, owner: Any, kind: str, format: str, filters: object) -> ExportJob:
    """Record an export and queue its task once the record is committed."""
    cleaned = check_export_request(owner=owner, kind=kind, format=format, filters=filters)
    limit = settings.SVPORTAL_EXPORT_MAX_ACTIVE
    if active_exports_count(owner, timezone.now()) >= limit:
        raise TooManyExports(limit)
    if not broker_answers():
        raise ExportsUnavailable()
    with transaction.atomic():
        job = ExportJob(
            owner=owner,
            kind=kind,
            format=format,
            filters=cleaned,
            file_token=secrets.token_urlsafe(32),
            heartbeat_at=timezone.now(),
        )
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: export_job_enqueue(job.pk))
    return job


def broker_answers() -> bool:
    """Whether the task queue can take a task now: always, when tasks run eagerly; else
    whether the broker accepts a connection (at once, without retrying)."""
    from .tasks import run_export

    app = run_export.app
    if app.conf.task_always_eager:
        return True
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
    except Exception as error:  # kombu raises the transport's own errors
        logger.warning("The task broker does not answer (%s): exports wait", error)
        return False
    return True


def export_job_enqueue(job_id: uuid.UUID | str) -> None:
    """Queue the task. With no broker configured it runs here and now (eagerly)."""
    from .tasks import run_export

    try:
        if run_export.app.conf.task_always_eager:
            # Run it here directly: delay() would still build a broker producer.
            run_export.apply(args=(str(job_id),))
        else:
            run_export.delay(str(job_id))
    except Exception as error:  # the broker is down: say so on the job, not with a 500
        logger.exception("Export %s could not be queued", job_id)
        ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            error=f"The export could not be queued ({type(error).__name__}). Try again later.",
            finished_at=timezone.now(),
        )


# --- Running -------------------------------------------------------------------------------


class ProgressReport:
    """Saves progress as rows are written: at each new whole per cent, so at most a hundred
    small updates whatever the size (and 99% at most until the file is in place) — and
    beats, with the progress or every SVPORTAL_EXPORT_HEARTBEAT_SECONDS, so that a run whose
    worker has died is noticed by its silence."""

    def __init__(self, job: ExportJob, total: int) -> None:
        self.job = job
        self.total = total
        self.percent = 0
        self.last_beat = time.monotonic()

    def __call__(self, rows: int) -> None:
        changes: dict[str, int] = {}
        if self.total:
            percent = min(99, rows * 100 // self.total)
            if percent > self.percent:
                self.percent = percent
                changes = {"progress": percent, "rows_written": rows}
        if (
            changes
            or time.monotonic() - self.last_beat >= settings.SVPORTAL_EXPORT_HEARTBEAT_SECONDS
        ):
            self.beat(**changes)

    def beat(self, **changes: Any) -> None:
        self.last_beat = time.monotonic()
        _this_run(self.job).update(heartbeat_at=timezone.now(), **changes)


class RunOvertaken(Exception):
    """A later run has taken the job over (its worker was taken for dead): this run's file
    is not put in place."""


def _this_run(job: ExportJob) -> QuerySet[ExportJob]:
    """The job, only while this run is its latest: a run that a later delivery has
    overtaken can no longer change its progress or status."""
    return ExportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=Status.RUNNING)


def _claim(job_id: uuid.UUID | str) -> ExportJob | None:
    """Mark the job running and count the attempt; None when there is nothing to do."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("Export %s no longer exists; nothing to do", job_id)
            return None
        if job.is_finished:
            # Delivered again after it finished (a duplicate delivery): leave it be.
            logger.info("Export %s is already %s; nothing to do", job_id, job.status)
            return None
        if job.status == Status.RUNNING:
            if not stalled_exports(timezone.now()).filter(pk=job.pk).exists():
                # Delivered again while a live worker still writes it: leave it to that one.
                logger.info("Export %s is being written by a live worker; nothing to do", job_id)
                return None
            logger.warning(
                "Export %s was running when its worker stopped; starting it again (attempt %s)",
                job_id,
                job.attempts + 1,
            )
        if job.attempts:
            # What an earlier run left half-written (its worker died, or it was queued again
            # by the reaper) is of no use to anyone.
            for leftover in export_dir().glob(f"{PART_PREFIX}{job.file_token}-*"):
                leftover.unlink(missing_ok=True)
        job.status = Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.rows_written = 0
        job.error = ""
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(
            update_fields=[
                "status",
                "attempts",
                "progress",
                "rows_written",
                "error",
                "started_at",
                "heartbeat_at",
            ]
        )
    return ExportJob.objects.select_related("owner").get(pk=job_id)


def export_job_run(job_id: uuid.UUID | str) -> ExportJob | None:
    """Write the job's file. Failures are recorded on the job, not raised."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        source = export_source(job)
        progress = ProgressReport(job, source.total)
        progress.beat(total_rows=source.total)
        rows, size = write_export_file(job, source, on_row=progress)
    except RunOvertaken:
        logger.warning("Export %s was taken over by a later run; this run stops", job.pk)
        return ExportJob.objects.get(pk=job.pk)
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        message = f"{type(error).__name__}: {error}".strip().splitlines()[0]
        _this_run(job).update(
            status=Status.FAILED,
            error=message[:ERROR_LIMIT],
            finished_at=timezone.now(),
        )
        return ExportJob.objects.get(pk=job.pk)
    finished = timezone.now()
    _this_run(job).update(
        status=Status.DONE,
        progress=100,
        rows_written=rows,
        total_rows=max(rows, source.total),
        file_size=size,
        finished_at=finished,
        expires_at=finished + dt.timedelta(hours=ttl_hours()),
    )
    return ExportJob.objects.get(pk=job.pk)


def write_export_file(
    job: ExportJob, source: RowSource, *, on_row: Callable[[int], object]
) -> tuple[int, int]:
    """Write to a temporary file, then put it in place (renamed, or uploaded)."""
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    final = export_path(job)
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f"{PART_PREFIX}{job.file_token}-", suffix=f".{job.extension}"
    )
    try:
        if job.format == Format.XLSX:
            os.close(handle)
            rows = write_xlsx(
                source.table(),
                temporary,
                columns=source.columns,
                sheet_title=source.sheet_title,
                on_row=on_row,
            )
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                rows = _write_text(job, source, stream, on_row)
                stream.flush()
                os.fsync(stream.fileno())
        if not _this_run(job).exists():
            raise RunOvertaken(job)
        size = Path(temporary).stat().st_size
        if storage_is_local():
            os.replace(temporary, final)
        else:
            # An object appears in the bucket only once wholly uploaded.
            with open(temporary, "rb") as stream:
                saved = export_storage().save(export_name(job), File(stream))
            if saved != export_name(job):
                raise RuntimeError(f"The storage saved the export as {saved}")
    finally:
        Path(temporary).unlink(missing_ok=True)
    return rows, size


def _write_text(
    job: ExportJob, source: RowSource, stream: TextIO, on_row: Callable[[int], object]
) -> int:
    if job.format == Format.CSV:
        return write_csv(source.table(), stream, columns=source.columns, on_row=on_row)
    if source.document_head is not None:
        return write_json_document(
            source.document_head,
            source.document_array,
            source.records(),
            stream,
            tail=source.document_tail,
            on_row=on_row,
        )
    return write_json(source.records(), stream, on_row=on_row)


# --- Downloading ---------------------------------------------------------------------------


def export_for_download(user: Any, job_id: uuid.UUID | str) -> tuple[ExportJob, IO[bytes]] | None:
    """The job and its file, opened for reading, for someone allowed to download it.

    None when the user may not see it — theirs or not, it is as if it did not exist.
    ExportGone when it has expired (or its file is gone), ExportNotReady before it is done,
    ExportFailed when it failed."""
    job = exports_downloadable_by(user).filter(pk=job_id).first()
    if job is None:
        return None
    if job.status == Status.FAILED:
        raise ExportFailed(job)
    if job.status in (Status.QUEUED, Status.RUNNING):
        raise ExportNotReady(job)
    storage = export_storage()
    expired = job.status == Status.EXPIRED or (job.expires_at and job.expires_at <= timezone.now())
    if expired or not storage.exists(export_name(job)):
        raise ExportGone(job)
    return job, storage.open(export_name(job), "rb")


# --- Rescuing exports whose worker died ----------------------------------------------------


def exports_reap_stalled(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again each running export whose run has stopped beating (its worker died), or
    fail it with a message once it has been tried SVPORTAL_EXPORT_MAX_ATTEMPTS times; fail
    each export no worker has started within SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS. Each
    change is conditional on the job being as read, so a run that beats meanwhile keeps its
    job. Returns counts of what was done."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    limit = settings.SVPORTAL_EXPORT_MAX_ATTEMPTS
    for job in stalled_exports(now).order_by("created_at"):
        as_read = ExportJob.objects.filter(
            pk=job.pk, status=Status.RUNNING, attempts=job.attempts, heartbeat_at=job.heartbeat_at
        )
        if job.attempts >= limit:
            counts["failed"] += as_read.update(
                status=Status.FAILED,
                error=(
                    "The worker writing this export stopped, so it was given up after "
                    f"{job.attempts} attempt{'s' if job.attempts != 1 else ''}. Start it "
                    "again; if it stops again, export fewer rows."
                ),
                finished_at=now,
            )
            logger.warning("Export %s failed: its worker stopped %s times", job.pk, job.attempts)
        elif as_read.update(status=Status.QUEUED, progress=0, rows_written=0, heartbeat_at=now):
            counts["requeued"] += 1
            logger.warning("Export %s lost its worker; queued again", job.pk)
            export_job_enqueue(job.pk)
    waited = settings.SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS // 60
    for job in exports_waiting_too_long(now):
        counts["failed"] += ExportJob.objects.filter(
            pk=job.pk, status=Status.QUEUED, heartbeat_at=job.heartbeat_at
        ).update(
            status=Status.FAILED,
            error=f"No worker started this export within {waited} minutes. Start it again.",
            finished_at=now,
        )
    return counts


# --- Cleaning up ---------------------------------------------------------------------------


def exports_expire(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired files and mark their jobs expired; delete the files of jobs that no
    longer exist and what dead workers left half-written; forget jobs past the record
    period. Returns counts of what was done."""
    now = now or timezone.now()
    counts = {"expired": 0, "orphans": 0, "forgotten": 0}
    storage = export_storage()
    for job in ExportJob.objects.filter(status=Status.DONE, expires_at__lte=now).iterator():
        storage.delete(export_name(job))
        counts["expired"] += ExportJob.objects.filter(pk=job.pk, status=Status.DONE).update(
            status=Status.EXPIRED
        )

    forget_before = now - dt.timedelta(days=settings.SVPORTAL_EXPORT_RECORD_DAYS)
    old = ExportJob.objects.filter(created_at__lt=forget_before).exclude(
        status__in=[Status.QUEUED, Status.RUNNING]
    )
    for job in old.iterator():
        storage.delete(export_name(job))
    counts["forgotten"] = old.delete()[0]

    # The folder is listed before the jobs are read, so a file that appears meanwhile is not
    # taken for an orphan. (With object storage, half-written files are on the workers' own
    # disks, never in the bucket: each run removes its own, even when it fails.)
    try:
        _, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        names = []
    known = set(ExportJob.objects.values_list("file_token", flat=True))
    stale_before = time.time() - ttl_hours() * 3600
    for name in names:
        if name.startswith(PART_PREFIX):
            modified = storage.get_modified_time(f"{FOLDER}/{name}").timestamp()
            orphan = modified < stale_before
        else:
            orphan = name.rsplit(".", 1)[0] not in known
        if orphan:
            storage.delete(f"{FOLDER}/{name}")
            counts["orphans"] += 1
    return counts
