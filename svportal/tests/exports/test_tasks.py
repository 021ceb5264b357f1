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
    """As after SIGKILL: the job says running, at some progress, with a half-written
    part-file left behind; the broker delivers the task again."""
    job = new_job(owner, status="running", attempts=1, progress=60, rows_written=20)
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
    ExportJob.objects.filter(pk=job.pk).update(status="running")
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
