"""Memory stays flat as an export grows: ten times the rows, not materially more memory.

Each writer is fed a generator of rows and writes to a real file, as a task does;
tracemalloc measures the peak of Python allocations while it writes. If a writer kept the
rows (or the file) in memory, the larger export's peak would be about ten times the
smaller's.
"""

import tracemalloc

import pytest

from svportal.exports.writers import write_csv, write_json, write_xlsx

pytestmark = pytest.mark.no_database

#: Rows in the smaller export of each format; the larger has ten times as many. XLSX is
#: slower to write under tracemalloc, so it is measured at a smaller size.
SMALL = {"csv": 2_000, "json": 2_000, "xlsx": 1_000}
#: Allowance for what does not grow with the rows but varies between runs.
SLACK_BYTES = 256 * 1024


def rows(count):
    for n in range(count):
        yield {
            "id": n,
            "title": f"Action item {n} — deliver the knife crime prevention programme",
            "borough": {"slug": f"borough-{n % 400}", "name": f"Borough {n % 400}"},
            "status": "on_track",
            "progress": n % 100,
            "due_date": "2026-03-31",
            "amount": f"{n * 7}.50",
            "partners": ["Police", "Youth service", "Schools"],
            "note": "=cmd|' /C calc'!A0" if n % 50 == 0 else "",
        }


def peak_while(write):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        write()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - baseline


def write_with(format_, count, path):
    if format_ == "xlsx":
        return lambda: write_xlsx(rows(count), path)

    def write_text():
        with open(path, "w", encoding="utf-8", newline="") as stream:
            if format_ == "csv":
                write_csv(rows(count), stream)
            else:
                write_json(rows(count), stream)

    return write_text


@pytest.mark.parametrize("format_", ["csv", "xlsx", "json"])
def test_memory_does_not_grow_with_the_rows(format_, tmp_path):
    write_with(format_, 50, tmp_path / f"warm.{format_}")()  # imports and caches, once
    count = SMALL[format_]
    small = peak_while(write_with(format_, count, tmp_path / f"small.{format_}"))
    large = peak_while(write_with(format_, 10 * count, tmp_path / f"large.{format_}"))
    print(
        f"{format_}: peak {small / 1024:.0f} KiB at {count} rows, "
        f"{large / 1024:.0f} KiB at {10 * count} rows"
    )
    assert (tmp_path / f"large.{format_}").stat().st_size > 5 * (
        tmp_path / f"small.{format_}"
    ).stat().st_size
    assert large < 1.5 * small + SLACK_BYTES, (small, large)
