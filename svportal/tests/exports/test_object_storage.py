"""Exports on S3-compatible object storage, against a real S3 server on loopback (moto's
server mode, started here on a free port): web and workers then share no disk."""

import csv
import datetime as dt
import io
import shutil
import socket
import subprocess
import sys
import time
import uuid
from http import HTTPStatus
from pathlib import Path

import boto3
import pytest
from django.utils import timezone

from conftest import require_service
from svportal.exports import services
from svportal.exports.tasks import delete_expired_exports
from svportal.models import ExportJob

from .conftest import download

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/exports/"
CREDENTIALS = {"access_key": "portal-test", "secret_key": "portal-test-secret"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    program = Path(sys.executable).with_name("moto_server")
    if not program.exists() and not shutil.which("moto_server"):
        require_service("moto_server", "install moto[server] (requirements/dev.txt)")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - moto's own server, fixed arguments
        [str(program), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto_server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings):
    """A fresh bucket, and the "exports" storage pointed at it as the settings would."""
    name = f"svportal-exports-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "file_overwrite": True,
                "default_acl": None,
                **CREDENTIALS,
            },
        },
    }
    s3.keys = lambda: sorted(
        item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])
    )
    s3.put = lambda key, body: s3.put_object(Bucket=name, Key=key, Body=body)
    return s3


def test_an_export_is_written_to_the_bucket_and_downloaded_from_it(
    bucket, signed_in, start_export, export_media
):
    client, _ = signed_in("s3-analyst", role="analyst")
    response = start_export(client, "borough-summary", "csv", {"region": "london"})
    assert response.status_code == HTTPStatus.ACCEPTED
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert job.status == ExportJob.Status.DONE, job.error

    assert bucket.keys() == [f"exports/{job.file_name}"]  # no temporary file either
    assert not export_media.exists()  # nothing on the web's own disk

    response, content = download(client, job.pk)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert len(rows) == 33 == job.rows_written
    assert len(content) == job.file_size
    assert "Westminster" in {row["borough"] for row in rows}

    other, _ = signed_in("s3-nosy", role="lead", borough="lambeth")
    assert download(other, job.pk)[0].status_code == HTTPStatus.NOT_FOUND


def test_the_cleanup_deletes_expired_and_orphaned_objects(bucket, signed_in, start_export):
    client, _ = signed_in("s3-cleanup", role="analyst")
    expired_id = start_export(client, "borough-summary", "csv").json()["id"]
    current_id = start_export(client, "borough-summary", "json").json()["id"]
    expired, current = ExportJob.objects.get(pk=expired_id), ExportJob.objects.get(pk=current_id)
    bucket.put("exports/no-such-token.csv", b"x")
    ExportJob.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert delete_expired_exports.apply().get() == {"expired": 1, "orphans": 1, "forgotten": 0}
    assert bucket.keys() == [f"exports/{current.file_name}"]
    assert download(client, expired.pk)[0].status_code == HTTPStatus.GONE
    assert download(client, current.pk)[0].status_code == HTTPStatus.OK


def test_an_export_whose_object_is_missing_is_gone_not_a_500(bucket, signed_in, start_export):
    client, _ = signed_in("s3-missing", role="analyst")
    job = ExportJob.objects.get(pk=start_export(client, "borough-summary", "csv").json()["id"])
    services.export_storage().delete(services.export_name(job))
    assert download(client, job.pk)[0].status_code == HTTPStatus.GONE
