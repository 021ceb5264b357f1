"""The embedded default, as `make run` serves it: no broker and no transaction around the
request, so an export started from the page runs as its record commits and is ready when
the page comes back.

A transactional test empties the database at its end, so this module puts the real data
back afterwards. It has no module-wide django_db mark: that would set the database up
before the restoring fixture, and so empty it after the restore.
"""

import re
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.test import Client

from svportal.models import ExportJob


def test_with_no_broker_an_export_started_from_the_page_is_ready_at_once(
    real_data_restored_afterwards, transactional_db, export_media
):
    user = get_user_model().objects.create_user("embedded-analyst")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/exports/new/", {"kind": "borough-summary", "format": "xlsx", "filters": "region=london"}
    )
    assert response.status_code == HTTPStatus.FOUND
    page = re.sub(r"\s+", " ", client.get("/exports/").content.decode())
    assert "Your borough summary export is ready" in page
    job = ExportJob.objects.get(owner=user)
    assert (job.status, job.rows_written) == ("done", 33)
    assert (export_media / job.file_name).is_file()
