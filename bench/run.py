"""`make bench`: the portal measured as a new user would meet it, against the limit of
this machine (a static file served by the same gunicorn), at real and at a chosen scale.

    python bench/run.py --scale 0.1      (make bench SCALE=0.1; SCALE=1 is national scale)

1. Builds two PostgreSQL databases, cached between runs under a name made of the scale
   and a hash of the fixtures and generator: the real data alone, and the real data plus
   `generate_synthetic --scale S`. A cached database is migrated forward when the
   migrations have changed since (and analysed again), so a schema change does not cost
   a national-scale rebuild. A database whose build did not finish is never used.
2. For each, serves the portal with gunicorn under production settings and measures every
   URL of bench/inprocess.py with wrk on loopback, at 1 and at 8 connections, beside a
   hashed static file (WhiteNoise) through the same gunicorn: the limit. On the real data,
   a representative set of them is measured again signed in, at 8 connections: the API
   with the benchmark user's token, the pages with its session cookie.
3. In process: queries and peak Python memory per request, and action-items export rows/s.
4. Prints the table and writes bench/results/latest.md (machine, date, commit), opening
   with how many of the issue's targets the run met and naming each one it did not.

Environment: BENCH_POSTGRES (server URL, default postgres://postgres@127.0.0.1:5432),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, emptied before each measurement),
BENCH_DURATION (seconds per wrk run, default 3), BENCH_WORKERS (gunicorn workers, default
the number of cores).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
DURATION = int(os.environ.get("BENCH_DURATION", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
CONNECTIONS = (1, 8)
#: Reads measured signed in (labels of bench/inprocess.py's URLs): the API with a token, the
#: pages with a session cookie. The response cache never answers them, so each is made afresh.
SIGNED_IN = (
    "api case-studies",
    "api action-items",
    "api borough-summary",
    "api stock-take summary",
    "api compare",
    "api search common",
    "page home",
    "page case studies",
    "page case study",
    "page borough profile",
    "page plan as_at",
    "page portal search common",
)
#: The issue's targets at 8 connections, as a share of the limit.
ANONYMOUS_TARGET, SIGNED_IN_TARGET, SEARCH_TARGET = 0.5, 0.15, 0.1
#: A first visit at national scale, at one connection: p50 and p99 in ms, peak Python MB.
FIRST_VISIT_P50_MS, FIRST_VISIT_P99_MS, PEAK_MB = 50, 150, 50
#: A deep page (page 200, or the last) costs at most this much more than page 1.
DEEP_PAGE_RATIO = 1.2
#: Action-items exports at national scale, rows per second.
EXPORT_TARGETS = {"action-items CSV": 10_000, "action-items XLSX": 3_000}
#: The deep pages of bench/inprocess.py's URLs, by the label of their first page.
DEEP_PAGES = {
    "api action-items last page": "api action-items",
    "api search common p": "api search common",
}
RESULTS = ROOT / "bench" / "results" / "latest.md"


def say(message):
    print(message, flush=True)


# --- Databases ------------------------------------------------------------------------------


def _digest(files):
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def state_key():
    """What the data depends on: a change here builds the database afresh."""
    return _digest([*sorted((ROOT / "fixtures").iterdir()), ROOT / "svportal" / "synthetic.py"])


def schema_key():
    """The migrations: a change here migrates a cached database forward."""
    return _digest(sorted(ROOT.glob("*/migrations/*.py")))


def database_name(scale):
    """One name for a scale however it is written (1, 1.0 and --scale 1 alike)."""
    return f"svp_bench_{format(float(scale), 'g').replace('.', '_')}_{state_key()}"


def psql(sql, database="postgres"):
    result = subprocess.run(
        ["psql", f"{POSTGRES}/{database}", "-Atqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


#: The caches kept under the data version beside the response cache (a search's rankings,
#: facet counts and page ids, a list's count, a signed-in reader's API answers and pages:
#: DATA_VERSION_CACHE_SETTINGS in svportal/settings/components/cache.py). A first visit, a
#: new query or the first reader after a write meets none of them, so they are off whenever
#: the response cache is.
QUERY_CACHE_SETTINGS = (
    "SVPORTAL_SEARCH_CACHE_SECONDS",
    "SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS",
    "SVPORTAL_LIST_COUNT_CACHE_SECONDS",
    "SVPORTAL_SIGNED_IN_API_CACHE_SECONDS",
    "SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS",
)


def settings_env(database, *, production, response_cache=False):
    env = dict(os.environ)
    env.update(dict.fromkeys(QUERY_CACHE_SETTINGS, "3600" if response_cache else "0"))
    env.update(
        SVPORTAL_RESPONSE_CACHE_SECONDS="3600" if response_cache else "0",
        DATABASE_URL=f"{POSTGRES}/{database}",
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="svportal.settings.production"
        if production
        else "svportal.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        # Never refused, yet counted as in production. DRF keeps each client's request
        # times over the rate's window, and every request from wrk is one client: over a
        # minute that list grew to tens of thousands of times, read and written on every
        # request (about 9 ms at 30,000); over a second it holds at most the requests of
        # one second, as many as a busy signed-in client's 1,200 a minute.
        DJANGO_API_THROTTLE_ANON="100000000/second",
        DJANGO_API_THROTTLE_USER="100000000/second",
        DJANGO_LOG_LEVEL="ERROR",
    )
    return env


def manage(*args, database, production=False):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=settings_env(database, production=production),
        check=True,
    )


def settle(database):
    """Vacuumed and analysed, as autovacuum keeps a live database: statistics for the
    planner, and the visibility map without which counts and index-only scans read every
    row of the table (an action-items count at scale 0.1 took 40 ms instead of 3). Quick
    when nothing changed since the last time."""
    psql("VACUUM ANALYZE", database=database)


def ensure_database(scale):
    """The database at `scale` (0: the real data alone), built unless cached."""
    name = database_name(scale)
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1":
        migrated = psql(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{name}'"
        )
        if migrated != f"migrations {schema_key()}":
            say(f"Database {name}: cached; migrating it forward …")
            manage("migrate", "--no-input", "-v0", database=name)
            # As a deployment's start does (load_portal_data): the search documents of a
            # kind of record a migration made searchable.
            manage("search_index", database=name)
            psql(f"COMMENT ON DATABASE \"{name}\" IS 'migrations {schema_key()}'")
        else:
            say(f"Database {name}: cached.")
        settle(name)
        return name
    # Earlier builds at this scale, for other data: the same name but for its key. Matched
    # exactly, as a prefix would match other scales too (svp_bench_0_ is the start of
    # svp_bench_0_1_).
    prefix = name.rsplit("_", 1)[0]
    for stale in psql(
        f"SELECT datname FROM pg_database WHERE datname ~ '^{prefix}_[0-9a-f]{{10}}$'"
    ).splitlines():
        psql(f'DROP DATABASE IF EXISTS "{stale}"')
    # The migrations the build applies, read before it starts: a migration added while a
    # long build runs must still be applied to it when it is next used.
    schema = schema_key()
    building = f"{name}_building"
    psql(f'DROP DATABASE IF EXISTS "{building}"')
    psql(f'CREATE DATABASE "{building}"')
    started = time.monotonic()
    say(f"Database {name}: building (scale {scale}) …")
    manage("migrate", "--no-input", "-v0", database=building)
    manage("load_portal_data", database=building)
    if scale:
        manage("generate_synthetic", "--scale", str(scale), database=building)
    manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as m; "
        "m().objects.create_superuser('bench', None, None)",
        database=building,
    )
    settle(building)
    psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    psql(f"COMMENT ON DATABASE \"{name}\" IS 'migrations {schema}'")
    say(f"Database {name}: built in {time.monotonic() - started:.0f} s.")
    return name


def ensure_static(database):
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        manage("collectstatic", "--no-input", "-v0", database=database, production=True)
    paths = json.loads(manifest.read_text())["paths"]
    return "/static/" + paths.get("css/portal.css", next(iter(paths.values())))


# --- Serving and measuring --------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, database, *, response_cache):
        self.database, self.port = database, free_port()
        self.response_cache = response_cache

    def __enter__(self):
        # The benchmark's own Redis database: no answer from an earlier run or build.
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "svportal.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
                "--timeout", "120", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=settings_env(
                self.database, production=True, response_cache=self.response_cache
            ),
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url("/"), timeout=30).read()  # noqa: S310
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, connections, headers=()):
    threads = min(connections, 2)
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--latency",
         "--timeout", "30s", *(part for header in headers for part in ("-H", header)), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = result.stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(latency["50"]) if "50" in latency else None,
        "p99": _ms(latency["99"]) if "99" in latency else None,
        "errors": int(errors.group(1)) if errors else 0,
    }


def inprocess(database, *args):
    result = subprocess.run(
        [PYTHON, "bench/inprocess.py", *args],
        cwd=ROOT,
        env=settings_env(database, production=True),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(database, static_path, *, with_exports, response_cache):
    urls = inprocess(database, "urls")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([path for _, path in urls], handle)
    try:
        memory = inprocess(database, "measure", handle.name)
    finally:
        os.unlink(handle.name)
    rows = []
    with Gunicorn(database, response_cache=response_cache) as server:
        limit = {n: wrk(server.url(static_path), n) for n in CONNECTIONS}
        for label, path in urls:
            try:  # warm up; the status is in the table
                urllib.request.urlopen(server.url(path), timeout=120).read()  # noqa: S310
            except urllib.error.HTTPError:
                pass
            row = {"label": label, "path": path, **memory[path]}
            for n in CONNECTIONS:
                row[n] = wrk(server.url(path), n)
            rows.append(row)
            say(_line(row, limit))
    exports = inprocess(database, "exports") if with_exports else {}
    return {"limit": limit, "rows": rows, "exports": exports}


def _target(label):
    return SEARCH_TARGET if "search" in label else SIGNED_IN_TARGET


def measure_signed_in(database, static_path, urls):
    """The SIGNED_IN reads of `urls` ((label, path) pairs) at 8 connections, as the
    benchmark user: the API with its token, the pages with a signed-in session."""
    secrets = inprocess(database, "credentials")
    as_user = {
        "token": [f"Authorization: Token {secrets['token']}"],
        "session": [f"Cookie: sessionid={secrets['session']}"],
    }
    rows = []
    with Gunicorn(database, response_cache=True) as server:
        limit = {8: wrk(server.url(static_path), 8)}
        for label, path in urls:
            if label not in SIGNED_IN:
                continue
            how = "token" if path.startswith("/api/") else "session"
            headers = dict(header.split(": ", 1) for header in as_user[how])
            request = urllib.request.Request(server.url(path), headers=headers)  # noqa: S310
            try:  # warm up; the status and size are in the table
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    status, size = response.status, len(response.read())
            except urllib.error.HTTPError as error:
                status, size = error.code, len(error.read())
            row = {"label": label, "path": path, "as": how, "status": status, "bytes": size}
            row[8] = wrk(server.url(path), 8, as_user[how])
            rows.append(row)
            ratio = row[8]["rps"] / limit[8]["rps"]
            say(
                f"  {label:<32} {how:<7} 8c {row[8]['rps']:7.0f}/s ({ratio:.3f} of limit, "
                f"target {_target(label)}) | {size // 1024} KB"
                + (f" | {status}" if status != 200 else "")
            )
    return {"limit": limit, "rows": rows}


# --- Reporting ------------------------------------------------------------------------------


def _fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def _line(row, limit):
    one, eight = row[1], row[8]
    return (
        f"  {row['label']:<32} 1c {one['rps']:7.0f}/s p50 {_fmt(one['p50']):>7} ms "
        f"p99 {_fmt(one['p99']):>7} ms | 8c {eight['rps']:7.0f}/s "
        f"({eight['rps'] / limit[8]['rps']:.3f} of limit) | {row['queries']} q, "
        f"{row['peak_mb']} MB, {row['bytes'] // 1024} KB"
        + (f" | {row['status']}" if row["status"] != 200 else "")
    )


def anonymous_verdict(row, limit):
    """Real data, response cache on: the share of the limit at 8 connections."""
    target = SEARCH_TARGET if "search" in row["label"] else ANONYMOUS_TARGET
    ratio = row[8]["rps"] / limit[8]["rps"]
    return ratio >= target, f"{ratio:.3f} of the limit, target {target}"


def first_visit_verdict(row, limit):
    """A first visit at one connection: p50, p99 and peak memory."""
    one = row[1]
    misses = []
    if one["p50"] is None or one["p50"] > FIRST_VISIT_P50_MS:
        misses.append(f"p50 {_fmt(one['p50'])} ms > {FIRST_VISIT_P50_MS}")
    if one["p99"] is None or one["p99"] > FIRST_VISIT_P99_MS:
        misses.append(f"p99 {_fmt(one['p99'])} ms > {FIRST_VISIT_P99_MS}")
    if row["peak_mb"] > PEAK_MB:
        misses.append(f"peak {row['peak_mb']} MB > {PEAK_MB}")
    if row["status"] != 200:
        misses.append(f"status {row['status']}")
    return not misses, "; ".join(misses)


def deep_pages(rows):
    """Each deep page's p50 at one connection beside its first page's."""
    by_label = {row["label"]: row for row in rows}
    pairs = []
    for row in rows:
        first_label = next(
            (first for deep, first in DEEP_PAGES.items() if row["label"].startswith(deep)), None
        )
        if first_label and first_label in by_label and row["label"] != first_label:
            first = by_label[first_label]
            if first[1]["p50"] and row[1]["p50"]:
                pairs.append((row, first, row[1]["p50"] / first[1]["p50"]))
    return pairs


def verdicts(result, verdict):
    """(what, met, why) for every target of a section."""
    found = [
        (f"{row['label']} `{row['path']}`", *verdict(row, result["limit"]))
        for row in result["rows"]
    ]
    if verdict is first_visit_verdict:
        found += [
            (
                f"{deep['label']} against page 1",
                ratio <= DEEP_PAGE_RATIO,
                f"{ratio:.2f}× page 1's p50, target {DEEP_PAGE_RATIO}×",
            )
            for deep, _, ratio in deep_pages(result["rows"])
        ]
        found += [
            (
                name,
                export["rows_per_s"] >= EXPORT_TARGETS[name],
                f"{export['rows_per_s']} rows/s, target {EXPORT_TARGETS[name]}",
            )
            for name, export in result["exports"].items()
            if name in EXPORT_TARGETS
        ]
    return found


def table(title, result, verdict):
    limit = result["limit"]
    lines = [
        f"### {title}",
        "",
        f"Limit (hashed static file through the same gunicorn): "
        f"{limit[1]['rps']:.0f} req/s at 1 connection, {limit[8]['rps']:.0f} req/s at 8.",
        "",
        "| URL | status | 1 conn req/s | p50 ms | p99 ms | 8 conn req/s | ratio to limit (8) "
        "| p50 ms (8) | p99 ms (8) | queries | peak MB | KB | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        one, eight = row[1], row[8]
        met, why = verdict(row, limit)
        lines.append(
            f"| {row['label']} `{row['path']}` | {row['status']} | {one['rps']:.0f} "
            f"| {_fmt(one['p50'])} | {_fmt(one['p99'])} | {eight['rps']:.0f} "
            f"| {eight['rps'] / limit[8]['rps']:.3f} | {_fmt(eight['p50'])} "
            f"| {_fmt(eight['p99'])} | {row['queries']} | {row['peak_mb']} "
            f"| {row['bytes'] // 1024} | {'yes' if met else 'no: ' + why} |"
        )
    pairs = deep_pages(result["rows"]) if verdict is first_visit_verdict else []
    if pairs:
        lines += [
            "",
            f"| deep page | p50 ms | page 1 p50 ms | ratio | met (at most {DEEP_PAGE_RATIO}×) |",
            "|---|---|---|---|---|",
        ]
        for deep, first, ratio in pairs:
            lines.append(
                f"| {deep['label']} `{deep['path']}` | {_fmt(deep[1]['p50'])} "
                f"| {_fmt(first[1]['p50'])} | {ratio:.2f} | "
                f"{'yes' if ratio <= DEEP_PAGE_RATIO else 'no'} |"
            )
    if result["exports"]:
        lines += [
            "",
            "| export | rows | seconds | rows/s | target rows/s | met | peak MB |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, export in result["exports"].items():
            target = EXPORT_TARGETS.get(name)
            met = "–" if target is None else ("yes" if export["rows_per_s"] >= target else "no")
            lines.append(
                f"| {name} | {export['rows']} | {export['seconds']} | {export['rows_per_s']} "
                f"| {target or '–'} | {met} | {export['peak_mb']} |"
            )
    return "\n".join(lines)


def signed_in_verdict(row, limit):
    """Real data, signed in: the share of the limit at 8 connections."""
    target = _target(row["label"])
    ratio = row[8]["rps"] / limit[8]["rps"]
    return ratio >= target and row["status"] == 200, f"{ratio:.3f} of the limit, target {target}"


def signed_in_table(title, result, verdict):
    limit = result["limit"][8]["rps"]
    lines = [
        f"### {title}",
        "",
        f"Limit (the same static file, measured in this run): {limit:.0f} req/s at 8 "
        f"connections. Targets: at least {SIGNED_IN_TARGET} of the limit, search "
        f"{SEARCH_TARGET}.",
        "",
        "| URL | as | status | 8 conn req/s | ratio to limit | target | met | p50 ms | p99 ms "
        "| KB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        eight, target = row[8], _target(row["label"])
        ratio = eight["rps"] / limit
        met, _ = verdict(row, result["limit"])
        lines.append(
            f"| {row['label']} `{row['path']}` | {row['as']} | {row['status']} "
            f"| {eight['rps']:.0f} | {ratio:.3f} | {target} | {'yes' if met else 'no'} "
            f"| {_fmt(eight['p50'])} | {_fmt(eight['p99'])} | {row['bytes'] // 1024} |"
        )
    return "\n".join(lines)


def summary(scale, sections):
    """How many of the issue's targets this run met, and which it did not."""
    found = [
        (title.split(" (")[0].split(",")[0], *verdict_of)
        for title, _, result, verdict in sections
        for verdict_of in verdicts(result, verdict)
    ]
    missed = [(section, what, why) for section, what, met, why in found if not met]
    lines = [
        "## Targets",
        "",
        f"{len(found) - len(missed)} of {len(found)} met."
        + (
            ""
            if scale == 1
            else f" The first-visit targets are for national scale (1); this run's synthetic "
            f"data is at scale {scale}."
        ),
    ]
    if missed:
        lines += ["", "Not met:", ""]
        lines += [f"- {section}: {what}: {why}" for section, what, why in missed]
    return "\n".join(lines)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "machine": f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {platform.platform()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-real", action="store_true", help="Only the chosen scale.")
    options = parser.parse_args()
    about = machine()
    real = ensure_database(0)
    scaled = ensure_database(options.scale)
    static_path = ensure_static(real)
    sections = []
    if not options.skip_real:
        say("Real data:")
        anonymous = measure(real, static_path, with_exports=False, response_cache=True)
        sections.append(
            (
                f"Real data, anonymous, response cache on (target: at least {ANONYMOUS_TARGET} "
                f"of the limit at 8 connections, search {SEARCH_TARGET})",
                table,
                anonymous,
                anonymous_verdict,
            )
        )
        say("Real data, signed in:")
        urls = [(row["label"], row["path"]) for row in anonymous["rows"]]
        sections.append(
            (
                "Real data, signed in (API token, session cookie), 8 connections",
                signed_in_table,
                measure_signed_in(real, static_path, urls),
                signed_in_verdict,
            )
        )
    say(f"Scale {options.scale}:")
    sections.append(
        (
            f"Synthetic scale {options.scale}, response and query caches off (first visits)",
            table,
            measure(scaled, static_path, with_exports=True, response_cache=False),
            first_visit_verdict,
        )
    )
    report = "\n\n".join(
        [
            f"# Benchmark: scale {options.scale}",
            f"- machine: {about['machine']}\n- date: {about['date']}\n"
            f"- commit: {about['commit']}\n- gunicorn workers: {WORKERS}; wrk {DURATION} s "
            f"per run on loopback; PostgreSQL at {POSTGRES.split('@')[-1]}; Redis cache",
            "Queries and peak MB (tracemalloc, Python allocations) are per request, measured "
            "in process with the response cache and the query caches (search rankings, facet "
            "counts, list counts) off, on the third request to each URL. With the response "
            "cache on, wrk's repeated anonymous GETs are answered from the cache after the "
            "first, and signed-in reads meet the query caches; with both off, each is "
            "answered afresh, as for a first visit or a new query. Fragments kept under a "
            "digest of what they show (maps, the boroughs table's rows, a plan's item tables) "
            "stay on: they are made again only when what they show changes.",
            summary(options.scale, sections),
            *(tabulate(title, result, verdict) for title, tabulate, result, verdict in sections),
        ]
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report + "\n", encoding="utf-8")
    say(f"\nWritten to {RESULTS.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
