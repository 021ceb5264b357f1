"""Exports run by a real Celery worker through Redis, end to end, and a worker that dies.

The web process queues the task on Redis; a worker started as production starts one runs
it; the file is downloaded over HTTP. Then a worker is killed (SIGKILL) mid-export: the
task, acknowledged only when done, goes back to the queue, and the next worker runs the
export again from the start to a complete file.
"""

import csv
import io
import re
import time

from openpyxl import load_workbook

from .conftest import VISIBILITY_TIMEOUT


def start_export(portal, kind, format, filters=None):
    status, job = portal.json(
        "POST", "/api/v1/exports/", {"kind": kind, "format": format, "filters": filters or {}}
    )
    assert status == 202, job
    return job


def test_a_worker_runs_an_export_queued_by_the_web_process(portal, start_worker):
    worker = start_worker()
    job = start_export(portal, "borough-summary", "xlsx", {"region": "london"})

    done = portal.wait_for(job["id"], lambda s: s["status"] == "done", 60, "the export")
    assert (done["progress"], done["rows_written"], done["attempts"]) == (100, 33, 1)
    # Queued on Redis by the web process and run by the worker, not in the web process.
    log = worker.output()
    assert re.search(r"Task svportal\.exports\.run_export\[[-\w]+\] received", log), log
    assert re.search(r"run_export\[[-\w]+\] succeeded in [\d.]+s: 'done'", log), log

    status, content, headers = portal.request("GET", f"/api/v1/exports/{job['id']}/download/")
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 34  # a header and one row per London borough
    assert rows[0][0] == "borough"
    names = [path.name for path in (portal.media_root / "exports").iterdir()]
    assert not [name for name in names if name.startswith(".part-")]  # renamed into place
    assert job["id"] not in " ".join(names)  # stored under a random name, not the id


def test_an_export_whose_worker_is_killed_completes_on_the_next_worker(
    portal, start_worker, capsys
):
    _, listed = portal.json("GET", "/api/v1/action-items/?page_size=500")
    item_ids = {item["id"] for item in listed["results"]}
    slow = start_worker(app="tests.integration.slow_app", ITEST_ROW_DELAY="0.15")

    job = start_export(portal, "action-items", "csv")
    running = portal.wait_for(
        job["id"],
        lambda s: s["status"] == "running" and s["progress"] >= 10,
        60,
        "the export to be part written",
    )
    slow.kill()
    killed_at = time.monotonic()
    assert running["progress"] < 100

    time.sleep(1)
    stalled = portal.json("GET", f"/api/v1/exports/{job['id']}/")[1]
    assert stalled["status"] == "running"  # nobody is running it now
    assert stalled["attempts"] == 1
    assert stalled["progress"] == portal.json("GET", f"/api/v1/exports/{job['id']}/")[1]["progress"]

    # Redis gives the unacknowledged task back once it is older than the visibility
    # timeout; a worker looks for such tasks as it starts.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    start_worker()
    done = portal.wait_for(job["id"], lambda s: s["status"] == "done", 90, "the rerun")
    recovered_in = time.monotonic() - killed_at
    with capsys.disabled():
        print(
            f"\nworker killed at {running['progress']}%; "
            f"export complete {recovered_in:.1f}s later on a new worker"
        )
    assert done["attempts"] == 2
    assert done["progress"] == 100
    assert done["rows_written"] == len(item_ids)

    status, content, _ = portal.request("GET", f"/api/v1/exports/{job['id']}/download/")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert {int(row["id"]) for row in rows} == item_ids  # every item
    assert len(rows) == len(item_ids)  # and each once
    leftovers = [path.name for path in (portal.media_root / "exports").iterdir()]
    assert not [name for name in leftovers if name.startswith(".part-")]
