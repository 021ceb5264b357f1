"""Configuration: production cannot start insecurely; the embedded default needs nothing."""

import os
import subprocess
import sys

import pytest
from celery.schedules import crontab
from django.conf import settings

from svportal.celery import app as celery_app

pytestmark = pytest.mark.no_database

IMPORT_PRODUCTION = "import svportal.settings.production"


def import_production(code=IMPORT_PRODUCTION, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(environment)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_production()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = import_production(DJANGO_SECRET_KEY="x" * 50, DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_production_starts_with_a_secret_and_debug_off():
    result = import_production(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_production_believes_the_https_header_only_with_proxies_named():
    show = f"{IMPORT_PRODUCTION} as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    assert import_production(show, DJANGO_SECRET_KEY="x" * 50).stdout.strip() == "None"
    named = import_production(
        show, DJANGO_SECRET_KEY="x" * 50, DJANGO_TRUSTED_PROXIES="172.28.0.10,127.0.0.1"
    )
    assert named.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", named.stderr


def test_a_malformed_proxy_setting_refuses_to_start():
    result = import_production(DJANGO_SECRET_KEY="x" * 50, DJANGO_TRUSTED_PROXIES="nginx")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES: 'nginx' is not an address or network" in result.stderr


def test_export_files_go_to_a_bucket_only_when_one_is_named():
    show = (
        f"{IMPORT_PRODUCTION} as s, json; "
        "print(json.dumps(s.STORAGES['exports'], default=str, sort_keys=True))"
    )
    local = import_production(show, DJANGO_SECRET_KEY="x" * 50, SVPORTAL_EXPORT_S3_BUCKET="")
    assert '"django.core.files.storage.FileSystemStorage"' in local.stdout, local.stderr
    bucket = import_production(
        show,
        DJANGO_SECRET_KEY="x" * 50,
        SVPORTAL_EXPORT_S3_BUCKET="portal-exports",
        SVPORTAL_EXPORT_S3_ENDPOINT_URL="http://minio:9000",
    )
    assert '"storages.backends.s3.S3Storage"' in bucket.stdout, bucket.stderr
    assert '"bucket_name": "portal-exports"' in bucket.stdout
    assert '"endpoint_url": "http://minio:9000"' in bucket.stdout


def test_without_a_broker_tasks_run_eagerly_in_process():
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("A broker is configured for this run")
    assert celery_app.conf.task_always_eager is True


def test_the_user_model_is_the_portals_own():
    assert settings.AUTH_USER_MODEL == "svportal.User"


def test_beat_runs_the_digest_task_daily():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "casestudies.send_saved_search_digests"
    ]
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].day_of_week == set(range(7))
    celery_app.loader.import_default_modules()
    assert "casestudies.send_saved_search_digests" in celery_app.tasks
    assert "casestudies.refresh_search_vectors" in celery_app.tasks
