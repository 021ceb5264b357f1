#!/usr/bin/env bash
# Runs the whole suite twice, both at once: on SQLite (the embedded default), and on
# PostgreSQL with Redis, as production runs. Locally a service that does not answer is skipped
# with a message; with CI=true it fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/svportal}"
REDIS="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
on_ci() { [ "${CI:-}" = "true" ]; }

# With COVERAGE=1 (`make coverage`), the whole suite's SQLite pass also measures which
# lines of the apps the tests run (line coverage, pytest-cov), says the total, and fails
# below the floor, fail_under in pyproject.toml. It is not on by default: the tracer
# makes the SQLite pass about two and a half times slower, which would take CI past its
# 15 minutes. A run of some tests (arguments given) is not measured. `coverage report`
# lists the lines the last measured run missed.
coverage=()
if [ "${COVERAGE:-}" = "1" ] && [ "$#" -eq 0 ]; then
  coverage=(--cov --cov-report=)
fi

# The passes' processes keep what they compile: pytest's rewritten test modules cost each
# worker about 7 s of a core to make again, and an environment may ask for no bytecode.
unset PYTHONDONTWRITEBYTECODE

# Each pass names its slowest tests, so that the run's 15 minutes can be kept in view.
slowest=(--durations=15 --durations-min=5)

# The two passes run at the same time, each with its own temporary directory, Redis
# databases and (on PostgreSQL) databases. Each spends long stretches waiting: for a portal,
# a Celery worker or a browser it started, for a broker's timeout, for the template of its
# real-data database; the other pass uses the cores meanwhile. One after the other the two
# passes took about nineteen minutes on two cores; together, about ten and a half (see
# docs/decisions/0041-test-passes-run-at-once.md). The SQLite pass writes as it goes; the
# PostgreSQL pass's output follows it.
run_root="$(mktemp -d)"
trap 'rm -rf "$run_root"' EXIT

postgres_pass() {
  if ! python scripts/services_answer.py "$PG_URL" "$REDIS"; then
    if on_ci; then
      echo "CI=true: PostgreSQL and Redis must answer. Failing." >&2
      return 1
    fi
    echo "Skipping the PostgreSQL run: start PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 to run it."
    return 0
  fi
  DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" python -m pytest -n "${PYTEST_WORKERS:-2}" \
    --basetemp="$run_root/postgresql" "${slowest[@]}" "$@"
}

postgres_pass "$@" >"$run_root/postgresql.log" 2>&1 &
postgres=$!

echo "== Test suite on SQLite (the PostgreSQL pass runs beside it; its output follows)"
sqlite_status=0
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
  python -m pytest -n "${PYTEST_WORKERS:-2}" --basetemp="$run_root/sqlite" \
  "${slowest[@]}" "${coverage[@]}" "$@" || sqlite_status=$?
if [ "${#coverage[@]}" -gt 0 ] && [ "$sqlite_status" -eq 0 ]; then
  echo "Line coverage of the apps: $(python -m coverage report --format=total)%"
fi

postgres_status=0
wait "$postgres" || postgres_status=$?
echo "== Test suite on PostgreSQL with Redis"
cat "$run_root/postgresql.log"

if [ "$sqlite_status" -ne 0 ]; then echo "The SQLite pass failed." >&2; fi
if [ "$postgres_status" -ne 0 ]; then echo "The PostgreSQL pass failed." >&2; fi
exit $((sqlite_status || postgres_status))
