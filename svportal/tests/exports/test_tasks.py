"""Running exports through their Celery tasks: failures, runs delivered again, cleanup."""

import csv
import datetime as dt
import os
import secrets
import time

import pytest
from django.utils import timezone

from svportal.exports import services, writers
from svportal.exports.tasks import delete_expired_exports, run_export
from svportal.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("task-analyst", role="analyst")


def long_ago():
    return timezone.now() - dt.timedelta(hours=1)


def new_job(owner, **fields):
    values = {"kind": "borough-summary", "format": "csv", "filters": {"region": "london"}}
    values.update(fields)
    return ExportJob.objects.create(owner=owner, file_token=secrets.token_urlsafe(16), **values)


def test_the_task_runs_the_export(owner):
    job = new_job(owner)
    assert run_export.apply(args=(str(job.pk),)).get() == "done"
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_written, job.attempts) == ("done", 100, 33, 1)
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)


def test_the_time_to_live_is_a_setting(owner, settings):
    settings.SVPORTAL_EXPORT_TTL_HOURS = 2
    job = services.export_job_run(new_job(owner).pk)
    assert job.expires_at - job.finished_at == dt.timedelta(hours=2)


def test_a_failure_is_recorded_on_the_job_and_leaves_no_file(owner, monkeypatch, export_media):
    def broken(rows, stream, **kwargs):
        next(iter(rows))
        stream.write("borough,gss_code\r\nhalf a row")
        raise ValueError("The database went away\nwith a traceback")

    monkeypatch.setattr(services, "write_csv", broken)
    job = new_job(owner)
    assert run_export.apply(args=(str(job.pk),)).get() == "failed"  # not raised
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "ValueError: The database went away"
    assert job.finished_at is not None
    assert job.expires_at is None
    assert list(export_media.iterdir()) == []  # neither the final file nor a part-file


def test_a_run_delivered_again_after_a_worker_died_starts_afresh_and_completes(owner, export_media):
    """As after SIGKILL: the job says running, at some progress, silent since its worker
    died, with a half-written part-file left behind; the broker delivers the task again."""
    job = new_job(
        owner, status="running", attempts=1, progress=60, rows_written=20, heartbeat_at=long_ago()
    )
    export_media.mkdir(parents=True)
    leftover = export_media / f"{services.PART_PREFIX}{job.file_token}-dead.csv"
    leftover.write_text("borough,gss_code\r\nhalf")

    seen = []
    original = services.ProgressReport.__call__
    services.ProgressReport.__call__ = lambda self, rows: (seen.append(rows), original(self, rows))
    try:
        run_export.apply(args=(str(job.pk),))
    finally:
        services.ProgressReport.__call__ = original

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("done", 2, 100)
    assert seen[0] == 1  # progress restarted from the first row
    with services.export_path(job).open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 33  # every borough once
    assert len({row["borough"] for row in rows}) == 33
    assert list(export_media.iterdir()) == [services.export_path(job)]  # no leftover


def test_a_run_overtaken_by_a_later_delivery_cannot_change_the_job(owner):
    job = new_job(owner, status="running", attempts=1)
    overtaken = ExportJob.objects.get(pk=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(attempts=2, progress=30)
    services.ProgressReport(overtaken, total=10)(5)
    job.refresh_from_db()
    assert (job.attempts, job.progress) == (2, 30)


def test_a_duplicate_delivery_after_the_export_finished_does_nothing(owner):
    job = services.export_job_run(new_job(owner).pk)
    modified = services.export_path(job).stat().st_mtime_ns
    assert run_export.apply(args=(str(job.pk),)).get() is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    assert services.export_path(job).stat().st_mtime_ns == modified


def test_a_task_for_an_export_that_no_longer_exists_does_nothing(owner):
    job = new_job(owner)
    job_id = str(job.pk)
    job.delete()
    assert run_export.apply(args=(job_id,)).get() is None


def test_a_rerun_replaces_the_file_atomically(owner, monkeypatch):
    """The final file is either the old whole file or the new whole file, never a mix."""
    job = services.export_job_run(new_job(owner).pk)
    path = services.export_path(job)
    before = path.read_bytes()
    observed = []

    def watching(rows, stream, **kwargs):
        for count, _ in enumerate(rows, start=1):
            if count == 10:
                observed.append(path.read_bytes())  # mid-write: the old file, untouched
        stream.write("replaced\r\n")
        return count

    monkeypatch.setattr(services, "write_csv", watching)
    # Delivered again as if its worker had died long ago: running, and silent since.
    ExportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=long_ago())
    services.export_job_run(job.pk)
    assert observed == [before]
    assert path.read_bytes() == b"replaced\r\n"


def test_a_broker_that_does_not_answer_fails_the_job_rather_than_the_request(owner, monkeypatch):
    job = new_job(owner)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(run_export, "delay", refused)
    conf = run_export.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False  # as with a broker
    try:
        services.export_job_enqueue(job.pk)
    finally:
        conf.task_always_eager = eager
    job.refresh_from_db()
    assert job.status == "failed"
    assert "could not be queued" in job.error


# --- Workers that die mid-export ------------------------------------------------------------


def test_a_run_beats_while_it_writes_even_when_progress_stands_still(owner, settings):
    settings.SVPORTAL_EXPORT_HEARTBEAT_SECONDS = 0
    job = new_job(owner, status="running", attempts=1, heartbeat_at=long_ago())
    report = services.ProgressReport(job, total=1000)
    report(1)  # under one per cent: no progress to save, but a beat is due
    job.refresh_from_db()
    assert job.progress == 0
    assert timezone.now() - job.heartbeat_at < dt.timedelta(seconds=5)


def test_a_run_does_not_beat_more_often_than_the_setting_says(owner, settings):
    settings.SVPORTAL_EXPORT_HEARTBEAT_SECONDS = 3600
    last_beat = long_ago()
    job = new_job(owner, status="running", attempts=1, heartbeat_at=last_beat)
    services.ProgressReport(job, total=1000)(1)
    job.refresh_from_db()
    assert job.heartbeat_at == last_beat


def test_a_delivery_while_a_live_worker_writes_the_export_does_nothing(owner):
    job = new_job(owner, status="running", attempts=1, progress=40, heartbeat_at=timezone.now())
    assert run_export.apply(args=(str(job.pk),)).get() is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("running", 1, 40)


def test_the_reaper_queues_again_an_export_whose_worker_stopped_and_it_completes(owner):
    """With no broker the task runs as it is queued, so the export is done at once."""
    job = new_job(owner, status="running", attempts=1, progress=60, heartbeat_at=long_ago())
    assert services.exports_reap_stalled() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.rows_written) == ("done", 2, 100, 33)


def test_the_reaper_leaves_exports_that_beat_alone(owner, settings):
    settings.SVPORTAL_EXPORT_STALL_SECONDS = 120
    beating = new_job(
        owner, status="running", attempts=1, heartbeat_at=timezone.now() - dt.timedelta(seconds=60)
    )
    queued = new_job(owner)
    assert services.exports_reap_stalled() == {"requeued": 0, "failed": 0}
    assert set(ExportJob.objects.filter(owner=owner).values_list("pk", "status")) == {
        (beating.pk, "running"),
        (queued.pk, "queued"),
    }


def test_the_reaper_gives_up_after_the_last_attempt_with_a_message(owner, settings):
    settings.SVPORTAL_EXPORT_MAX_ATTEMPTS = 3
    job = new_job(owner, status="running", attempts=3, heartbeat_at=long_ago())
    assert services.exports_reap_stalled() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == (
        "The worker writing this export stopped, so it was given up after 3 attempts. "
        "Start it again; if it stops again, export fewer rows."
    )
    assert job.finished_at is not None


def test_an_export_no_worker_starts_in_time_fails_with_a_message(owner, settings):
    settings.SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS = 3600
    waiting = new_job(owner, heartbeat_at=timezone.now() - dt.timedelta(minutes=61))
    recent = new_job(owner, heartbeat_at=timezone.now() - dt.timedelta(minutes=59))
    assert services.exports_reap_stalled() == {"requeued": 0, "failed": 1}
    waiting.refresh_from_db()
    recent.refresh_from_db()
    assert (waiting.status, recent.status) == ("failed", "queued")
    assert waiting.error == "No worker started this export within 60 minutes. Start it again."


def test_a_run_taken_over_by_a_later_one_does_not_put_its_file_in_place(owner, monkeypatch):
    job = new_job(owner)

    def overtaken_midway(rows, stream, **kwargs):
        # The reaper took this run for dead and a later run claimed the job.
        ExportJob.objects.filter(pk=job.pk).update(attempts=5)
        stream.write("stale\r\n")
        return 1

    monkeypatch.setattr(services, "write_csv", overtaken_midway)
    services.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 5)  # left to the later run
    assert not services.export_path(job).exists()


def test_stalled_and_long_queued_exports_do_not_count_against_the_limit(owner, settings):
    settings.SVPORTAL_EXPORT_STALL_SECONDS = 120
    settings.SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS = 3600
    now = timezone.now()
    new_job(owner, status="running", attempts=1, heartbeat_at=now - dt.timedelta(minutes=3))
    new_job(owner, status="running", attempts=1)  # started by a worker dead before its first beat
    ExportJob.objects.filter(owner=owner, heartbeat_at__isnull=True).update(
        started_at=now - dt.timedelta(minutes=3), created_at=now - dt.timedelta(minutes=4)
    )
    new_job(owner, heartbeat_at=now - dt.timedelta(hours=2))
    assert services.active_exports_count(owner, now) == 0
    new_job(owner, status="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=30))
    new_job(owner, heartbeat_at=now - dt.timedelta(minutes=30))
    assert services.active_exports_count(owner, now) == 2


def test_the_beat_schedule_runs_the_reaper_often(settings):
    from svportal.celery import app

    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "svportal.exports.reap_stalled_exports"
    ]
    assert entry["schedule"] == settings.SVPORTAL_EXPORT_REAPER_SECONDS <= 60
    assert settings.SVPORTAL_EXPORT_STALL_SECONDS >= 4 * settings.SVPORTAL_EXPORT_HEARTBEAT_SECONDS
    app.loader.import_default_modules()
    assert "svportal.exports.reap_stalled_exports" in app.tasks


# --- Cleanup --------------------------------------------------------------------------------


def test_the_cleanup_deletes_expired_files_and_keeps_current_ones(owner, export_media):
    expired = services.export_job_run(new_job(owner).pk)
    current = services.export_job_run(new_job(owner, format="json").pk)
    ExportJob.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    counts = delete_expired_exports.apply().get()
    assert counts == {"expired": 1, "orphans": 0, "forgotten": 0}
    assert not services.export_path(expired).exists()
    assert services.export_path(current).exists()
    expired.refresh_from_db()
    assert expired.status == "expired"
    assert delete_expired_exports.apply().get() == {"expired": 0, "orphans": 0, "forgotten": 0}


def test_the_cleanup_removes_orphans_and_stale_part_files(owner, export_media):
    current = services.export_job_run(new_job(owner).pk)
    orphan = export_media / "no-such-token.csv"
    orphan.write_text("x")
    stale_part = export_media / f"{services.PART_PREFIX}dead-worker.csv"
    stale_part.write_text("half")
    day_ago = time.time() - 25 * 3600
    os.utime(stale_part, (day_ago, day_ago))
    fresh_part = export_media / f"{services.PART_PREFIX}being-written.csv"
    fresh_part.write_text("half")

    assert services.exports_expire()["orphans"] == 2
    assert sorted(path.name for path in export_media.iterdir()) == sorted(
        [current.file_name, fresh_part.name]
    )


def test_the_cleanup_forgets_old_finished_exports(owner, settings):
    settings.SVPORTAL_EXPORT_RECORD_DAYS = 30
    old = new_job(owner, status="expired")
    running = new_job(owner, status="running")
    recent = new_job(owner, status="failed")
    ExportJob.objects.filter(pk__in=[old.pk, running.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    assert services.exports_expire()["forgotten"] == 1
    assert set(ExportJob.objects.filter(owner=owner).values_list("pk", flat=True)) == {
        running.pk,
        recent.pk,
    }


def test_the_beat_schedule_runs_the_cleanup_and_the_notices_daily(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    ours = ("svportal.send_lead_notices", "svportal.exports.delete_expired_exports")
    for task in ours:
        crontab = schedule[task]
        assert crontab.day_of_week == set(range(7))  # every day,
        assert (len(crontab.hour), len(crontab.minute)) == (1, 1)  # once a day
    from svportal.celery import app

    app.loader.import_default_modules()
    assert set(ours) <= set(app.tasks)  # the worker finds them


def test_writers_are_what_the_service_uses():
    assert services.write_csv is writers.write_csv
